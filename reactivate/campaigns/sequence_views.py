"""The sequence builder: a practice's sequences, each a list of steps edited in place."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reactivate.campaigns.models import Campaign, Sequence, Step
from reactivate.campaigns.sequence_forms import SequenceForm, StepForm
from reactivate.campaigns.sequences import (
    SequenceError,
    sequence_create,
    step_add,
    step_move,
    step_problems,
    step_remove,
    step_update,
    steps_reorder,
)
from reactivate.campaigns.services import starter_sequence
from reactivate.tenancy.access import practice_view


def _sequence(request: HttpRequest, sequence_id: int) -> Sequence:
    sequence = Sequence.objects.filter(practice=request.practice, pk=sequence_id).first()
    if sequence is None:
        raise Http404("No such sequence")
    return sequence


def _step(request: HttpRequest, step_id: int) -> Step:
    step = Step.objects.filter(sequence__practice=request.practice, pk=step_id).first()
    if step is None:
        raise Http404("No such step")
    return step


@practice_view(edit=True)
def sequence_index(request: HttpRequest) -> HttpResponse:
    form = SequenceForm(request.POST or None, practice=request.practice)
    if request.method == "POST" and "starter" in request.POST:
        sequence = starter_sequence(request.practice, request.user)
        return redirect("sequence_edit", slug=request.practice.slug, sequence_id=sequence.pk)
    if request.method == "POST" and form.is_valid():
        try:
            sequence = sequence_create(
                practice=request.practice,
                name=form.cleaned_data["name"],
                copy_of=form.cleaned_data["copy_of"],
                actor=request.user,
            )
        except SequenceError as exc:
            form.add_error("name", str(exc))
        else:
            return redirect("sequence_edit", slug=request.practice.slug, sequence_id=sequence.pk)
    sequences = Sequence.objects.filter(practice=request.practice, parent__isnull=True)
    rows = [
        (s, s.steps.count(), Campaign.objects.filter(sequence__parent=s).count())
        for s in sequences.order_by("name")
    ]
    has_starter = sequences.filter(name="Starter playbook").exists()
    return render(
        request,
        "campaigns/sequences.html",
        {"form": form, "rows": rows, "has_starter": has_starter},
    )


@practice_view(edit=True)
def sequence_edit(request: HttpRequest, sequence_id: int) -> HttpResponse:
    sequence = _sequence(request, sequence_id)
    steps = list(sequence.steps.select_related("template", "variant").order_by("position"))
    rows = []
    for step in steps:
        failures, warnings = step_problems(step)
        form = StepForm.for_step(step, request.practice)
        if not request.access.can_edit or sequence.frozen:
            for field in form.fields.values():
                field.disabled = True
        rows.append({"step": step, "form": form, "failures": failures, "warnings": warnings})
    campaigns = Campaign.objects.filter(sequence__parent=sequence).select_related("sequence")
    context = {
        "sequence": sequence,
        "rows": rows,
        "add_form": StepForm(practice=request.practice, prefix="new"),
        "campaigns": campaigns,
        "editable": request.access.can_edit and not sequence.frozen,
    }
    return render(request, "campaigns/sequence_edit.html", context)


def _done(request: HttpRequest, sequence: Sequence, work) -> HttpResponse:
    try:
        work()
    except SequenceError as exc:
        messages.error(request, str(exc))
    return redirect("sequence_edit", slug=request.practice.slug, sequence_id=sequence.pk)


@require_POST
@practice_view(edit=True)
def sequence_step_add(request: HttpRequest, sequence_id: int) -> HttpResponse:
    sequence = _sequence(request, sequence_id)
    form = StepForm(request.POST, practice=request.practice, prefix="new")
    if not form.is_valid():
        messages.error(request, "The new step: " + _errors(form))
        return redirect("sequence_edit", slug=request.practice.slug, sequence_id=sequence.pk)
    return _done(
        request, sequence, lambda: step_add(sequence=sequence, actor=request.user, **form.values())
    )


@require_POST
@practice_view(edit=True)
def sequence_step_save(request: HttpRequest, step_id: int) -> HttpResponse:
    step = _step(request, step_id)
    form = StepForm(request.POST, practice=request.practice, prefix=f"step-{step.pk}")
    if not form.is_valid():
        messages.error(request, f"Step {step.position + 1}: " + _errors(form))
        return redirect("sequence_edit", slug=request.practice.slug, sequence_id=step.sequence_id)
    return _done(
        request, step.sequence, lambda: step_update(step=step, actor=request.user, **form.values())
    )


@require_POST
@practice_view(edit=True)
def sequence_step_remove(request: HttpRequest, step_id: int) -> HttpResponse:
    step = _step(request, step_id)
    return _done(request, step.sequence, lambda: step_remove(step=step, actor=request.user))


@require_POST
@practice_view(edit=True)
def sequence_step_move(request: HttpRequest, step_id: int) -> HttpResponse:
    step = _step(request, step_id)
    by = -1 if request.POST.get("direction") == "up" else 1
    return _done(request, step.sequence, lambda: step_move(step=step, by=by, actor=request.user))


@require_POST
@practice_view(edit=True)
def sequence_reorder(request: HttpRequest, sequence_id: int) -> HttpResponse:
    """The order after a drag: the step ids, first to last."""
    sequence = _sequence(request, sequence_id)
    try:
        order = [int(pk) for pk in request.POST.getlist("order")]
    except ValueError:
        order = []
    return _done(
        request, sequence, lambda: steps_reorder(sequence=sequence, order=order, actor=request.user)
    )


def _errors(form: StepForm) -> str:
    return "; ".join(f"{form.fields[k].label or k}: {' '.join(v)}" for k, v in form.errors.items())
