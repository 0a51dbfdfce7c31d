from __future__ import annotations

from django import forms
from django.utils import timezone

from reactivate.campaigns.models import Campaign
from reactivate.metrics.models import CostEntry, ProgramCosts
from reactivate.metrics.services import PRICE_FIELDS


class PricesForm(forms.ModelForm):
    class Meta:
        model = ProgramCosts
        fields = PRICE_FIELDS
        labels = {
            "email_price": "Price of an email ($)",
            "sms_price": "Price of a text ($)",
            "letter_price": "Price of a letter ($)",
            "staff_hourly_rate": "Staff cost an hour ($)",
            "minutes_per_call": "Minutes a call takes",
            "minutes_per_reply": "Minutes a reply takes",
        }


class CostEntryForm(forms.ModelForm):
    class Meta:
        model = CostEntry
        fields = ("description", "amount", "incurred_on", "campaign")
        labels = {"incurred_on": "Date", "campaign": "Campaign (empty: the whole program)"}
        widgets = {"incurred_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, practice, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.filter(practice=practice)
        self.fields["incurred_on"].initial = timezone.localdate()
