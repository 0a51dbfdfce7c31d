"""A manager runs the practice's team from settings: invite, change a role, remove."""

from django.urls import reverse

from reactivate.audit.models import AuditAction, AuditEvent
from reactivate.tenancy.choices import Role
from reactivate.tenancy.models import Membership
from reactivate.tenancy.team import TeamError, member_remove, member_set_role
from reactivate.testing import PASSWORD, BaseTestCase


class TeamPageTests(BaseTestCase):
    def setUp(self):
        self.client.login(username="nora", password=PASSWORD)
        self.url = reverse("team_settings", args=["north"])

    def test_an_invited_member_sets_their_own_password_through_a_signed_link(self):
        response = self.client.post(
            self.url,
            {"username": "fran", "email": "fran@example.com", "first_name": "Fran",
             "last_name": "Desk", "role": "coordinator"},
        )  # fmt: skip
        self.assertContains(response, "Send this link to the new member")
        link = response.context["link"]
        membership = Membership.objects.get(user__username="fran", practice=self.north)
        self.assertEqual(membership.role, Role.COORDINATOR)
        self.assertFalse(membership.user.has_usable_password())
        event = AuditEvent.objects.get(action=AuditAction.MEMBER_INVITED)
        self.assertEqual((event.actor, event.detail["role"]), (self.north_owner, "coordinator"))
        self.client.logout()
        form = self.client.get(link, follow=True)  # Django moves the token out of the URL
        self.assertContains(form, "Choose your password")
        password = "a long Spring pass 42"
        chosen = {"new_password1": password, "new_password2": password}
        self.client.post(form.redirect_chain[-1][0], chosen)
        self.assertTrue(self.client.login(username="fran", password=password))
        again = self.client.get(link, follow=True)
        self.assertContains(again, "This link no longer works")

    def test_roles_change_and_members_go_with_an_audit_trail(self):
        cole = Membership.objects.get(user=self.north_coordinator, practice=self.north)
        self.client.post(self.url, {"member": cole.pk, "role": "manager"})
        cole.refresh_from_db()
        self.assertEqual(cole.role, Role.MANAGER)
        self.client.post(self.url, {"member": cole.pk, "remove": "1"})
        self.assertFalse(Membership.objects.filter(pk=cole.pk).exists())
        actions = AuditEvent.objects.filter(action__startswith="member.").values_list(
            "action", flat=True
        )
        self.assertEqual(sorted(actions), ["member.removed", "member.role_changed"])

    def test_the_last_owner_stays(self):
        nora = Membership.objects.get(user=self.north_owner, practice=self.north)
        with self.assertRaises(TeamError):
            member_set_role(membership=nora, role="viewer", actor=self.north_owner)
        with self.assertRaises(TeamError):
            member_remove(membership=nora, actor=self.north_owner)
        page = self.client.post(self.url, {"member": nora.pk, "remove": "1"}, follow=True)
        self.assertContains(page, "keeps at least one owner")

    def test_only_managers_see_the_team_and_only_their_practice(self):
        self.client.login(username="cole", password=PASSWORD)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.url, {"username": "x"}).status_code, 403)
        self.client.login(username="sam", password=PASSWORD)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        south = Membership.objects.filter(practice=self.south).first()
        self.client.login(username="nora", password=PASSWORD)
        self.client.post(self.url, {"member": south.pk, "remove": "1"})
        self.assertTrue(Membership.objects.filter(pk=south.pk).exists())


class SettingsFormTests(BaseTestCase):
    def setUp(self):
        self.client.login(username="nora", password=PASSWORD)
        self.url = reverse("practice_settings", args=["north"])

    def data(self, **changes):
        page = self.client.get(self.url)
        form = page.context["form"]
        data = {}
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[name] = value if not isinstance(value, bool) else "on"
        if "send_from_hour" in data:
            data["send_from_hour"] = form.fields["send_from_hour"].prepare_value(
                data["send_from_hour"])  # fmt: skip
            data["send_until_hour"] = form.fields["send_until_hour"].prepare_value(
                data["send_until_hour"])  # fmt: skip
        return {**data, **changes}

    def test_days_as_checkboxes_and_hours_as_time_pickers(self):
        page = self.client.get(self.url)
        self.assertContains(page, 'type="checkbox" name="send_days" value="5"')
        self.assertContains(page, 'type="time"')
        self.assertContains(page, '<datalist id="zones">')
        self.assertContains(page, "America/Chicago")
        response = self.client.post(
            self.url, self.data(send_days=["1", "3"], send_from_hour="07:00",
                                send_until_hour="00:00"), follow=True)  # fmt: skip
        self.north.refresh_from_db()
        self.assertEqual(
            (self.north.send_days, self.north.send_from_hour, self.north.send_until_hour),
            ("1,3", 7, 24),
        )
        self.assertContains(response, "Messages never go out before 08:00 or after 21:00")

    def test_a_window_that_ends_before_it_starts_is_refused(self):
        response = self.client.post(
            self.url, self.data(send_from_hour="15:00", send_until_hour="09:00")
        )
        self.assertContains(response, "Sending must stop after it starts.")

    def test_the_next_public_holidays_are_listed(self):
        self.north.country, self.north.state = "US", "IL"
        self.north.save()
        self.assertContains(self.client.get(self.url), "Independence Day")
