from __future__ import annotations

from django import forms

from reactivate.imports.fields import Field

CUSTOM = ""
MAX_UPLOAD_MB = 500


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text="A CSV or XLSX export from your CRM or spreadsheet (any encoding or delimiter)."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"Files up to {MAX_UPLOAD_MB} MB can be uploaded here; "
                "use `reactivate import` for larger ones."
            )
        return upload


class MappingForm(forms.Form):
    """One select per column of the file: which lead field it fills, or kept as custom."""

    dry_run = forms.BooleanField(required=False, label="Dry run: check and report, store nothing")

    def __init__(self, *args, headers: list[str], initial_mapping: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [(CUSTOM, "— keep as a custom field —"), *Field.choices]
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=initial_mapping.get(header) or CUSTOM,
            )

    def clean(self) -> dict:
        data = super().clean()
        seen: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            target = data.get(f"col_{index}") or CUSTOM
            if target == CUSTOM:
                continue
            if target in seen:
                self.add_error(
                    f"col_{index}",
                    f"{Field(target).label} is already filled from “{seen[target]}”.",
                )
            seen[target] = header
        return data

    def mapping(self) -> dict[str, str | None]:
        return {
            header: (self.cleaned_data.get(f"col_{i}") or None)
            for i, header in enumerate(self.headers)
        }
