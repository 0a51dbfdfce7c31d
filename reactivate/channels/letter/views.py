"""Letters: the print batches, their PDF and mail-house CSV, and "mark mailed"."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reactivate.channels.letter.printing import batch_csv, batch_pdf
from reactivate.channels.letter.services import LetterError, batch_close, batch_mark_mailed
from reactivate.channels.models import BatchStatus, PrintBatch
from reactivate.tenancy.access import practice_view


def _batch(request: HttpRequest, pk: int) -> PrintBatch:
    return get_object_or_404(PrintBatch.objects.select_related("practice"), pk=pk,
                             practice=request.practice)  # fmt: skip


@practice_view()
def letter_batches(request: HttpRequest) -> HttpResponse:
    batches = PrintBatch.objects.filter(practice=request.practice).annotate(count=Count("letters"))[
        :30
    ]
    return render(request, "channels/letter/batches.html", {"batches": batches})


@require_POST
@practice_view(edit=True)
def letter_batch_action(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    try:
        if request.POST.get("action") == "close":
            batch_close(batch=batch, actor=request.user)
            messages.success(request, "Closed: download the PDF, print, and mail the letters.")
        elif request.POST.get("action") == "mailed":
            n = batch_mark_mailed(batch=batch, actor=request.user)
            messages.success(request, f"{n} letters recorded as mailed.")
    except LetterError as exc:
        messages.error(request, str(exc))
    return redirect("letter_batches", slug=request.practice.slug)


@practice_view(edit=True)
def letter_batch_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in ("pdf", "csv"):
        raise Http404("No such file")
    batch = _batch(request, pk)
    if batch.status == BatchStatus.OPEN:
        messages.error(request, "Close the batch first, so what you print is what is mailed.")
        return redirect("letter_batches", slug=request.practice.slug)
    name = f"{request.practice.slug}-letters-{batch.pk}"
    if kind == "pdf":
        response = HttpResponse(batch_pdf(batch), content_type="application/pdf")
    else:
        response = HttpResponse(batch_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
