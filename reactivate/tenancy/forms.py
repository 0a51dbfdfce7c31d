from __future__ import annotations

from zoneinfo import available_timezones

from django import forms

from reactivate.tenancy.choices import Role
from reactivate.tenancy.models import Practice

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS = [(str(i), day) for i, day in enumerate(DAY_NAMES)]
# The law's own window (TCPA and the strictest states): a practice's hours outside it are
# never used, so the form says so rather than letting the setting look like it works.
LEGAL_FROM, LEGAL_UNTIL = 8, 21
ZONES = sorted(available_timezones() - {"localtime", "Factory"})


class ZoneInput(forms.TextInput):
    """A text box with the IANA zones as suggestions: type "chicago" and pick."""

    template_name = "tenancy/zone_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, {**(attrs or {}), "list": "zones"})
        context["zones"] = ZONES
        return context


class HourField(forms.TimeField):
    """An hour of the day as a time picker; stored as the whole hour (24 = midnight, the end)."""

    widget = forms.TimeInput(attrs={"type": "time", "step": 3600}, format="%H:%M")

    def __init__(self, *, end: bool = False, **kwargs):
        self.end = end
        super().__init__(input_formats=["%H:%M", "%H"], **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return "00:00" if value == 24 else f"{value:02d}:00"
        return value

    def clean(self, value):
        moment = super().clean(value)
        if moment.minute:
            raise forms.ValidationError("Sending hours start and end on the hour.")
        return 24 if self.end and moment.hour == 0 else moment.hour


class PracticeSettingsForm(forms.ModelForm):
    timezone = forms.CharField(
        widget=ZoneInput, help_text="Start typing a city, e.g. Chicago or Los Angeles."
    )
    send_days = forms.MultipleChoiceField(
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "weekdays"}),
        label="Sending days",
        help_text="Days automated messages may go out.",
    )
    send_from_hour = HourField(label="Sending starts", help_text="In the recipient's time.")
    send_until_hour = HourField(
        end=True, label="Sending stops", help_text="00:00 means midnight, the end of the day."
    )
    phi_safe = forms.BooleanField(
        required=False,
        label="PHI-safe messages",
        help_text="Texts and emails can be read by anyone who sees the phone or the inbox. "
        "Turned on, messages never name a treatment (“your consultation” instead of "
        "“your implant consultation”) and the linter stops any that do. Letters and calls "
        "are not affected.",
    )
    booking_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Booking link",
        help_text="Where a lead can book a visit; {{ booking_link }} in messages.",
    )

    class Meta:
        model = Practice
        fields = [
            "name",
            "timezone",
            "country",
            "state",
            "postal_address",
            "phone",
            "cost_per_new_lead",
            "booking_url",
            "phi_safe",
            "send_days",
            "public_holidays",
            "holidays",
            "replies_per_day",
            "send_from_hour",
            "send_until_hour",
            "max_touches_per_day",
            "max_touches_per_week",
            "stalled_after_days",
            "first_attempt_months",
            "second_attempt_months",
            "repeat_every_months",
            "max_cycles",
        ]
        widgets = {
            "postal_address": forms.Textarea(attrs={"rows": 3}),
            "holidays": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"holidays": "Own closures", "public_holidays": "Closed on public holidays"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["send_days"] = self.instance.send_days.split(",")

    def clean_send_days(self) -> str:
        days = self.cleaned_data["send_days"]
        if not days:
            raise forms.ValidationError("Pick at least one day.")
        return ",".join(sorted(days))

    def window_warnings(self) -> list[str]:
        """What the saved window means in practice, when part of it can never be used."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        start = data.get("send_from_hour", self.instance.send_from_hour)
        end = data.get("send_until_hour", self.instance.send_until_hour)
        warnings = []
        if (start is not None and start < LEGAL_FROM) or (end is not None and end > LEGAL_UNTIL):
            warnings.append(
                f"Messages never go out before {LEGAL_FROM:02d}:00 or after {LEGAL_UNTIL}:00 in "
                "the recipient's time (the law's quiet hours, stricter in some states), so the "
                "hours outside that are not used."
            )
        return warnings

    def clean_timezone(self) -> str:
        zone = self.cleaned_data["timezone"].strip()
        if zone not in available_timezones():
            raise forms.ValidationError("Use an IANA time zone name such as America/Chicago.")
        return zone

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("first_attempt_months"), data.get("second_attempt_months")
        if first and second and second <= first:
            self.add_error("second_attempt_months", "The second attempt must come after the first.")
        start, end = data.get("send_from_hour"), data.get("send_until_hour")
        if start is not None and end is not None and end <= start:
            self.add_error("send_until_hour", "Sending must stop after it starts.")
        return data

    def clean_holidays(self) -> str:
        from datetime import date

        lines = self.cleaned_data["holidays"].replace(",", "\n").split()
        for token in lines:
            try:
                date.fromisoformat(token)
            except ValueError:
                raise forms.ValidationError(f"“{token}” is not a date: write YYYY-MM-DD.") from None
        return "\n".join(sorted(set(lines)))

    def clean_country(self) -> str:
        return self.cleaned_data["country"].upper()

    def clean_state(self) -> str:
        return self.cleaned_data["state"].upper()


PRACTICE_ROLES = [(r.value, r.label) for r in Role if r != Role.AGENCY_OPERATOR]


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField()
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    role = forms.ChoiceField(choices=PRACTICE_ROLES, initial=Role.COORDINATOR)
