"""Every rule id of the linter, shown firing on a message and silent on its near twin."""

from dataclasses import replace

from django.test import SimpleTestCase

from reactivate.messaging.lint import EMAIL_FOOTER, RULES, Message, lint

EMAIL = Message(
    "email",
    "Hi Ana,\n\nWe spoke in March about Invisalign. Either way, just let me know.\n\n"
    "Still interested?\n\nSam" + EMAIL_FOOTER["en"],
    subject="Checking in",
)
SMS = Message(
    "sms",
    "Hi Ana, this is Sam from Harbor Smiles. We spoke in March about Invisalign. "
    "Still interested? No worries if not. Reply STOP to opt out.",
)
LATER = Message(
    "sms",
    "Hi Ana, we spoke in March about Invisalign. Still interested? No worries if not.",
    first_touch=False,
)
LETTER = Message(
    "letter",
    "Dear Ana,\n\nWe spoke in March about Invisalign. If the timing isn't right, that's okay.\n\n"
    "Would you like us to call?\n\nSam",
)
CALL = Message(
    "call",
    "Hi, this is Sam from Harbor Smiles. We spoke in March about Invisalign. No pressure at all.",
)
FILLER = "We are here for you and glad to help with anything at all that you need. "


def swap(message: Message, old: str, new: str, **changes) -> Message:
    assert old in message.body, old
    return replace(message, body=message.body.replace(old, new), **changes)


# rule id → (a message on which it fires, the level it fires at, the twin on which it is silent)
CASES = {
    "email-words": (swap(EMAIL, "Either way", FILLER * 14 + "Either way"), "fail", EMAIL),
    "email-sentences": (swap(EMAIL, "Either way", "Hello. " * 8 + "Either way"), "fail", EMAIL),
    "subject-length": (replace(EMAIL, subject="Checking in " * 6), "warn", EMAIL),
    "sms-ucs2": (swap(SMS, "this is", "it\u2019s"), "warn", SMS),
    "sms-segments": (swap(SMS, "Still", FILLER * 7 + "Still"), "fail", SMS),
    "letter-words": (swap(LETTER, "If the", FILLER * 26 + "If the"), "fail", LETTER),
    "call-words": (swap(CALL, "No pressure", FILLER * 20 + "No pressure"), "fail", CALL),
    "voicemail-words": (replace(CALL, voicemail=FILLER * 5), "warn", CALL),
    "fake-reply": (replace(EMAIL, subject="Re: checking in"), "fail", EMAIL),
    "spam-phrase": (swap(EMAIL, "Either way", "Click here. Either way"), "fail", EMAIL),
    "all-caps": (swap(EMAIL, "March", "MARCH"), "warn", EMAIL),
    "exclamations": (swap(EMAIL, "Invisalign.", "Invisalign!!"), "fail", EMAIL),
    "subject-questions": (replace(EMAIL, subject="Still there? Still interested?"), "warn", EMAIL),
    "pressure": (swap(SMS, "Still", "Only a few spots left. Still"), "fail", SMS),
    "discount": (swap(SMS, "Still", "We have a discount now. Still"), "fail", SMS),
    "promise": (swap(SMS, "Still", "It is painless. Still"), "fail", SMS),
    "regret": (swap(SMS, "Still", "You'll regret waiting. Still"), "fail", SMS),
    "blame": (swap(SMS, "Still", "You never replied to us. Still"), "fail", SMS),
    "no-detail": (swap(EMAIL, "We spoke in March about Invisalign.", "Hope all is well."),
                  "fail", EMAIL),
    "no-question": (swap(EMAIL, "Still interested?", "Talk soon."), "fail", EMAIL),
    "many-questions": (swap(EMAIL, "Still interested?", "Free Tuesday? Still keen?"),
                       "fail", EMAIL),
    "open-question": (swap(EMAIL, "Still interested?", "What would help?"), "warn", EMAIL),
    "question-not-last": (swap(EMAIL, "Still interested?", "Still interested? We open at nine. "
                               "We close at five. Parking is free."), "warn", EMAIL),
    "links": (swap(EMAIL, "Either way", "https://a.example https://b.example Either way"),
              "warn", EMAIL),
    "no-permission": (swap(EMAIL, " Either way, just let me know.", ""), "fail", EMAIL),
    "sms-identify": (swap(SMS, " this is Sam from Harbor Smiles.", ""), "fail", SMS),
    "sms-opt-out": (swap(SMS, " Reply STOP to opt out.", ""), "fail", SMS),
    "sms-shortener": (swap(SMS, "Still", "See bit.ly/abc. Still"), "fail", SMS),
    "email-unsubscribe": (swap(EMAIL, "Unsubscribe: {{ unsubscribe_link }}", ""), "fail", EMAIL),
    "email-address": (swap(EMAIL, " · {{ practice_address }}", ""), "fail", EMAIL),
    "phi": (replace(SMS, phi_safe=True), "fail",
            swap(SMS, "about Invisalign", "about your visit", phi_safe=True)),
}  # fmt: skip


