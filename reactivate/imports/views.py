from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reactivate.imports.forms import MappingForm, UploadForm
from reactivate.imports.models import ImportBatch, ImportStatus
from reactivate.imports.preview import import_preview
from reactivate.imports.reading import UnreadableFile
from reactivate.imports.selectors import open_reviews
from reactivate.imports.services import import_upload
from reactivate.imports.tasks import import_batch_queue, import_batch_queue_confirmed
from reactivate.tenancy.access import practice_view


def _batch(request: HttpRequest, batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.filter(practice=request.practice, pk=batch_id).first()
    if batch is None:
        raise Http404("No such import")
    return batch


@practice_view(edit=True)
def import_index(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_upload(
                practice=request.practice, actor=request.user, upload=form.cleaned_data["file"]
            )
        except UnreadableFile as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("import_detail", slug=request.practice.slug, batch_id=batch.pk)
    batches = ImportBatch.objects.filter(practice=request.practice).select_related("created_by")
    to_review = open_reviews(practice=request.practice).count()
    return render(
        request,
        "imports/index.html",
        {"form": form, "batches": batches[:50], "to_review": to_review},
    )


@practice_view(edit=True)
def import_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    if batch.status != ImportStatus.UPLOADED:
        if request.method == "POST" and batch.dry_run and batch.status == ImportStatus.DONE:
            import_batch_queue_confirmed(batch=batch, actor=request.user)
            return redirect("import_detail", slug=request.practice.slug, batch_id=batch.pk)
        return render(request, "imports/progress.html", {"batch": batch})
    try:
        preview = import_preview(
            practice=request.practice, path=batch.stored_path, mapping=batch.mapping
        )
    except (UnreadableFile, OSError) as exc:
        messages.error(request, f"The uploaded file can no longer be read: {exc}")
        return redirect("import_index", slug=request.practice.slug)
    form = MappingForm(
        request.POST or None, headers=preview.table.headers, initial_mapping=batch.mapping
    )
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            batch.mapping = form.mapping()
            batch.save(update_fields=["mapping"])
            return redirect("import_detail", slug=request.practice.slug, batch_id=batch.pk)
        import_batch_queue(
            batch=batch,
            mapping=form.mapping(),
            dry_run=form.cleaned_data["dry_run"],
            actor=request.user,
        )
        return redirect("import_detail", slug=request.practice.slug, batch_id=batch.pk)
    head = preview.table.frame.head(3)
    columns = [
        (form[f"col_{i}"], [v for v in head.get_column(h).to_list() if v][:3])
        for i, h in enumerate(preview.table.headers)
    ]
    return render(
        request,
        "imports/mapping.html",
        {"batch": batch, "form": form, "preview": preview, "columns": columns},
    )


@practice_view()
def import_progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    return render(request, "imports/_status.html", {"batch": _batch(request, batch_id)})


@practice_view()
def import_report(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    if not batch.report_path or not Path(batch.report_path).exists():
        raise Http404("No report yet")
    name = f"{Path(batch.filename).stem}-report.csv"
    return FileResponse(
        open(batch.report_path, "rb"),
        as_attachment=True,
        filename=name,
        content_type="text/csv",
    )
