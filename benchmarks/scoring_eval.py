"""How well the product's scoring model ranks real leads, against two plain baselines.

    python benchmarks/scoring_eval.py [--data ../shared/data]

Trains segments.model.ExplainableModel (the code that scores a practice's leads) on 70% of
two public data sets and reports AUC, lift in the top 20% and Brier score on the other 30%,
beside a plain one-hot logistic regression and a recency-only ordering on the same split.
Goal (issue #4): at least the logistic regression's AUC on both. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from reactivate.segments.model import ExplainableModel  # noqa: E402

SEED = 20261125


def lift_at(y: np.ndarray, score: np.ndarray, share: float = 0.2) -> float:
    """Positive rate among the top ``share`` by score, over the overall positive rate."""
    top = np.argsort(-score, kind="stable")[: max(1, int(len(y) * share))]
    return float(y[top].mean() / y.mean())


def xeducation(data: Path) -> tuple[pl.DataFrame, np.ndarray, list[str], list[str], np.ndarray]:
    frame = pl.read_csv(data / "xeducation_lead_scoring" / "Leads.csv", infer_schema_length=10000)
    y = frame["Converted"].to_numpy()
    # Tags, Lead Quality and Last Notable Activity are written after the outcome (they leak it);
    # the two ids identify, they do not describe.
    dropped = {"Converted", "Tags", "Lead Quality", "Last Notable Activity", "Prospect ID"}
    features = frame.drop(*dropped)
    # No contact dates in this set: the lead number, issued in order, is the only recency.
    recency = features["Lead Number"].to_numpy().astype(float)
    features = features.drop("Lead Number")
    numeric = [c for c, t in features.schema.items() if t.is_numeric()]
    categorical = [c for c in features.columns if c not in numeric]
    # "Select" is the web form's untouched default: it means the lead did not answer.
    features = features.with_columns(
        pl.when(pl.col(c) == "Select").then(None).otherwise(pl.col(c)).alias(c) for c in categorical
    )
    return features, y, categorical, numeric, recency


def bank(data: Path) -> tuple[pl.DataFrame, np.ndarray, list[str], list[str], np.ndarray]:
    frame = pl.read_csv(data / "uci_bank_marketing" / "bank.csv", separator=";")
    y = (frame["y"] == "yes").cast(pl.Int8).to_numpy()
    # duration is only known after the call that decides the outcome.
    features = frame.drop("y", "duration")
    pdays = features["pdays"].to_numpy().astype(float)
    # Recency only: days since the previous campaign's contact, sooner first; never last.
    recency = np.where(pdays < 0, -1e9, -pdays)
    numeric = [c for c, t in features.schema.items() if t.is_numeric()]
    categorical = [c for c in features.columns if c not in numeric]
    return features, y, categorical, numeric, recency


def plain_lr(train, test, y_train, categorical, numeric) -> np.ndarray:
    """One-hot categories and standardised numbers (median for blanks), default L2 strength."""

    def text(frame):
        return np.column_stack(
            [frame[c].cast(pl.Utf8).fill_null("(missing)").to_numpy() for c in categorical]
        )

    def numbers(frame):
        return np.column_stack([frame[c].cast(pl.Float64).to_numpy() for c in numeric])

    onehot = OneHotEncoder(handle_unknown="ignore").fit(text(train))
    scale = make_pipeline(SimpleImputer(strategy="median"), StandardScaler()).fit(numbers(train))

    def matrix(frame):
        return sparse.hstack([onehot.transform(text(frame)), scale.transform(numbers(frame))])

    model = LogisticRegression(max_iter=5000).fit(matrix(train), y_train)
    return model.predict_proba(matrix(test))[:, 1]


def evaluate(name: str, loaded) -> dict:
    features, y, categorical, numeric, recency = loaded
    index = np.arange(len(y))
    train_i, test_i = train_test_split(index, test_size=0.3, stratify=y, random_state=SEED)
    train, test = features[train_i], features[test_i]
    y_train, y_test = y[train_i], y[test_i]

    ours = ExplainableModel(categorical, numeric).fit(train, y_train, seed=SEED)
    p_ours = ours.predict(test)
    p_lr = plain_lr(train, test, y_train, categorical, numeric)
    r_test = recency[test_i]
    result = {
        "auc": roc_auc_score(y_test, p_ours),
        "lr_auc": roc_auc_score(y_test, p_lr),
        "recency_auc": roc_auc_score(y_test, r_test),
        "lift20": lift_at(y_test, p_ours),
        "lr_lift20": lift_at(y_test, p_lr),
        "recency_lift20": lift_at(y_test, r_test),
        "brier": brier_score_loss(y_test, p_ours),
        "lr_brier": brier_score_loss(y_test, p_lr),
    }
    print(
        f"{name}: {len(y):,} leads, {y.mean():.1%} positive; test {len(test_i):,}\n"
        f"  ours     AUC {result['auc']:.3f}  lift@20% {result['lift20']:.2f}  "
        f"Brier {result['brier']:.4f}  ({sum(c.width for c in ours.columns)} explainable facts, "
        f"regularisation C={ours.strength})\n"
        f"  plain LR AUC {result['lr_auc']:.3f}  lift@20% {result['lr_lift20']:.2f}  "
        f"Brier {result['lr_brier']:.4f}\n"
        f"  recency  AUC {result['recency_auc']:.3f}  lift@20% {result['recency_lift20']:.2f}\n"
        f"  goal: AUC >= plain LR: {'met' if result['auc'] >= result['lr_auc'] else 'NOT met'}"
    )
    first = test.head(1)
    reasons = ", ".join(f"{label} x{m:.2f}" for label, m in ours.explain(first)[:3])
    print(f"  one score explained: base {ours.base_rate:.1%}; {reasons}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    x = evaluate("X Education leads (target Converted)", xeducation(args.data))
    b = evaluate("UCI bank marketing (target y)", bank(args.data))
    print(
        json.dumps(
            {
                "xeducation_auc": round(x["auc"], 4),
                "xeducation_lr_auc": round(x["lr_auc"], 4),
                "bank_auc": round(b["auc"], 4),
                "bank_lr_auc": round(b["lr_auc"], 4),
                "xeducation_lift20": round(x["lift20"], 3),
                "bank_lift20": round(b["lift20"], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
