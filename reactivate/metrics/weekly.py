"""The owner's weekly report: the program's figures and the week's news, by email with the
PDF attached, on Monday at 08:00 in the practice's time zone, once a week
(``WeeklyReportSent``). Sent to the practice's owners and managers."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from reactivate.leads.choices import OpportunityStage
from reactivate.leads.models import Opportunity
from reactivate.metrics.charts import page_context
from reactivate.metrics.facts import NOT_HUMAN
from reactivate.metrics.models import WeeklyReportSent
from reactivate.metrics.snapshots import refresh
from reactivate.metrics.text import summary_lines
from reactivate.replies.models import Reply
from reactivate.tenancy.choices import Role
from reactivate.tenancy.models import Membership, Practice

log = logging.getLogger("reactivate.metrics")
WEEKLY_DAY, WEEKLY_HOUR = 0, 8  # Monday, 08:00
READERS = (Role.OWNER, Role.MANAGER)


def week_news(practice: Practice, now: datetime) -> dict:
    """What happened in the seven days to ``now``: replies from people, bookings, wins."""
    since = now - timedelta(days=7)
    opened = Opportunity.objects.filter(practice=practice, created_at__gte=since)
    return {
        "replies": Reply.objects.filter(practice=practice, inbound__received_at__gte=since)
        .exclude(label__in=NOT_HUMAN).count(),
        "booked": opened.count(),
        "won": Opportunity.objects.filter(practice=practice, stage=OpportunityStage.WON,
                                          closed_at__gte=since).count(),
    }  # fmt: skip


def weekly_text(practice: Practice, report: dict, news: dict) -> str:
    link = settings.SITE_URL + reverse("dashboard", args=[practice.slug])
    return "\n".join([
        f"The reactivation program at {practice.name}, as of {report['generated_at'][:10]}:",
        f"This week: {news['replies']} replies from people, {news['booked']} consultations "
        f"booked, {news['won']} cases won.",
        "", *summary_lines(report), "", f"The dashboard: {link}",
        "The PDF attached has the breakdowns by campaign, channel and reason.",
    ])  # fmt: skip


def weekly_pdf(practice: Practice, report: dict) -> bytes:
    from weasyprint import HTML  # imported here: pango loads only when a PDF is asked for

    html = render_to_string("metrics/report_print.html",
                            {"practice": practice, **page_context(report)})  # fmt: skip
    return HTML(string=html).write_pdf()


def send_weekly_reports(practice: Practice, *, now: datetime | None = None,
                        force: bool = False) -> int:  # fmt: skip
    """Send this week's report (on Monday at 08:00 unless ``force``); how many it went to."""
    now = now or timezone.now()
    local = now.astimezone(ZoneInfo(practice.timezone))
    if not force and (local.weekday(), local.hour) != (WEEKLY_DAY, WEEKLY_HOUR):
        return 0
    readers = sorted({m.user.email for m in Membership.objects.filter(
        practice=practice, role__in=READERS, user__is_active=True).select_related("user")
        if m.user.email})  # fmt: skip
    if not readers:
        return 0
    monday = local.date() - timedelta(days=local.weekday())
    try:
        with transaction.atomic():
            WeeklyReportSent.objects.create(practice=practice, week=monday,
                                            recipients=len(readers))  # fmt: skip
    except IntegrityError:
        return 0  # already sent this week
    report = refresh(practice).report
    message = EmailMessage(
        f"[{practice.name}] Reactivation this week: {report['reactivated']} back, "
        f"${report['pipeline_value'] or 0:,.0f} pipeline",
        weekly_text(practice, report, week_news(practice, now)), settings.DEFAULT_FROM_EMAIL,
        readers,
    )  # fmt: skip
    message.attach(f"reactivation-{practice.slug}-{monday}.pdf", weekly_pdf(practice, report),
                   "application/pdf")  # fmt: skip
    try:
        message.send()
    except Exception:
        log.exception("weekly report for %s failed", practice.slug)
        WeeklyReportSent.objects.filter(practice=practice, week=monday).delete()  # try again
        return 0
    return len(readers)
