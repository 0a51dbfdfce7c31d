"""The metrics report as CSV: one row per figure, then one per breakdown row, so a
spreadsheet reads it as it is and an agency can stack practices' files."""

from __future__ import annotations

import csv
import io

FIGURES = ("contacted", "responded", "response_rate", "reactivated", "reactivation_rate",
           "reactivation_of_responses", "pipeline_value", "cost_per_reactivated_lead",
           "cost_per_new_lead", "cost_multiple", "time_to_conversion_days",
           "new_lead_time_to_conversion_days", "health_score", "speed_to_human_minutes",
           "incremental_bookings", "incremental_revenue")  # fmt: skip
LIFT = ("treated", "holdout", "difference", "ci_low", "ci_high", "significant",
        "more_leads_needed")  # fmt: skip
BREAKDOWN = ("contacted", "responded", "response_rate", "reactivated", "reactivation_rate")


def metrics_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["practice", "campaign", "section", "group", "measure", "value"])
    head = [report["practice"], _cell(report["campaign"] or "all campaigns")]
    for name in FIGURES:
        writer.writerow([*head, "figures", "", name, _cell(report[name])])
    for name, value in report["cost"].items():
        writer.writerow([*head, "cost", "", name, _cell(value)])
    for which in ("lift", "booking_lift"):
        for name in LIFT:
            writer.writerow([*head, which, "", name, _cell(report[which][name])])
    for section, rows in report.get("breakdowns", {}).items():
        for row in rows:
            for name, value in row.items():
                if name != "group":
                    writer.writerow([*head, section, _cell(row["group"]), name, _cell(value)])
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        # A campaign named "=HYPERLINK(...)" must not run as a formula in a spreadsheet.
        return "'" + value
    return str(value)
