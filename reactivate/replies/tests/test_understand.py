"""Reading a reply, layer by layer: carrier keywords, auto-replies (real RFC 3834 messages),
the never-miss rules, the learned model on wordings it never saw, and follow-up dates."""

import csv
from datetime import date
from email import message_from_bytes, policy
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase
from sklearn.metrics import f1_score

from reactivate.replies.understand import read_reply
from reactivate.replies.understand.autoreply import by_headers, by_text, return_date
from reactivate.replies.understand.dates import follow_up_date
from reactivate.replies.understand.model import build, labelled, trained
from reactivate.replies.understand.rules import core, revokes, wrong_contact

RFC3834 = Path(__file__).resolve().parents[1] / "fixtures" / "rfc3834"
NOV = date(2026, 11, 10)  # a Tuesday


def read(text, **kw):
    return read_reply(text, received=kw.pop("received", NOV), **kw)


class KeywordTests(SimpleTestCase):
    def test_every_stop_word_is_an_unsubscribe_and_start_help_are_not(self):
        for word in [
            "STOP",
            "stop",
            "Stop.",
            "STOPALL",
            "UNSUBSCRIBE",
            "CANCEL",
            "END",
            "QUIT",
            "REVOKE",
            "OPTOUT",
            "STOP ALL",
            "ARRET",
            "OPT-OUT",
            "REMOVE",
            "TD",
        ]:
            reading = read(word)
            self.assertEqual((reading.label, reading.layer), ("unsubscribe", "keyword"), word)
        self.assertEqual(read("START").keyword, "start")
        self.assertEqual(read("help").keyword, "help")
        self.assertNotEqual(read("START").label, "unsubscribe")


class RevocationTests(SimpleTestCase):
    def test_free_text_revocations_in_any_wording(self):
        for text in [
            "please don't text me",
            "Remove me",
            "no más mensajes",
            "No me escirban más",
            "Deja de esribirme",
            "stop emailing me!!",
            "Unsubscibe",
            "take me off your list",
            "Leave me alone",
            "do not contact me again",
            "quit bugging me",
            "I said stop",
            "stahp",
            "Don't ever text me again you creeps",
        ]:
            self.assertTrue(revokes(text), text)
            self.assertEqual(read(text).label, "unsubscribe", text)

    def test_what_only_looks_like_one_is_not(self):
        for text in [
            "can't stop thinking about it, when can I come in?",
            "I never stopped wanting it",
            "I'll stop by on Friday",
            "don't stop now, I'm in!",
        ]:
            self.assertFalse(revokes(text), text)
            self.assertNotEqual(read(text).label, "unsubscribe", text)

    def test_the_model_alone_never_opts_anyone_out(self):
        # A weak guess at a revocation is a person's to judge.
        self.assertNotEqual(read("not sure what this is, maybe leave it").label, "unsubscribe")


class WrongContactTests(SimpleTestCase):
    def test_wrong_person_answers(self):
        for text in [
            "Wrong number",
            "who is this?",
            "New number, who dis",
            "She passed away",
            "This isn't Maria",
            "Número equivocado",
            "There's no one here by that name",
        ]:
            self.assertTrue(wrong_contact(text), text)
            self.assertEqual(read(text).label, "wrong_contact", text)


class AutoReplyTests(SimpleTestCase):
    def test_the_real_rfc3834_auto_replies_are_recognised_by_their_headers(self):
        for path in sorted(RFC3834.glob("*.eml")):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            headers = {k: str(v) for k, v in message.items()}
            body = message.get_body(("plain",))
            text = body.get_content() if body else ""
            self.assertTrue(by_headers(headers), path.name)
            self.assertEqual(read(text, headers=headers, channel="email").label, "auto_reply")

    def test_by_what_it_says_and_its_return_date(self):
        self.assertTrue(by_text("I am out of the office until December 12 with limited email."))
        self.assertTrue(by_text("This mailbox is not monitored."))
        self.assertEqual(return_date("Out of office until December 12.", NOV), date(2026, 12, 12))
        reading = read("Automatic reply: I am on vacation until Dec 3rd.")
        self.assertEqual((reading.label, reading.follow_up.on), ("auto_reply", date(2026, 12, 3)))
        self.assertFalse(by_headers({"Auto-Submitted": "no", "Subject": "Re: your visit"}))


