"""The learned layer: a linear model over word and character n-grams of the reply, trained on
the labelled set that ships in the repo (data/replies.csv, its training split) plus the
corrections people have made. Offline, deterministic, well under a millisecond a reply."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import pickle
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.conf import settings
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from reactivate.replies.understand import rules
from reactivate.replies.understand.rules import core


def rules_file() -> str:
    return rules.__file__  # the cleaning the model is trained on: a change retrains


DATA = Path(__file__).resolve().parents[1] / "data" / "replies.csv"


def labelled(split: str | None = None) -> list[dict]:
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r for r in rows if split is None or r["split"] == split]


def build(texts: list[str], labels: list[str]) -> Pipeline:
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode",
                                  lowercase=True, min_df=1)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                  strip_accents="unicode", lowercase=True, min_df=2)),
    ])  # fmt: skip
    model = Pipeline([
        ("features", features),
        ("classify", LogisticRegression(C=8.0, max_iter=3000, class_weight="balanced")),
    ])  # fmt: skip
    model.fit(texts, labels)
    return model


class Scorer:
    """The trained pipeline's arithmetic for one text at a time, without sklearn's per-call
    checks (which cost ten times the sum itself): each vectoriser's analyser, vocabulary
    and idf, then the logistic model's weights. Same numbers as ``predict_proba``."""

    def __init__(self, model: Pipeline) -> None:
        self.parts = []
        for _, vectoriser in model.named_steps["features"].transformer_list:
            self.parts.append((vectoriser.build_analyzer(), vectoriser.vocabulary_,
                               vectoriser.idf_, len(self.parts)))  # fmt: skip
        sizes = [len(v.vocabulary_) for _, v in model.named_steps["features"].transformer_list]
        self.offsets = [sum(sizes[:i]) for i in range(len(sizes))]
        classify = model.named_steps["classify"]
        self.coef, self.intercept, self.classes = (
            classify.coef_,
            classify.intercept_,
            classify.classes_,
        )

    def scores(self, text: str) -> np.ndarray:
        total = self.intercept.copy()
        for analyse, vocabulary, idf, index in self.parts:
            counts: dict[int, int] = {}
            for term in analyse(text):
                column = vocabulary.get(term)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            if not counts:
                continue
            columns = np.fromiter(counts, dtype=np.int64)
            weights = (1 + np.log(np.fromiter(counts.values(), dtype=float))) * idf[columns]
            weights /= np.sqrt((weights**2).sum())
            total += self.coef[:, columns + self.offsets[index]] @ weights
        return total

    def predict(self, text: str) -> tuple[str, float]:
        scores = self.scores(text)
        exp = np.exp(scores - scores.max())
        probabilities = exp / exp.sum()
        best = int(probabilities.argmax())
        return str(self.classes[best]), float(probabilities[best])


@lru_cache(maxsize=4)
def trained(extra: tuple[tuple[str, str], ...] = ()) -> Scorer:
    """The model of the shipped training split, and of ``extra`` (text, label) corrections.

    Training takes a few seconds, so each model is kept in the data directory, named by a
    digest of the set, the corrections and this module, and loaded in milliseconds by every
    later process (a web worker's first reply must not wait for a training run)."""
    cached = _cache_path(extra)
    if cached.exists():
        with cached.open("rb") as handle:
            return Scorer(pickle.load(handle))  # noqa: S301 (our own file, in our data home)
    rows = labelled("train")
    texts = [core(r["text"]) for r in rows] + [core(text) for text, _ in extra]
    labels = [r["label"] for r in rows] + [label for _, label in extra]
    model = build(texts, labels)
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    with partial.open("wb") as handle:
        pickle.dump(model, handle)
    partial.replace(cached)  # whole or not at all, whichever process wins
    return Scorer(model)


def _cache_path(extra: tuple[tuple[str, str], ...] = ()) -> Path:
    digest = hashlib.sha256(DATA.read_bytes() + Path(__file__).read_bytes())
    digest.update(Path(rules_file()).read_bytes())
    digest.update(json.dumps(extra).encode())
    return settings.HOME / "models" / f"replies-{digest.hexdigest()[:16]}.pkl"


def folded_path() -> Path:
    """The corrections the live model was last retrained with (classify-replies --retrain)."""
    return settings.HOME / "models" / "replies-corrections.json"


def fold_in(extra: tuple[tuple[str, str], ...]) -> int:
    """Train on the shipped set and these corrections, and make that the live model of every
    process: the model file first, then the list that names it (a reader sees either)."""
    trained(extra)
    path = folded_path()
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps({"examples": [list(pair) for pair in extra]}), "utf-8")
    partial.replace(path)
    return len(extra)


def live() -> Scorer:
    """The model live replies are read with: the shipped set's, and the corrections last
    folded in. A stat per reply is how a running worker sees a retrain without a restart."""
    try:
        stamp = folded_path().stat().st_mtime_ns
    except FileNotFoundError:
        return trained()
    return _folded(stamp)


@lru_cache(maxsize=2)
def _folded(stamp: int) -> Scorer:
    examples = json.loads(folded_path().read_text("utf-8"))["examples"]
    return trained(tuple((str(text), str(label)) for text, label in examples))


def predict(text: str) -> tuple[str, float]:
    return live().predict(text)
