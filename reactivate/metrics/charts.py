"""Geometry for the dashboard's SVG charts, worked out here so the template only draws."""

from __future__ import annotations

SECTIONS = [
    ("campaign", "By campaign"),
    ("segment", "By segment"),
    ("first_channel", "By first channel"),
    ("channel", "By channel used"),
    ("dormancy_reason", "By why they stalled"),
    ("cycle", "By reactivation cycle"),
]
REASONS = {
    "timing": "Timing", "price": "Price", "competitor": "Competitor",
    "paralysis": "Decision paralysis", "circumstances": "Changed circumstances",
    "process_failure": "Our process failed", "unknown": "Unknown", "": "Unknown",
}  # fmt: skip
CHANNELS = {"email": "Email", "sms": "Text", "call": "Call", "letter": "Letter"}


def page_context(report: dict) -> dict:
    contacted = report["contacted"] or 0
    funnel = [
        ("Contacted", contacted),
        ("Responded", report["responded"]),
        ("Reactivated", report["reactivated"]),
    ]
    return {
        "report": report,
        "funnel": [(label, n, _width(n, contacted)) for label, n in funnel],
        "lift_chart": lift_chart(report["lift"]),
        "booking_chart": lift_chart(report["booking_lift"]),
        "sections": [
            (title, _rows(name, report["breakdowns"][name]))
            for name, title in SECTIONS
            if report["breakdowns"][name]
        ],
        "steps": report["breakdowns"]["step"],
        "versions": report["breakdowns"]["template_version"],
        "trend_points": _trend(report["health_trend"]),
    }


def lift_chart(lift: dict) -> dict | None:
    """Each arm's rate as a dot on its 95% interval, on one scale from 0 to the highest
    upper bound, so a manager sees at once whether the two intervals overlap."""
    if lift["difference"] is None:
        return None
    top = max(lift["treated_ci"][1], lift["holdout_ci"][1]) or 1.0

    def arm(label, rate, interval, counts):
        return {"label": label, "rate": rate, "counts": counts,
                "x": _x(rate, top), "low": _x(interval[0], top), "high": _x(interval[1], top),
                "interval": interval}  # fmt: skip

    return {
        "top": round(100 * top),
        "arms": [
            arm("Treated", lift["treated"], lift["treated_ci"], lift["treated_counts"]),
            arm("Held out", lift["holdout"], lift["holdout_ci"], lift["holdout_counts"]),
        ],
    }


def _x(value: float, top: float) -> float:
    return round(4 + 92 * value / top, 2)


def _width(n: int, total: int) -> float:
    return round(100 * n / total, 2) if total else 0.0


def _rows(name: str, rows: list[dict]) -> list[dict]:
    widest = max((row["contacted"] for row in rows), default=0)
    out = []
    for row in rows:
        label = row["group"]
        if name == "dormancy_reason":
            label = REASONS.get(label, label)
        elif name in ("first_channel", "channel"):
            label = CHANNELS.get(label, label)
        elif name == "cycle":
            label = f"{label} sequence{'' if label == 1 else 's'} finished"
        out.append({**row, "label": label, "width": _width(row["contacted"], widest),
                    "response_width": _width(row["responded"], widest)})  # fmt: skip
    return out


def _trend(points: list[dict]) -> str:
    if len(points) < 2:
        return ""
    step = 100 / (len(points) - 1)
    return " ".join(f"{i * step:.2f},{40 - 0.4 * p['score']:.2f}" for i, p in enumerate(points))
