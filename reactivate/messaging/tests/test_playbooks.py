from django.test import SimpleTestCase

from reactivate.leads.choices import DormancyReason
from reactivate.messaging.lint import EMAIL_FOOTER, Message, lint
from reactivate.messaging.playbooks import STEPS, VARIANTS, playbook


def lint_step(step, text, language):
    footer = EMAIL_FOOTER[language] if step.channel == "email" else ""
    return lint(
        Message(
            channel=step.channel,
            subject=text.subject,
            body=text.body + footer,
            voicemail=text.voicemail,
            language=language,
            first_touch=step.first_touch,
        )
    )


class StarterPlaybooks(SimpleTestCase):
    def test_every_message_of_every_playbook_passes_the_linter(self):
        reasons = [None, *VARIANTS]
        for language in ("en", "es"):
            for reason in reasons:
                for step, text in playbook(language, reason):
                    with self.subTest(language=language, reason=reason, step=step.key):
                        result = lint_step(step, text, language)
                        self.assertEqual(
                            result.verdict,
                            "pass",
                            [(f.rule, f.message) for f in result.findings],
                        )

    def test_the_sequence_follows_the_seed(self):
        channels = [s.channel for s in STEPS]
        self.assertEqual(channels[0], "email")  # start with email, escalate later
        self.assertEqual(set(channels), {"email", "sms", "call", "letter"})
        self.assertTrue(next(s for s in STEPS if s.channel == "letter").high_value_only)
        final = playbook("en")[-1][1]
        self.assertIn("close out your file", final.body)
        self.assertIn("cerraré su expediente", playbook("es")[-1][1].body)

    def test_every_reason_has_its_own_opening_in_both_languages(self):
        self.assertEqual(set(VARIANTS), set(DormancyReason) - {DormancyReason.UNKNOWN})
        for reason in VARIANTS:
            for language in ("en", "es"):
                opening = {s.key: t for s, t in playbook(language, reason)}["email-1"]
                self.assertNotEqual(opening.body, playbook(language)[0][1].body)
