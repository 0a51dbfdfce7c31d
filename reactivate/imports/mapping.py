"""Which column of a file fills which field of a lead: detected, chosen by preset, or given."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from reactivate.imports.fields import Field
from reactivate.imports.presets import PRESETS, SYNONYM_INDEX, squeeze

AUTO = "auto"


class MappingError(ValueError):
    """A mapping that cannot be used, with a message for the person who wrote it."""


@dataclass
class Mapping:
    """Header → field; a header mapped to None is kept as a custom field."""

    columns: dict[str, Field | None]
    preset: str = ""
    notes: list[str] = field(default_factory=list)

    def column_for(self, target: Field) -> str | None:
        return next((h for h, f in self.columns.items() if f == target), None)

    @property
    def custom_columns(self) -> list[str]:
        return [h for h, f in self.columns.items() if f is None]

    def as_json(self) -> dict[str, str | None]:
        return {h: (f.value if f else None) for h, f in self.columns.items()}


def detect_mapping(headers: list[str], preset: str = AUTO) -> Mapping:
    """Map headers using a preset (named, or the best-matching one for "auto") then synonyms."""
    if preset != AUTO and preset not in PRESETS:
        raise MappingError(f"unknown preset {preset!r}; choose one of: auto, {', '.join(PRESETS)}")
    chosen = best_preset(headers) if preset == AUTO else preset
    by_squeezed = {squeeze(k): v for k, v in PRESETS.get(chosen, {}).items()}
    exact = PRESETS.get(chosen, {})
    columns: dict[str, Field | None] = {}
    taken: set[Field] = set()
    notes: list[str] = []
    for header in headers:
        target = exact.get(header) or by_squeezed.get(squeeze(header))
        target = target or SYNONYM_INDEX.get(squeeze(header))
        if target in taken:
            notes.append(f"'{header}' also looks like {target.label}; kept as a custom field")
            target = None
        if target is not None:
            taken.add(target)
        columns[header] = target
    if Field.FULL_NAME in taken and {Field.FIRST_NAME, Field.LAST_NAME} <= taken:
        # First and last name columns say more than a combined one: keep that as custom.
        full = next(h for h, f in columns.items() if f == Field.FULL_NAME)
        columns[full] = None
    return Mapping(columns=columns, preset=chosen, notes=notes)


def best_preset(headers: list[str]) -> str:
    """The preset naming most of these headers exactly; "" when none names at least three."""
    scores = {name: sum(h in names for h in headers) for name, names in PRESETS.items()}
    name, score = max(scores.items(), key=lambda item: item[1])
    return name if score >= 3 else ""


def mapping_from_json(data: object, headers: list[str]) -> Mapping:
    """A user's mapping: {"Column header": "field name" or null}. Unnamed columns stay custom."""
    if not isinstance(data, dict):
        raise MappingError('a mapping is a JSON object: {"Column header": "field", ...}')
    unknown_headers = [h for h in data if h not in headers]
    if unknown_headers:
        raise MappingError(f"the file has no column named {', '.join(map(repr, unknown_headers))}")
    columns: dict[str, Field | None] = dict.fromkeys(headers)
    seen: dict[Field, str] = {}
    for header, target in data.items():
        if target in (None, "", "custom"):
            continue
        try:
            chosen = Field(target)
        except ValueError as exc:
            valid = ", ".join(f.value for f in Field)
            raise MappingError(
                f"{target!r} (for {header!r}) is not a field; use one of {valid}"
            ) from exc
        if chosen in seen:
            raise MappingError(f"{seen[chosen]!r} and {header!r} are both mapped to {chosen.value}")
        seen[chosen] = header
        columns[header] = chosen
    return Mapping(columns=columns, preset="")


def load_mapping_file(path: Path, headers: list[str]) -> Mapping:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(f"cannot read mapping file {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise MappingError(f"mapping file {path} is not valid JSON: {exc}") from exc
    return mapping_from_json(data, headers)
