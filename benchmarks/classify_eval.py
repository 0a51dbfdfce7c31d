"""How well replies are read, on the held-out split of the shipped labelled set.

    python benchmarks/classify_eval.py

Per-class precision and recall, macro-F1, the confusion matrix, opt-out recall (and whether
every legal keyword is caught), false opt-outs, dates in window for timing replies, and the
median time per reply. Goals (issue #16): macro-F1 >= 0.90; opt-out recall >= 0.99 with every
keyword caught; false opt-outs <= 1%; dates in window >= 85%; median < 2 ms. The last line
is JSON. The baseline beside it: the learned model alone, without the rule layers.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from sklearn.metrics import classification_report, f1_score  # noqa: E402

from reactivate.channels.inbound import START_WORDS, STOP_WORDS  # noqa: E402
from reactivate.replies.understand import LABELS, read_reply  # noqa: E402
from reactivate.replies.understand.dates import follow_up_date  # noqa: E402
from reactivate.replies.understand.model import labelled, predict  # noqa: E402
from reactivate.replies.understand.rules import core  # noqa: E402

RECEIVED = date(2026, 11, 10)
# Timing replies with a known answer: (text, earliest acceptable, latest acceptable).
WINDOWS = [
    ("Not right now, maybe after the holidays", date(2027, 1, 2), date(2027, 1, 15)),
    ("Can you check back in March?", date(2027, 3, 1), date(2027, 3, 15)),
    ("Try me again in 3 months", date(2027, 2, 3), date(2027, 2, 17)),
    ("I'm interested but not until next spring", date(2027, 3, 1), date(2027, 4, 15)),
    ("After my wedding in June I'll be ready", date(2027, 6, 20), date(2027, 7, 15)),
    ("Maybe next year", date(2027, 1, 1), date(2027, 2, 1)),
    ("Busy until the summer", date(2027, 5, 25), date(2027, 7, 1)),
    ("Reach out again in a few weeks", date(2026, 11, 24), date(2026, 12, 15)),
    ("Not this month, next month would be better", date(2026, 12, 1), date(2026, 12, 10)),
    ("After tax season please", date(2027, 4, 15), date(2027, 5, 1)),
    ("Once the kids are back in school", date(2027, 8, 15), date(2027, 9, 15)),
    ("Ask me again in the fall", date(2027, 9, 1), date(2027, 10, 1)),
    ("contact me in a couple of months", date(2027, 1, 3), date(2027, 1, 20)),
    ("In 6 months maybe", date(2027, 5, 3), date(2027, 5, 17)),
    ("After Christmas would be better", date(2026, 12, 26), date(2027, 1, 15)),
    ("Check back after New Year", date(2027, 1, 2), date(2027, 1, 15)),
    ("Talk in January", date(2027, 1, 1), date(2027, 1, 15)),
    ("Circle back in two weeks", date(2026, 11, 20), date(2026, 11, 28)),
    ("After Thanksgiving", date(2026, 11, 27), date(2026, 12, 7)),
    ("Después de Semana Santa", date(2027, 3, 29), date(2027, 4, 12)),
    ("En unos meses por favor", date(2027, 1, 10), date(2027, 3, 15)),
    ("Ahora no, después de las fiestas", date(2027, 1, 2), date(2027, 1, 15)),
    ("Reach back out in 90 days", date(2027, 2, 1), date(2027, 2, 15)),
    ("I'll know more in a month", date(2026, 12, 5), date(2026, 12, 20)),
    ("Give me until April", date(2027, 4, 1), date(2027, 4, 15)),
    ("Hit me up in a month or so", date(2026, 12, 5), date(2026, 12, 20)),
]


def main() -> None:
    rows = labelled("eval")
    truth, got, base, times = [], [], [], []
    read_reply("warm up", received=RECEIVED)
    for row in rows:
        start = time.perf_counter()
        reading = read_reply(row["text"], received=RECEIVED, channel=row["channel"])
        times.append((time.perf_counter() - start) * 1000)
        truth.append(row["label"])
        got.append(reading.label)
        base.append(predict(core(row["text"]))[0])
    print(classification_report(truth, got, labels=list(LABELS), zero_division=0, digits=3))
    confusion = Counter(zip(truth, got, strict=True))
    print("confusion (true → read: n):")
    for (t, g), n in sorted(confusion.items()):
        if t != g:
            print(f"  {t} → {g}: {n}")
    macro = f1_score(truth, got, average="macro")
    baseline = f1_score(truth, base, average="macro")
    opt_outs = [g for t, g in zip(truth, got, strict=True) if t == "unsubscribe"]
    recall = opt_outs.count("unsubscribe") / len(opt_outs)
    false_opt_outs = sum(1 for t, g in zip(truth, got, strict=True) if g == "unsubscribe" != t)
    keywords = all(read_reply(w, received=RECEIVED).label == "unsubscribe" for w in STOP_WORDS)
    keywords &= all(read_reply(w, received=RECEIVED).label != "unsubscribe" for w in START_WORDS)
    in_window = sum(lo <= follow_up_date(t, RECEIVED).on <= hi for t, lo, hi in WINDOWS)
    median = statistics.median(times)
    print(f"macro-F1 {macro:.3f} (the model alone: {baseline:.3f}; goal >= 0.90)")
    print(f"opt-out recall {recall:.3f}, every legal keyword caught: {keywords} (goal >= 0.99)")
    print(
        f"false opt-outs {false_opt_outs} of {len(rows)} = {false_opt_outs / len(rows):.2%} (goal <= 1%)"
    )
    print(
        f"dates in window {in_window}/{len(WINDOWS)} = {in_window / len(WINDOWS):.0%} (goal >= 85%)"
    )
    print(f"median {median:.2f} ms a reply (goal < 2 ms)")
    print(json.dumps({
        "replies": len(rows), "macro_f1": round(macro, 3), "model_alone_macro_f1": round(baseline, 3),
        "opt_out_recall": round(recall, 3), "keywords_caught": keywords,
        "false_opt_out_rate": round(false_opt_outs / len(rows), 4),
        "dates_in_window": round(in_window / len(WINDOWS), 3), "median_ms": round(median, 3),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
