"""The sequence builder's forms: a new sequence, and one step."""

from __future__ import annotations

from django import forms

from reactivate.campaigns.models import Sequence, WaitUnit
from reactivate.leads.choices import Channel, Stage
from reactivate.messaging.services import templates_for
from reactivate.tenancy.models import Practice


class SequenceForm(forms.Form):
    name = forms.CharField(max_length=120)
    copy_of = forms.ModelChoiceField(
        queryset=Sequence.objects.none(),
        required=False,
        empty_label="Start empty",
        label="Start from",
    )

    def __init__(self, *args, practice: Practice, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["copy_of"].queryset = Sequence.objects.filter(
            practice=practice, parent__isnull=True
        )


class TemplateChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        version = obj.current
        verdict = {"fail": " · fails the linter", "warn": " · lint warnings"}.get(
            version.lint_verdict if version else "fail", ""
        )
        return f"{obj.get_channel_display()}: {obj.name} ({obj.get_language_display()}){verdict}"


class StepForm(forms.Form):
    channel = forms.ChoiceField(choices=Channel.choices)
    template = TemplateChoice(queryset=None, label="Message")
    variant = TemplateChoice(
        queryset=None, required=False, label="Second wording (A/B)", empty_label="None"
    )
    wait = forms.IntegerField(min_value=0, max_value=365, initial=0, label="Wait")
    wait_unit = forms.ChoiceField(choices=WaitUnit.choices, initial=WaitUnit.DAYS, label="")
    min_value = forms.DecimalField(
        min_value=0, required=False, decimal_places=2, label="Only leads worth at least ($)"
    )
    stages = forms.MultipleChoiceField(
        choices=Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Only leads at these stages (none ticked: all)",
    )
    needs_phone = forms.BooleanField(required=False, label="Only leads with a valid phone number")
    closing = forms.BooleanField(required=False, label="The closing message (“closing your file”)")

    def __init__(self, *args, practice: Practice, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        templates = templates_for(practice).order_by("channel", "name", "language")
        self.fields["template"].queryset = templates
        self.fields["variant"].queryset = templates

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["stages"] = list(data.get("stages") or [])
        return data

    @classmethod
    def for_step(cls, step, practice: Practice, **kwargs) -> StepForm:
        initial = {
            "channel": step.channel,
            "template": step.template_id,
            "variant": step.variant_id,
            "wait": step.wait,
            "wait_unit": step.wait_unit,
            "min_value": step.min_value,
            "stages": step.stages,
            "needs_phone": step.needs_phone,
            "closing": step.closing,
        }
        return cls(initial=initial, practice=practice, prefix=f"step-{step.pk}", **kwargs)