class DateTests(SimpleTestCase):
    def test_the_seeds_phrases_give_the_earliest_sensible_date(self):
        cases = {
            "after the holidays": (date(2027, 1, 4), "week"),
            "next spring": (date(2027, 3, 20), "season"),
            "in March": (date(2027, 3, 1), "month"),
            "in 3 months": (date(2027, 2, 10), "month"),
            "after my wedding in June": (date(2027, 7, 1), "month"),
            "después de Semana Santa": (date(2027, 4, 5), "week"),  # Easter 2027: 28 March
            "in two weeks": (date(2026, 11, 24), "week"),
            "next year": (date(2027, 1, 15), "year"),
            "after Thanksgiving": (date(2026, 11, 30), "week"),
            "try me again next month": (date(2026, 12, 1), "month"),
            "after tax season": (date(2027, 4, 16), "week"),
        }
        for text, (on, granularity) in cases.items():
            found = follow_up_date(text, NOV)
            self.assertEqual((found.on, found.granularity), (on, granularity), text)

    def test_no_date_given_means_90_days(self):
        self.assertEqual(follow_up_date("not now, sorry", NOV).on, date(2027, 2, 8))

    def test_a_month_already_here_is_next_week_and_a_past_one_next_year(self):
        self.assertEqual(follow_up_date("in November", NOV).on, date(2026, 11, 17))
        self.assertEqual(follow_up_date("in May", NOV).on, date(2027, 5, 1))


class CleaningTests(SimpleTestCase):
    def test_greetings_signatures_and_sign_offs_come_off(self):
        self.assertEqual(
            core("Hi Dana, I moved to Texas 🙂\n\nThanks,\nMaria"), "I moved to Texas 🙂"
        )
        self.assertEqual(core("Hey please unsubscribe me thx"), "please unsubscribe me")
        self.assertEqual(core("Yes please\n\nSent from my iPhone"), "Yes please")
        self.assertEqual(core("Thanks"), "Thanks")  # a reply that is only a thank-you stays


class ModelQualityTests(SimpleTestCase):
    """On the evaluation split (wordings absent from training), the whole reader."""

    def test_macro_f1_and_opt_out_recall_on_unseen_wordings(self):
        rows = labelled("eval")
        truth = [r["label"] for r in rows]
        got = [read(r["text"], channel=r["channel"]).label for r in rows]
        self.assertGreaterEqual(f1_score(truth, got, average="macro"), 0.90)
        opt_outs = [g for t, g in zip(truth, got, strict=True) if t == "unsubscribe"]
        self.assertGreaterEqual(opt_outs.count("unsubscribe") / len(opt_outs), 0.95)
        false = sum(1 for t, g in zip(truth, got, strict=True) if g == "unsubscribe" != t)
        self.assertLessEqual(false / len(rows), 0.01)

    def test_the_set_is_large_and_keeps_its_splits_apart(self):
        rows = labelled()
        self.assertGreaterEqual(len(rows), 1500)
        train = {core(r["text"]).lower() for r in rows if r["split"] == "train"}
        unseen = [r for r in rows if r["split"] == "eval" and core(r["text"]).lower() not in train]
        self.assertGreater(len(unseen) / len([r for r in rows if r["split"] == "eval"]), 0.9)


class CommandTests(SimpleTestCase):
    databases = "__all__"

    def test_classify_replies_writes_the_contract_columns(self):
        folder = Path(self.enterContext(self._tmp()))
        source = folder / "in.csv"
        source.write_text(
            'id,channel,text\n1,sms,"Yes, still interested!"\n2,sms,STOP\n'
            '3,email,"Maybe after the holidays"\n4,sms,wrong number\n'
        )
        call_command(
            "classify-replies",
            str(source),
            "--out",
            str(folder / "out.csv"),
            "--received-at",
            "2026-11-10",
            stdout=StringIO(),
        )
        rows = list(csv.DictReader((folder / "out.csv").open()))
        self.assertEqual(list(rows[0]), ["id", "label", "confidence", "followup_date"])
        self.assertEqual(
            [(r["id"], r["label"]) for r in rows],
            [("1", "positive"), ("2", "unsubscribe"), ("3", "timing"), ("4", "wrong_contact")],
        )
        self.assertEqual([r["followup_date"] for r in rows], ["", "", "2027-01-04", ""])
        self.assertTrue(all(0 <= float(r["confidence"]) <= 1 for r in rows))

    def test_a_file_without_the_columns_is_a_clear_error(self):
        folder = Path(self.enterContext(self._tmp()))
        (folder / "bad.csv").write_text("name,message\nAna,hi\n")
        with self.assertRaisesMessage(CommandError, "needs the columns id, channel, text"):
            call_command(
                "classify-replies", str(folder / "bad.csv"), "--out", str(folder / "o.csv")
            )

    @staticmethod
    def _tmp():
        import tempfile

        return tempfile.TemporaryDirectory()


class ScorerTests(SimpleTestCase):
    def test_the_fast_arithmetic_gives_sklearns_numbers(self):
        rows = labelled("train")
        pipeline = build([core(r["text"]) for r in rows], [r["label"] for r in rows])
        scorer = trained()
        for row in labelled("eval")[:40]:
            text = core(row["text"])
            probabilities = pipeline.predict_proba([text])[0]
            label, confidence = scorer.predict(text)
            self.assertEqual(label, pipeline.classes_[probabilities.argmax()])
            self.assertAlmostEqual(confidence, probabilities.max(), places=6)
