"""An explainable, regularised, calibrated model of P(outcome) over a table of features.

Every categorical column becomes one indicator per level (rare levels pooled as "(other)",
blanks as "(missing)"); every numeric column is cut at its training quantiles into ranges,
so the model can learn that "4-6 months" differs from both "1-2" and "12-24" without losing
the one-coefficient-per-fact shape. An L2-regularised logistic regression (strength chosen by
cross-validated log loss) fits the indicators; Platt scaling on cross-validated scores is then
folded back into the coefficients, so the result is still one linear model: each fact about a
lead multiplies its odds by a number that can be shown ("treatment plan received: x1.8").

The same class scores the practice's leads (segments.scoring) and is evaluated on public
data by benchmarks/scoring_eval.py.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

if TYPE_CHECKING:
    from scipy import sparse

MISSING = "(missing)"
OTHER = "(other)"
STRENGTHS = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


@dataclass
class Column:
    name: str
    label: str
    kind: str  # "category" or "number"
    levels: list[str] = field(default_factory=list)  # categories; for numbers, range labels
    edges: list[float] = field(default_factory=list)
    coef: list[float] = field(default_factory=list)

    @property
    def width(self) -> int:
        return len(self.levels)

    def codes(self, series: pl.Series) -> np.ndarray:
        """The index of each value's level."""
        if self.kind == "number":
            values = series.cast(pl.Float64, strict=False)
            missing = values.is_null().to_numpy()
            bins = np.searchsorted(np.asarray(self.edges), values.fill_null(0).to_numpy(), "right")
            return np.where(missing, len(self.levels) - 1, bins)
        index = {level: i for i, level in enumerate(self.levels)}
        other = index.get(OTHER, index[MISSING])
        text = series.cast(pl.Utf8).fill_null(MISSING)
        text = text.set(text == "", MISSING) if text.len() else text
        return text.replace_strict(index, default=other, return_dtype=pl.Int64).to_numpy()


def _number_levels(values: np.ndarray, bins: int) -> tuple[list[float], list[str]]:
    present = values[~np.isnan(values)]
    if present.size == 0:
        return [], ["all", MISSING]
    edges = sorted(set(np.quantile(present, np.linspace(0, 1, bins + 1)[1:-1]).tolist()))
    # Drop a top edge that nothing lies above (heavy ties at the maximum).
    edges = [e for e in edges if (present >= e).any()]
    labels = []
    bounds = [None, *edges, None]
    for low, high in itertools.pairwise(bounds):
        if low is None and high is None:
            labels.append("all")
        elif low is None:
            labels.append(f"under {_fmt(high)}")
        elif high is None:
            labels.append(f"{_fmt(low)} or more")
        else:
            labels.append(f"{_fmt(low)} to under {_fmt(high)}")
    return edges, [*labels, MISSING]


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.2f}"