class EveryRule(SimpleTestCase):
    def test_every_rule_id_has_a_case(self):
        self.assertEqual(set(CASES), set(RULES))
        self.assertEqual(len(RULES), len(set(RULES)), "a rule id is used by two modules")

    def test_the_twins_pass(self):
        for message in (EMAIL, SMS, LATER, LETTER, CALL):
            with self.subTest(channel=message.channel, body=message.body[:40]):
                self.assertEqual(lint(message).verdict, "pass", lint(message).findings)

    def test_each_rule_fires_and_stays_silent(self):
        for rule, (firing, level, silent) in CASES.items():
            with self.subTest(rule=rule):
                found = {f.rule: f.level for f in lint(firing).findings}
                self.assertEqual(found.get(rule), level, found)
                self.assertNotIn(rule, {f.rule for f in lint(silent).findings})


class PressureAsPromiseRegretAndBlame(SimpleTestCase):
    def test_each_wording_is_caught(self):
        cases = {
            "promise": ["Results are guaranteed.", "It's pain-free.", "No downtime at all."],
            "regret": ["Don't miss your chance.", "It only gets worse.", "You'll wish you had."],
            "blame": ["Why haven't you called us back", "You didn't respond.", "You ignored us."],
        }
        for rule, wordings in cases.items():
            for wording in wordings:
                with self.subTest(rule=rule, wording=wording):
                    message = swap(LATER, "Still", f"{wording} Still")
                    self.assertIn(rule, {f.rule for f in lint(message).findings})

    def test_spanish_wordings(self):
        text = "Hola Ana, hablamos en marzo. Es sin dolor. ¿Sigue interesada? Si no, está bien."
        self.assertIn(
            "promise", {f.rule for f in lint(Message("sms", text, "", "es", False)).findings}
        )


class PermissionInAGentleText(SimpleTestCase):
    def test_one_gentle_question_makes_a_missing_permission_a_warning(self):
        text = swap(LATER, " No worries if not.", "")
        self.assertEqual(
            [(f.rule, f.level) for f in lint(text).findings], [("no-permission", "warn")]
        )

    def test_not_when_the_question_is_open_or_pushes_or_in_an_email(self):
        open_q = swap(LATER, "Still interested? No worries if not.", "What would help?")
        pushing = swap(LATER, "Still interested? No worries if not.", "Book now?")
        for message in (open_q, pushing):
            with self.subTest(body=message.body):
                levels = {f.rule: f.level for f in lint(message).findings}
                self.assertEqual(levels["no-permission"], "fail")
        email = swap(EMAIL, " Either way, just let me know.", "")
        self.assertEqual({f.rule: f.level for f in lint(email).findings}["no-permission"], "fail")


class ReferencesByShape(SimpleTestCase):
    def specific(self, sentence: str, language: str = "en") -> bool:
        body = f"Hi Ana, {sentence} Still interested? No worries if not."
        found = lint(Message("sms", body, "", language, first_touch=False)).findings
        return "no-detail" not in {f.rule for f in found}

    def test_past_conversations_in_many_words(self):
        for sentence in (
            "we talked in June about your options.",
            "you asked about aligners back in January.",
            "when you came in for your consultation, you wanted time.",
            "we briefly chatted a few weeks ago about a crown.",
            "you reached out over the summer.",
            "you filled out our form about veneers.",
            "I'm following up on the consult you had with us.",
            "you sat down with Dr. Moss in September.",
        ):
            with self.subTest(sentence=sentence):
                self.assertTrue(self.specific(sentence))

    def test_a_verb_alone_or_a_generic_line_is_not_specific(self):
        for sentence in ("we talked.", "hope you're well.", "we have a Tuesday opening."):
            with self.subTest(sentence=sentence):
                self.assertFalse(self.specific(sentence))

    def test_spanish(self):
        self.assertTrue(self.specific("nos visitó en enero para una evaluación.", "es"))


class SignedFirstTexts(SimpleTestCase):
    def identifies(self, body: str, practice_name: str = "") -> bool:
        text = f"{body} We spoke in March about a crown. Still keen? No pressure. Reply STOP."
        found = lint(Message("sms", text, practice_name=practice_name)).findings
        return "sms-identify" not in {f.rule for f in found}

    def test_a_business_in_plain_words(self):
        for intro in (
            "Hi Ana, this is Sam from Harbor Smiles.",
            "Hi Ana, it's Jess at Lakeside Dental.",
            "Hey Ana, Brightwater Aesthetics here.",
            "Hi Ana, it's Ray from Dr. Patel's office.",
            "Hi Ana, this is Sam from Harbor Point.",
        ):
            with self.subTest(intro=intro):
                self.assertTrue(self.identifies(intro))

    def test_a_person_alone_does_not_identify_the_sender(self):
        for intro in ("Hi Ana, it's Sam.", "Hi Ana, from Sam Jones.", "Maria Lopez here.",
                      "Hi Ana, it's Noor at Lumière."):  # fmt: skip
            with self.subTest(intro=intro):
                self.assertFalse(self.identifies(intro))

    def test_the_practice_name_when_known(self):
        self.assertTrue(self.identifies("Hi Ana, it's Noor at Lumière.", practice_name="Lumière"))
