"""Whether to answer: a small logistic model over the ranking's features, in pure Python.

A ranked list always has a first item, so a hand-set rule on one number (coverage) both
declines long questions whose top section is right and answers short out-of-scope ones
that happen to share a word with the plan. A logistic model weighs several signals at
once — top score, margin to the runner-up, coverage, unknown words, intent, language —
and its output is a probability that the top section is right, which can be checked
against what actually happens (the calibration curve in benchmarks/qa.py) and given an
operating point with a known error rate.

The model is fitted by Newton's method on the *tuning* splits only and stored as JSON next
to the lexicon (bot/knowledge/resources/decision_model.json); ``python -m bot.knowledge.fit``
refits it. Thirteen features and a few hundred questions need no numerical library.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

MODEL_PATH: Final = Path(__file__).parent / "resources" / "decision_model.json"

FEATURES: Final[tuple[str, ...]] = (
    "log_top_score",
    "margin",
    "coverage",
    "unknown_share",
    "slots",
    "question_similarity",
    "intent_match",
    "definition_match",
    "adult_harm",
    "concern",
    "law_terms",
    "english",
    "nynorsk",
    "learned_top",
    "learned_none",
    "learned_agrees",
)


@dataclass(frozen=True, slots=True)
class DecisionModel:
    """Standardised logistic regression plus the operating points chosen on the tune split.

    ``answer_at``: answer when the probability is at least this. ``unsure_at``: below
    ``answer_at`` but at least this, say «jeg er ikke sikker» and offer the closest
    sections; below it, say the plan does not cover the question.
    """

    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    scales: tuple[float, ...]
    answer_at: float
    unsure_at: float

    def probability(self, x: Sequence[float]) -> float:
        z = self.bias
        for value, weight, mean, scale in zip(
            x, self.weights, self.means, self.scales, strict=True
        ):
            z += weight * (value - mean) / scale
        return _sigmoid(z)

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "means": [round(m, 6) for m in self.means],
            "scales": [round(s, 6) for s in self.scales],
            "answer_at": round(self.answer_at, 4),
            "unsure_at": round(self.unsure_at, 4),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DecisionModel:
        if tuple(data["features"]) != FEATURES:
            raise ValueError("decision model was fitted on other features; refit it")
        return cls(
            weights=tuple(float(w) for w in data["weights"]),
            bias=float(data["bias"]),
            means=tuple(float(m) for m in data["means"]),
            scales=tuple(float(s) for s in data["scales"]),
            answer_at=float(data["answer_at"]),
            unsure_at=float(data["unsure_at"]),
        )


def load_model(path: Path = MODEL_PATH) -> DecisionModel:
    return DecisionModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def fit(
    rows: Sequence[Sequence[float]],
    labels: Sequence[int],
    *,
    l2: float = 1.0,
    iterations: int = 30,
) -> tuple[tuple[float, ...], float, tuple[float, ...], tuple[float, ...]]:
    """Weights, bias, means and scales of an L2-regularised logistic regression.

    Newton's method on standardised features converges in a handful of steps and gives the
    same answer every time, so the stored model can be checked by refitting it in a test.
    """
    n = len(rows)
    k = len(FEATURES)
    means = tuple(sum(r[j] for r in rows) / n for j in range(k))
    scales = tuple(
        math.sqrt(sum((r[j] - means[j]) ** 2 for r in rows) / n) or 1.0 for j in range(k)
    )
    xs = [[1.0] + [(r[j] - means[j]) / scales[j] for j in range(k)] for r in rows]
    beta = [0.0] * (k + 1)
    for _ in range(iterations):
        gradient = [0.0] * (k + 1)
        hessian = [[0.0] * (k + 1) for _ in range(k + 1)]
        for x, y in zip(xs, labels, strict=True):
            p = _sigmoid(sum(b * v for b, v in zip(beta, x, strict=True)))
            w = p * (1.0 - p)
            for i in range(k + 1):
                gradient[i] += (p - y) * x[i]
                row = hessian[i]
                for j in range(k + 1):
                    row[j] += w * x[i] * x[j]
        for i in range(1, k + 1):  # the bias is not shrunk
            gradient[i] += l2 * beta[i]
            hessian[i][i] += l2
        step = _solve(hessian, gradient)
        beta = [b - s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return tuple(beta[1:]), beta[0], means, scales


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the Hessian is small and positive definite)."""
    size = len(vector)
    a = [[*row[:], vector[i]] for i, row in enumerate(matrix)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        head = a[col][col]
        for r in range(col + 1, size):
            factor = a[r][col] / head
            if factor:
                for c in range(col, size + 1):
                    a[r][c] -= factor * a[col][c]
    out = [0.0] * size
    for r in range(size - 1, -1, -1):
        out[r] = (a[r][size] - sum(a[r][c] * out[c] for c in range(r + 1, size))) / a[r][r]
    return out


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