class ExplainableModel:
    def __init__(
        self,
        categorical: list[str],
        numeric: list[str],
        labels: dict[str, str] | None = None,
        *,
        bins: int = 10,
        min_count: int = 10,
    ) -> None:
        self.categorical, self.numeric = list(categorical), list(numeric)
        self.labels = labels or {}
        self.bins, self.min_count = bins, min_count
        self.columns: list[Column] = []
        self.intercept = 0.0
        self.strength: float | None = None

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, frame: pl.DataFrame, y: np.ndarray, *, seed: int = 0) -> ExplainableModel:
        # scikit-learn only where a model is fitted: it takes seconds to import, and every
        # web and worker process imports this module to apply a stored model.
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict, cross_val_score

        y = np.asarray(y, dtype=int)
        if y.min() == y.max():
            raise ValueError("Need both outcomes (some yes, some no) to learn from.")
        self.columns = [self._category(frame, name) for name in self.categorical] + [
            self._number(frame, name) for name in self.numeric
        ]
        x = self._matrix(frame)
        folds = StratifiedKFold(
            n_splits=min(5, int(np.bincount(y).min())), shuffle=True, random_state=seed
        )
        losses = {
            c: -cross_val_score(
                LogisticRegression(C=c, max_iter=5000), x, y, cv=folds, scoring="neg_log_loss"
            ).mean()
            for c in STRENGTHS
        }
        self.strength = min(losses, key=losses.get)
        base = LogisticRegression(C=self.strength, max_iter=5000)
        # Platt scaling on out-of-fold scores, folded back into the linear model below.
        scores = cross_val_predict(base, x, y, cv=folds, method="decision_function")
        platt = LogisticRegression(C=1e6, max_iter=5000).fit(scores.reshape(-1, 1), y)
        scale, shift = float(platt.coef_[0, 0]), float(platt.intercept_[0])
        base.fit(x, y)
        coef = base.coef_[0] * scale
        intercept = float(base.intercept_[0]) * scale + shift
        # Centre each column on its training average so a multiplier reads "against a
        # typical lead"; the logit is unchanged.
        start = 0
        for column in self.columns:
            part = coef[start : start + column.width]
            share = np.bincount(column.codes(frame[column.name]), minlength=column.width) / len(y)
            mean = float(part @ share)
            column.coef = (part - mean).tolist()
            intercept += mean
            start += column.width
        self.intercept = intercept
        return self

    def _category(self, frame: pl.DataFrame, name: str) -> Column:
        text = frame[name].cast(pl.Utf8).fill_null(MISSING)
        text = text.set(text == "", MISSING) if text.len() else text
        counts = text.value_counts(sort=True)
        kept = [
            v for v, n in counts.iter_rows() if n >= self.min_count and v not in (MISSING, OTHER)
        ]
        return Column(name, self.labels.get(name, name), "category", [*kept, OTHER, MISSING])

    def _number(self, frame: pl.DataFrame, name: str) -> Column:
        values = frame[name].cast(pl.Float64, strict=False).fill_null(float("nan")).to_numpy()
        edges, levels = _number_levels(values, self.bins)
        return Column(name, self.labels.get(name, name), "number", levels, edges)

    def _matrix(self, frame: pl.DataFrame) -> sparse.csr_matrix:
        from scipy import sparse  # imported where used, like scikit-learn in fit()

        rows = frame.height
        offsets, start = [], 0
        for column in self.columns:
            offsets.append(start)
            start += column.width
        indices = np.column_stack(
            [c.codes(frame[c.name]) + o for c, o in zip(self.columns, offsets, strict=True)]
        )
        data = np.ones(indices.size)
        indptr = np.arange(0, indices.size + 1, len(self.columns))
        return sparse.csr_matrix((data, indices.ravel(), indptr), shape=(rows, start))

    # -- scoring ---------------------------------------------------------------------------
    def logit(self, frame: pl.DataFrame) -> np.ndarray:
        total = np.full(frame.height, self.intercept)
        for column in self.columns:
            total += np.asarray(column.coef)[column.codes(frame[column.name])]
        return total

    def predict(self, frame: pl.DataFrame) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(frame)))

    @property
    def base_rate(self) -> float:
        return 1.0 / (1.0 + math.exp(-self.intercept))

    def explain(self, frame: pl.DataFrame) -> list[tuple[str, float]]:
        """For the first row: each fact and the multiplier it puts on the odds, largest first."""
        reasons = []
        for column in self.columns:
            code = int(column.codes(frame[column.name].head(1))[0])
            reasons.append((f"{column.label}: {column.levels[code]}", math.exp(column.coef[code])))
        return sorted(reasons, key=lambda r: -abs(math.log(r[1])))

    # -- storage ---------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "version": 1,
            "intercept": self.intercept,
            "strength": self.strength,
            "columns": [c.__dict__ for c in self.columns],
        }

    @classmethod
    def from_dict(cls, data: dict) -> ExplainableModel:
        columns = [Column(**c) for c in data["columns"]]
        model = cls(
            [c.name for c in columns if c.kind == "category"],
            [c.name for c in columns if c.kind == "number"],
            {c.name: c.label for c in columns},
        )
        model.columns, model.intercept = columns, data["intercept"]
        model.strength = data.get("strength")
        return model
