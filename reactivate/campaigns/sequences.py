"""A practice's sequences, edited step by step; frozen into a version when a campaign launches.

Every change is a keyword-only service that takes the actor and writes one audit event. A
frozen version (``Sequence.parent`` set) is never edited: the campaign running it keeps
exactly the touches it was launched with, whatever the practice changes afterwards.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.campaigns.models import Sequence, Step, WaitUnit
from reactivate.leads.choices import Stage
from reactivate.messaging.models import MessageTemplate
from reactivate.messaging.services import template_family, templates_for
from reactivate.tenancy.models import Practice

# Step fields a person edits, with what each must be.
EDITABLE = (
    "channel", "template", "variant", "wait", "wait_unit", "min_value", "stages", "needs_phone",
    "closing",
)  # fmt: skip


class SequenceError(Exception):
    """A change the sequence cannot take, with the reason in words."""


def sequence_create(
    *,
    practice: Practice,
    name: str,
    actor: AbstractBaseUser | None,
    copy_of: Sequence | None = None,
) -> Sequence:
    """A new sequence, empty or a copy of another (a starter playbook, an earlier version)."""
    name = name.strip()
    if not name:
        raise SequenceError("A sequence needs a name.")
    if Sequence.objects.filter(practice=practice, name=name, parent__isnull=True).exists():
        raise SequenceError(f"There is already a sequence called {name!r}.")
    if copy_of is not None and copy_of.practice_id != practice.pk:
        raise SequenceError("Only this practice's sequences can be copied.")
    with transaction.atomic():
        sequence = Sequence.objects.create(practice=practice, name=name)
        if copy_of is not None:
            _copy_steps(copy_of, sequence)
        _audit(sequence, actor, "created", copy_of=copy_of.pk if copy_of else None)
    return sequence


def step_add(
    *, sequence: Sequence, actor: AbstractBaseUser | None, channel: str, template: MessageTemplate,
    **fields,
) -> Step:  # fmt: skip
    """Append a step (the last step is the one most often added)."""
    with transaction.atomic():
        sequence = _editable(sequence)
        values = _checked(sequence, {"channel": channel, "template": template, **fields})
        last = sequence.steps.aggregate(n=Max("position"))["n"]
        step = Step.objects.create(
            sequence=sequence, position=0 if last is None else last + 1, **values
        )
        _audit(sequence, actor, "step added", step=step.position + 1, channel=channel)
    return step


def step_update(*, step: Step, actor: AbstractBaseUser | None, **changes) -> Step:
    with transaction.atomic():
        sequence = _editable(step.sequence)
        current = {name: getattr(step, name) for name in EDITABLE}
        values = _checked(sequence, current | changes)
        for name, value in values.items():
            setattr(step, name, value)
        step.save()
        _audit(sequence, actor, "step changed", step=step.position + 1, fields=sorted(changes))
    return step


def step_remove(*, step: Step, actor: AbstractBaseUser | None) -> None:
    with transaction.atomic():
        sequence = _editable(step.sequence)
        position = step.position
        step.delete()
        _renumber(sequence, [s.pk for s in sequence.steps.order_by("position")])
        _audit(sequence, actor, "step removed", step=position + 1)


def steps_reorder(*, sequence: Sequence, order: list[int], actor: AbstractBaseUser | None) -> None:
    """Put the steps in this order of step ids (every step of the sequence, once each)."""
    with transaction.atomic():
        sequence = _editable(sequence)
        ids = list(sequence.steps.order_by("position").values_list("pk", flat=True))
        if sorted(order) != sorted(ids):
            raise SequenceError("The new order must name every step of the sequence once.")
        _renumber(sequence, order)
        _audit(sequence, actor, "steps reordered", order=order)


def step_move(*, step: Step, by: int, actor: AbstractBaseUser | None) -> None:
    """One place up (-1) or down (+1): what the keyboard's move buttons do."""
    ids = list(step.sequence.steps.order_by("position").values_list("pk", flat=True))
    index = ids.index(step.pk)
    target = min(max(index + by, 0), len(ids) - 1)
    if target != index:
        ids.insert(target, ids.pop(index))
        steps_reorder(sequence=step.sequence, order=ids, actor=actor)


