"""The assessment rendered for people: page context, plain text, CSV and PDF."""

from __future__ import annotations

import csv
import io

from django.template.loader import render_to_string

from reactivate.leads.choices import Channel
from reactivate.segments.reach import CHANNELS
from reactivate.tenancy.models import Practice


def _shares(rows: list[dict], name: str, key: str = "leads") -> list[dict]:
    """Rows for a bar table: each with its ``name`` and its bar as a share of the longest."""
    top = max((r[key] for r in rows), default=0) or 1
    return [{**r, "name": r[name], "share": round(100 * r[key] / top, 2)} for r in rows]


def page_context(report: dict) -> dict:
    """The report plus what the charts need: each bar's length as a share of the longest."""
    quality = report["data_quality"]
    total = quality["leads"] or 1
    quality_rows = [
        ("Valid email address", quality["valid_email"]),
        ("Number that takes texts", quality["valid_mobile"]),
        ("Valid phone number", quality["valid_phone"]),
        ("Postal address", quality["postal_address"]),
        ("No channel a message may use", quality["unreachable"]),
    ]
    channels = [
        {
            "label": Channel(c).label,
            "reachable": quality["reachable"][str(c)],
            "consent": quality["consent"][str(c)],
            "share": round(100 * quality["reachable"][str(c)] / total, 2),
        }
        for c in CHANNELS
    ]
    trend = report["health_score"]["trend"]
    points = ""
    if len(trend) > 1:
        step = 100 / (len(trend) - 1)
        points = " ".join(
            f"{i * step:.1f},{40 - 0.4 * p['score']:.1f}" for i, p in enumerate(trend)
        )
    return {
        "report": report,
        "ages": _shares(report["stalled_by_age"], "months"),
        "stages": _shares(report["by_stage"], "label"),
        "reasons": _shares([r for r in report["by_reason"] if r["leads"]], "label"),
        "treatments": _shares(report["by_treatment"][:12], "treatment"),
        "quality_rows": [
            {"label": label, "leads": n, "share": round(100 * n / total, 2)}
            for label, n in quality_rows
        ],
        "channels": channels,
        "trend_points": points,
    }


def assessment_csv(report: dict) -> str:
    """One row per figure: section, group, leads, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "group", "leads", "value"])
    for row in report["stalled_by_age"]:
        writer.writerow(
            ["stalled_by_age", f"{row['months']} months", row["leads"], row["potential_value"]]
        )
    for section, key in (
        ("by_stage", "label"),
        ("by_reason", "label"),
        ("by_treatment", "treatment"),
    ):
        for row in report[section]:
            writer.writerow([section, row[key], row["leads"], row["potential_value"]])
    value = report["potential_value"]
    writer.writerow(["potential_value", "stalled leads", value["stalled_leads"], value["total"]])
    writer.writerow(
        ["potential_value", "without an estimated value", value["leads_without_value"], ""]
    )
    cost = report["sunk_acquisition_cost"]
    writer.writerow(
        [
            "sunk_acquisition_cost",
            "own cost recorded",
            cost["leads_with_cost"],
            cost["from_lead_costs"],
        ]
    )
    writer.writerow(["sunk_acquisition_cost", "total", value["stalled_leads"], cost["total"]])
    quality = report["data_quality"]
    for key in (
        "leads",
        "valid_email",
        "valid_mobile",
        "valid_phone",
        "postal_address",
        "duplicates_merged",
        "unreachable",
    ):
        writer.writerow(["data_quality", key, quality[key], ""])
    for channel, n in quality["reachable"].items():
        writer.writerow(["data_quality", f"reachable by {channel}", n, ""])
    for channel, n in quality["consent"].items():
        writer.writerow(["data_quality", f"consent on record for {channel}", n, ""])
    health = report["health_score"]
    writer.writerow(["health_score", "workable share (%)", health["workable"], health["score"]])
    for point in health["trend"]:
        writer.writerow(["health_score", point["day"], point["workable"], point["score"]])
    pick = report["recommended_segment"]
    writer.writerow(
        ["recommended_segment", pick["description"], pick["leads"], pick["potential_value"]]
    )
    return out.getvalue()


def assessment_text(practice: Practice, report: dict) -> str:
    value, cost = report["potential_value"], report["sunk_acquisition_cost"]
    health, pick = report["health_score"], report["recommended_segment"]
    low, high = pick["expected"]["reactivated"]
    lines = [
        f"{practice.name}: {value['stalled_leads']:,} stalled leads, "
        f"${value['total']:,.0f} potential value, ${cost['total']:,.0f} spent acquiring them.",
        "Months since last contact: "
        + ", ".join(f"{r['months']}: {r['leads']:,}" for r in report["stalled_by_age"]),
        "Stage reached: " + ", ".join(f"{r['label']}: {r['leads']:,}" for r in report["by_stage"]),
        f"Database health: {health['score']:.0f}% workable "
        f"({health['workable']:,} of {health['leads']:,}).",
        f"Start with: {pick['description']} — {pick['leads']:,} leads, "
        f"${pick['potential_value']:,.0f}. Expect {low}-{high} reactivated (seed bands).",
    ]
    return "\n".join(lines)


def assessment_pdf(practice: Practice, report: dict) -> bytes:
    from weasyprint import HTML  # imported here: pango loads only when a PDF is asked for

    html = render_to_string(
        "segments/assessment_print.html", {"practice": practice, **page_context(report)}
    )
    return HTML(string=html).write_pdf()
