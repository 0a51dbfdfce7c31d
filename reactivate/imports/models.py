from __future__ import annotations

from django.conf import settings
from django.db import models

from reactivate.tenancy.models import Practice


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportBatch(models.Model):
    """One file brought in: what was asked, how far it got, and what became of every row."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500, help_text="Where the uploaded file is kept.")
    preset = models.CharField(max_length=20, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    stage = models.CharField(max_length=40, blank=True, help_text="What the import is doing now.")
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    report_path = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "merged": self.merged,
            "rejected": self.rejected,
            "flagged": self.flagged,
        }


class MergedRow(models.Model):
    """A row that became part of another lead, kept as imported so the merge can be undone.

    ``values`` holds the row's own lead fields and its contact points; ``own`` marks the points
    only this row brought, which leave with it when the rows come apart (the rest are copied).
    A merge made on the review screen is kept the same way, with the absorbed lead's values.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(
        "leads.Lead", on_delete=models.CASCADE, related_name="merged_rows", help_text="Merged into."
    )
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    row = models.PositiveIntegerField(null=True, blank=True, help_text="Row number in the file.")
    source = models.CharField(max_length=300, help_text="Which file, or the review screen.")
    reason = models.CharField(max_length=200, blank=True)
    values = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    split_lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["practice", "lead"])]
        ordering = ["row", "id"]

    def __str__(self) -> str:
        return f"row {self.row} of {self.source} → lead {self.lead_id}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "To review"
    MERGED = "merged", "Merged"
    APART = "apart", "Kept apart"


class MergeReview(models.Model):
    """Two leads an import kept apart but thought might be one person: a person decides."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="+")
    # Null once merged away: the decision stays on record with the lead that was kept.
    other = models.ForeignKey("leads.Lead", null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=300)
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lead", "other"], name="merge_review_once"),
        ]
        indexes = [models.Index(fields=["practice", "status"])]
        ordering = ["lead_id", "other_id"]

    def __str__(self) -> str:
        return f"lead {self.lead_id} ~ lead {self.other_id}: {self.reason}"
