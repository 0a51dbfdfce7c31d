"""Write replies.csv, the labelled reply set the classifier learns from and is judged on.

    python -m reactivate.replies.data.make_set

Deterministic: the same phrasings (phrases.py) always give the same file. Every variant of a
phrasing shares its split, so the evaluation rows are wordings absent from training.
"""

from __future__ import annotations

import csv
import hashlib
import random
from pathlib import Path

from reactivate.replies.data.phrases import CLASSES

OUT = Path(__file__).with_name("replies.csv")
VARIANTS = 6
TREATMENTS = ["implants", "Invisalign", "veneers", "crown", "whitening", "dentures", "aligners"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "tomorrow", "Saturday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
OPENERS = ["", "", "Hi, ", "Hey ", "Hello! ", "Hi Dana, ", "Good morning. ", "Hola, "]
CLOSERS = ["", "", " Thanks", " thx", " 🙂", " - Ana", " 😊", " Thank you!"]
EMAIL_CLOSERS = ["\n\nSent from my iPhone", "\n\nBest,\nRob", "\n\nThanks,\nMaria", ""]


def evaluation(label: str, phrasing: str) -> bool:
    """One phrasing in five, chosen by a hash: never by what the model finds hard."""
    return int(hashlib.sha256(f"{label}|{phrasing}".encode()).hexdigest(), 16) % 5 == 0


def typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :] if rng.random() < 0.6 else w[:j] + w[j + 1 :]
    return " ".join(words)


def voice(text: str, label: str, channel: str, rng: random.Random, plain: bool) -> str:
    text = text.format(t=rng.choice(TREATMENTS), d=rng.choice(DAYS), m=rng.choice(MONTHS))
    if plain:
        return text
    if label not in ("auto_reply",):
        text = rng.choice(OPENERS) + text
        if rng.random() < 0.3:
            text = typo(text, rng)
        if rng.random() < 0.35:
            text = text.lower()
        if rng.random() < 0.25:
            text = text.rstrip(".!?")
        text += rng.choice(CLOSERS)
    if channel == "email" and label != "auto_reply":
        text += rng.choice(EMAIL_CLOSERS)
    return text


def rows() -> list[dict]:
    rng = random.Random(16)
    out, seen = [], set()
    for label, phrasings in CLASSES.items():
        for phrasing in phrasings:
            split = "eval" if evaluation(label, phrasing) else "train"
            for n in range(VARIANTS):
                channel = "email" if (label == "auto_reply" or n % 3 == 2) else "sms"
                text = voice(phrasing, label, channel, rng, plain=n == 0)
                if text in seen:
                    continue
                seen.add(text)
                out.append({"id": f"r{len(out) + 1:05d}", "channel": channel, "text": text,
                            "label": label, "split": split})  # fmt: skip
    return out


def main() -> None:
    data = rows()
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "channel", "text", "label", "split"])
        writer.writeheader()
        writer.writerows(data)
    print(f"{len(data)} replies written to {OUT}")


if __name__ == "__main__":
    main()
