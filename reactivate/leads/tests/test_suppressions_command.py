import json
from io import StringIO

from django.core.management import CommandError, call_command
from django.utils import timezone

from reactivate.leads.optout import opt_out
from reactivate.testing import BaseTestCase, make_lead


class SuppressionsListTests(BaseTestCase):
    def test_every_suppression_of_the_practice_and_no_other(self):
        lead = make_lead(self.north, "Opal", "Out", email="opal@example.com", phone="+13125550142")
        opt_out(lead=lead, channel="email", source="unsubscribe page", evidence="clicked",
                at=timezone.now())  # fmt: skip
        other = make_lead(self.south, "Sid", "South", email="sid@example.com")
        opt_out(lead=other, channel="sms", source="STOP", evidence="STOP", at=timezone.now())
        out = StringIO()
        call_command("suppressions", "list", "--practice", "north", "--json", stdout=out)
        rows = json.loads(out.getvalue())
        self.assertEqual({(r["kind"], r["value"]) for r in rows},
                         {("email", "opal@example.com"), ("phone", "+13125550142")})  # fmt: skip
        self.assertTrue(all({"value", "kind", "reason", "created_at"} <= set(r) for r in rows))
        self.assertEqual({r["reason"] for r in rows}, {"opt_out"})

    def test_an_unknown_practice_is_a_clear_error(self):
        with self.assertRaisesMessage(CommandError, "No practice 'nowhere'"):
            call_command("suppressions", "list", "--practice", "nowhere", "--json")
