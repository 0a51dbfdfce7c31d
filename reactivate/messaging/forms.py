from __future__ import annotations

from django import forms

from reactivate.messaging.models import MessageTemplate


class TemplateForm(forms.ModelForm):
    subject = forms.CharField(max_length=200, required=False, help_text="Email only.")
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Merge fields: {{ first_name }}, {{ treatment }}, {{ last_contact }}, "
        "{{ last_month }}, {{ stage }}, {{ coordinator_name }}, {{ practice_name }}, "
        "{{ practice_phone }}, {{ practice_address }}, {{ booking_link }}, {{ unsubscribe_link }}.",
    )
    voicemail = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Calls only."
    )

    class Meta:
        model = MessageTemplate
        fields = ["name", "channel", "language", "dormancy_reason", "first_touch"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("channel") == "email" and not (data.get("subject") or "").strip():
            self.add_error("subject", "An email needs a subject.")
        return data
