from __future__ import annotations

from django.conf import settings
from django.db import models

from reactivate.tenancy.models import Practice


class AuditAction(models.TextChoices):
    LEAD_VIEWED = "lead.viewed", "Viewed a lead"
    LEAD_CHANGED = "lead.changed", "Changed a lead"
    LEAD_OPTED_OUT = "lead.opted_out", "Opted out of all contact"
    LEAD_OPTED_IN = "lead.opted_in", "Opted back in to a channel"
    LEADS_EXPORTED = "leads.exported", "Exported leads"
    PRACTICE_CHANGED = "practice.changed", "Changed practice settings"
    SEGMENT_SAVED = "segment.saved", "Saved a segment"
    SEGMENT_DELETED = "segment.deleted", "Deleted a segment"
    ASSESSMENT_EXPORTED = "assessment.exported", "Exported the assessment"
    TEMPLATE_SAVED = "template.saved", "Saved a message template"
    SEND_RESOLVED = "send.resolved", "Resolved an uncertain send"
    ENROLLMENT_STOPPED = "enrollment.stopped", "Stopped a lead's sequence"
    CAMPAIGN_CREATED = "campaign.created", "Created a campaign"
    CAMPAIGN_LAUNCHED = "campaign.launched", "Launched a campaign"
    CAMPAIGN_PAUSED = "campaign.paused", "Paused a campaign"
    CAMPAIGN_RESUMED = "campaign.resumed", "Resumed a campaign"
    CAMPAIGN_SCALED = "campaign.scaled", "Scaled a pilot to the whole segment"
    REPLY_RECORDED = "reply.recorded", "Recorded a reply by hand"
    IMPORT_STARTED = "import.started", "Started an import"
    SEQUENCE_CHANGED = "sequence.changed", "Changed a sequence"
    MEMBER_INVITED = "member.invited", "Invited a team member"
    MEMBER_ROLE_CHANGED = "member.role_changed", "Changed a team member's role"
    MEMBER_REMOVED = "member.removed", "Removed a team member"
    MEMBER_ALERTS_CHANGED = "member.alerts_changed", "Changed where a member's alerts go"
    CHANNEL_CONFIGURED = "channel.configured", "Configured a channel's provider"
    LEADS_MERGED = "leads.merged", "Merged two leads"
    LEADS_KEPT_APART = "leads.kept_apart", "Kept two leads apart"
    MERGE_UNDONE = "merge.undone", "Undid a merge"
    CALL_LOGGED = "call.logged", "Logged a call's outcome"
    LETTERS_MAILED = "letters.mailed", "Marked a print batch mailed"
    REPLY_CORRECTED = "reply.corrected", "Corrected how a reply was read"
    REPLY_ATTACHED = "reply.attached", "Attached an unmatched message to a lead"
    FOLLOWUP_CLAIMED = "followup.claimed", "Took a follow-up"
    FOLLOWUP_ASSIGNED = "followup.assigned", "Gave a follow-up to someone"
    FOLLOWUP_DONE = "followup.done", "Finished a follow-up"
    LEAD_SNOOZED = "lead.snoozed", "Snoozed a lead to a date"
    MESSAGE_ANSWERED = "message.answered", "Answered a lead by hand"
    OPPORTUNITY_OPENED = "opportunity.opened", "Booked a consultation"
    OPPORTUNITY_CHANGED = "opportunity.changed", "Moved an opportunity's stage"
    NOTES_SAVED = "lead.notes_saved", "Saved what was learned about a lead"
    LEAD_REQUALIFIED = "lead.requalified", "Re-qualified a lead whose situation changed"
    COSTS_CHANGED = "costs.changed", "Changed the program's prices"
    COST_ADDED = "cost.added", "Added a program cost"
    COST_REMOVED = "cost.removed", "Removed a program cost"
    METRICS_EXPORTED = "metrics.exported", "Exported the metrics"


class AuditEvent(models.Model):
    """Who saw or changed what (HIPAA asks practices to know who viewed which patient)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["practice", "object_type", "object_id"]),
            models.Index(fields=["practice", "-at"]),
        ]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.object_type}#{self.object_id}"