def sequence_freeze(sequence: Sequence) -> Sequence:
    """The version a launching campaign runs: the latest frozen copy when nothing changed
    since it was taken, else a new one. A frozen sequence is its own version."""
    if sequence.frozen:
        return sequence
    latest = sequence.versions.order_by("-version").first()
    if latest is not None and _shape(latest) == _shape(sequence):
        return latest
    version = (latest.version if latest else 0) + 1
    frozen = Sequence.objects.create(
        practice_id=sequence.practice_id, name=sequence.name, parent=sequence, version=version
    )
    _copy_steps(sequence, frozen)
    return frozen


def step_problems(step: Step) -> tuple[list[str], list[str]]:
    """What the linter says of the step's messages, every language and variant: failures
    (which stop a launch) and warnings (shown, and accepted at launch)."""
    failures, warnings = [], []
    for template in [step.template, *([step.variant] if step.variant_id else [])]:
        for member in template_family(template):
            version = member.current
            where = f"step {step.position + 1}: {member.name} ({member.get_language_display()})"
            if version is None:
                failures.append(f"{where} has no text yet")
            elif version.lint_verdict == "fail":
                failures.append(f"{where} fails the linter")
            elif version.lint_verdict == "warn":
                warnings.append(f"{where} has lint warnings")
    return failures, warnings


def _editable(sequence: Sequence) -> Sequence:
    locked = Sequence.objects.select_for_update().get(pk=sequence.pk)
    if locked.frozen:
        raise SequenceError(
            "This is the version a campaign runs; it cannot change. Edit the sequence itself."
        )
    return locked


def _checked(sequence: Sequence, values: dict) -> dict:
    values = {k: v for k, v in values.items() if k in EDITABLE}
    allowed = set(templates_for(sequence.practice).values_list("pk", flat=True))
    for name in ("template", "variant"):
        template = values.get(name)
        if template is None:
            continue
        if template.pk not in allowed:
            raise SequenceError("Only this practice's templates (or its agency's) can be used.")
        if template.channel != values["channel"]:
            raise SequenceError(
                f"{template.name} is a {template.get_channel_display().lower()} message; "
                f"this step sends {values['channel']}."
            )
    if values.get("template") is None:
        raise SequenceError("Every step needs a message.")
    if values.get("wait_unit", WaitUnit.DAYS) not in WaitUnit.values:
        raise SequenceError("Wait in hours, days or business days.")
    if not 0 <= int(values.get("wait") or 0) <= 365:
        raise SequenceError("A wait is between 0 and 365.")
    stages = values.get("stages") or []
    if any(stage not in Stage.values for stage in stages):
        raise SequenceError("Unknown stage.")
    minimum = values.get("min_value")
    if minimum is not None and Decimal(minimum) < 0:
        raise SequenceError("A minimum value cannot be negative.")
    return values


def _renumber(sequence: Sequence, order: list[int]) -> None:
    # Two passes: positions are unique per sequence, so the steps step aside first.
    steps = {s.pk: s for s in sequence.steps.all()}
    for offset in (1000, 0):
        for position, pk in enumerate(order):
            steps[pk].position = offset + position
        Step.objects.bulk_update(steps.values(), ["position"])


def _copy_steps(source: Sequence, target: Sequence) -> None:
    Step.objects.bulk_create(
        Step(sequence=target, position=s.position, **{n: getattr(s, n) for n in EDITABLE})
        for s in source.steps.order_by("position")
    )


def _shape(sequence: Sequence) -> list[tuple]:
    return [
        (s.position, *(getattr(s, f"{n}_id", None) or getattr(s, n) for n in EDITABLE))
        for s in sequence.steps.order_by("position")
    ]


def _audit(sequence: Sequence, actor, change: str, **detail) -> None:
    audit_record(
        practice=sequence.practice,
        actor=actor,
        action=AuditAction.SEQUENCE_CHANGED,
        obj=sequence,
        detail={"sequence": sequence.name, "change": change, **detail},
    )
