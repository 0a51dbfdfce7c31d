from __future__ import annotations

from django import forms

from reactivate.leads.choices import LeadStatus, Stage


class LeadFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *LeadStatus.choices])
    stage = forms.ChoiceField(required=False, choices=[("", "Any stage"), *Stage.choices])
    treatment = forms.ChoiceField(required=False)
    order = forms.ChoiceField(
        required=False,
        choices=[("", "Latest contact first"), ("priority", "Best to call first")],
    )

    def __init__(self, *args, treatments: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["treatment"].choices = [("", "Any treatment")] + [(t, t) for t in treatments]


class NoteForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Note")


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=LeadStatus.choices)
    reason = forms.CharField(
        required=False,
        max_length=500,
        label="Why (kept on the timeline)",
        widget=forms.TextInput(attrs={"placeholder": "Why? (kept on the timeline)"}),
    )


class LanguageForm(forms.Form):
    # The languages messages are written in (messaging.models.Language).
    preferred_language = forms.ChoiceField(
        choices=[("en", "English"), ("es", "Spanish")], label="Messages in"
    )
