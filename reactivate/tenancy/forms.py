from __future__ import annotations

from zoneinfo import available_timezones

from django import forms

from reactivate.tenancy.models import Practice


class PracticeSettingsForm(forms.ModelForm):
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
