"""The report in lines of text, for the command and the weekly email."""

from __future__ import annotations


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def dollars(value: float | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


def days(value: float | None) -> str:
    return "-" if value is None else f"{value:g} days"


def summary_lines(report: dict) -> list[str]:
    scope = report["campaign"] or "all campaigns"
    multiple = report["cost_multiple"]
    lines = [
        f"{report['practice']} — {scope}",
        f"contacted                 {report['contacted']:,}",
        f"responded                 {report['responded']:,} ({percent(report['response_rate'])})",
        f"reactivated               {report['reactivated']:,} "
        f"({percent(report['reactivation_rate'])})",
        f"pipeline value            {dollars(report['pipeline_value'])}",
        f"cost per reactivated lead {dollars(report['cost_per_reactivated_lead'])}"
        f" (a new lead: {dollars(report['cost_per_new_lead'])}"
        + (f", {multiple:g}x)" if multiple else ")"),
        f"time to conversion        {days(report['time_to_conversion_days'])}"
        f" (new leads: {days(report['new_lead_time_to_conversion_days'])})",
        f"database health           {report['health_score']:g}/100",
        "speed to human            "
        + (
            "-"
            if report["speed_to_human_minutes"] is None
            else f"{report['speed_to_human_minutes']:g} min"
        ),
        report["lift"]["in_words"],
        report["booking_lift"]["in_words"],
    ]
    lines += [f"[{f['level']}] {f['title']}. {f['text']}".rstrip() for f in report["diagnosis"]]
    return lines
