"""The transparent starting point for P(reactivate): a base rate and three multipliers.

The base rate is the seed's middle case: a 15% response rate of which about a third
reactivate ("If response rate is 15%, expect roughly 5-7% of contacted leads to become
active opportunities again"). The multipliers encode the seed's segmentation advice:
recent leads are easier ("the longer leads sit there stalled out, the harder they are to
reactivate"), higher prior engagement suggests higher potential, and the reason for dormancy
suggests how open the lead still is. They are assumptions, shown to the practice with every
score, and replaced by the practice's own model once its outcomes beat them
(segments.scoring.fit_practice).
"""

from __future__ import annotations

from reactivate.leads.choices import DormancyReason, Stage

BASE_RATE = 0.05
CEILING = 0.9

# (label, from month, to month): the seed's recency bands, also the assessment's rows.
AGE_BUCKETS = (
    ("0-3", 0, 3),
    ("3-6", 3, 6),
    ("6-12", 6, 12),
    ("12-24", 12, 24),
    ("24+", 24, None),
)

RECENCY = {"0-3": 1.6, "3-6": 1.4, "6-12": 1.0, "12-24": 0.6, "24+": 0.35}
STAGE = {
    Stage.FORM: 0.6,
    Stage.INFO_REQUEST: 0.8,
    Stage.CONSULTATION: 1.3,
    Stage.TREATMENT_PLAN: 1.8,
}
REASON = {
    DormancyReason.TIMING: 1.5,
    DormancyReason.PROCESS_FAILURE: 1.4,
    DormancyReason.PARALYSIS: 1.2,
    DormancyReason.PRICE: 1.1,
    DormancyReason.CIRCUMSTANCES: 1.0,
    DormancyReason.UNKNOWN: 1.0,
    DormancyReason.COMPETITOR: 0.6,
}


def age_bucket(months: int) -> str:
    for label, low, high in AGE_BUCKETS:
        if months >= low and (high is None or months < high):
            return label
    return AGE_BUCKETS[0][0]


def prior_probability(bucket: str, stage: str, reason: str) -> float:
    p = BASE_RATE * RECENCY.get(bucket, 1.0) * STAGE.get(stage, 1.0) * REASON.get(reason, 1.0)
    return min(p, CEILING)


def prior_reasons(bucket: str, months: int, stage: str, reason: str) -> list[tuple[str, float]]:
    """What moved the prior away from its base rate, in words a coordinator reads."""
    ago = "under a month ago" if months < 1 else f"{months} month{'s' if months != 1 else ''} ago"
    return [
        (f"last contact {ago}", RECENCY.get(bucket, 1.0)),
        (Stage(stage).label.lower() if stage in Stage.values else stage, STAGE.get(stage, 1.0)),
        (
            f"{DormancyReason(reason).label.lower()} as the reason it stalled"
            if reason in DormancyReason.values
            else reason,
            REASON.get(reason, 1.0),
        ),
    ]
