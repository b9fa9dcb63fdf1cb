"""Which section a question is about, learned from labelled questions, in pure Python.

Word overlap (BM25F in retrieval.py) only knows the words the plan happens to use, and
bridges and intent patterns written from one set of misses do not carry to another site's
wording. A classifier learns from every labelled phrasing at once — the plan's own titles,
curated questions and text, and the tuning splits of both question sets — which words, word
pairs, parts of words and kinds of question point to which section, and to a class of its
own for questions on the topic that the plan does not answer (``NONE``).

The model is a multinomial logistic regression over sparse, L2-normalised features, fitted
by plain SGD. A few hundred questions and a few thousand features need no numerical
library; the fit (``python -m bot.knowledge.fit``) takes seconds and stores the non-zero
weights as JSON in bot/knowledge/resources/section_classifier.json, so nothing is trained
or downloaded when the bot starts. Scoring a question is a dictionary look-up per feature.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from bot.knowledge import analysis
from bot.knowledge.intent import QuestionIntent, classify

CLASSIFIER_PATH: Final = Path(__file__).parent / "resources" / "section_classifier.json"
NONE: Final = "-"
FORMAT: Final = "trygg-skole-classifier/1"
_MAX_CHARS: Final = 600
_CHAR_GRAM: Final = 4
_CHAR_WEIGHT: Final = 0.4
_PRUNE: Final = 0.01


@dataclass(frozen=True, slots=True)
class Example:
    """A text with the share of belief in each class (several sections may answer it)."""

    text: str
    target: Mapping[str, float]
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Settings:
    epochs: int = 14
    learning_rate: float = 0.6
    l2: float = 2e-4
    seed: int = 13


def features(text: str, intent: QuestionIntent | None = None) -> dict[str, float]:
    """Sparse features: index terms, neighbouring term pairs, surface words (question words
    carry intent), four-letter pieces of longer words (compounds, inflections, typos) and the
    question's kind and language."""
    counts: dict[str, float] = {}

    def add(key: str, value: float = 1.0) -> None:
        counts[key] = counts.get(key, 0.0) + value

    terms: list[str] = []
    for token in analysis.tokenize(analysis.normalise(text[:_MAX_CHARS])):
        if token.isdigit():
            continue
        add("r:" + token)
        for term in analysis.word_terms(token):
            add("w:" + term)
            terms.append(term)
        if len(token) > _CHAR_GRAM and not analysis.is_stopword(token):
            padded = f"<{token}>"
            for i in range(len(padded) - _CHAR_GRAM + 1):
                add("c:" + padded[i : i + _CHAR_GRAM], _CHAR_WEIGHT)
    for first, second in itertools.pairwise(terms):
        if first != second:
            add("b:" + "~".join(sorted((first, second))))
    kind = intent if intent is not None else classify(text)
    for name in (
        "action",
        "definition",
        "adult_harm",
        "self_accused",
        "harmed",
        "school_duty",
        "escalation",
        "confidential",
        "staff_matter",
    ):
        if getattr(kind, name):
            add("i:" + name)
    if kind.entitlement is not None:
        add("i:entitlement")
    add("l:" + kind.language)
    scaled = {k: 1.0 + math.log(v) if v >= 1.0 else v for k, v in counts.items()}
    norm = math.sqrt(sum(v * v for v in scaled.values())) or 1.0
    return {k: v / norm for k, v in scaled.items()}


@dataclass(frozen=True, slots=True)
class SectionClassifier:
    """Class labels (section ids and ``NONE``), biases and sparse weights per feature."""

    labels: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[tuple[int, float], ...]]

    def probabilities(self, text: str, intent: QuestionIntent | None = None) -> dict[str, float]:
        scores = list(self.bias)
        for key, value in features(text, intent).items():
            for index, weight in self.weights.get(key, ()):
                scores[index] += weight * value
        return dict(zip(self.labels, _softmax(scores), strict=True))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "labels": list(self.labels),
            "bias": [round(b, 4) for b in self.bias],
            "weights": {
                k: [[i, round(w, 3)] for i, w in v] for k, v in sorted(self.weights.items())
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SectionClassifier:
        if data.get("format") != FORMAT:
            raise ValueError("section classifier has another format; refit it")
        return cls(
            labels=tuple(str(label) for label in data["labels"]),
            bias=tuple(float(b) for b in data["bias"]),
            weights={
                str(k): tuple((int(i), float(w)) for i, w in v) for k, v in data["weights"].items()
            },
        )


def load_classifier(path: Path = CLASSIFIER_PATH) -> SectionClassifier:
    return SectionClassifier.from_json(json.loads(path.read_text(encoding="utf-8")))


def save_classifier(classifier: SectionClassifier, path: Path = CLASSIFIER_PATH) -> None:
    path.write_text(
        json.dumps(classifier.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )


def train(
    examples: Sequence[Example], labels: Sequence[str], settings: Settings | None = None
) -> SectionClassifier:
    """Multinomial logistic regression by SGD with L2 on the weights a step touches.

    Deterministic for a given order of examples and seed, so a refit reproduces the stored
    model exactly.
    """
    settings = settings or Settings()
    size = len(labels)
    rows = [
        (
            list(features(e.text).items()),
            [e.target.get(label, 0.0) for label in labels],
            e.weight,
        )
        for e in examples
    ]
    weights: dict[str, list[float]] = {}
    bias = [0.0] * size
    order = list(range(len(rows)))
    rng = random.Random(settings.seed)
    for epoch in range(settings.epochs):
        rng.shuffle(order)
        rate = settings.learning_rate / (1.0 + epoch)
        for position in order:
            feats, target, weight = rows[position]
            scores = bias[:]
            for key, value in feats:
                row = weights.get(key)
                if row is not None:
                    scores = [s + w * value for s, w in zip(scores, row, strict=True)]
            probs = _softmax(scores)
            grad = [(p - t) * weight for p, t in zip(probs, target, strict=True)]
            bias = [b - rate * g for b, g in zip(bias, grad, strict=True)]
            shrink = 1.0 - rate * settings.l2
            for key, value in feats:
                row = weights.setdefault(key, [0.0] * size)
                weights[key] = [
                    w * shrink - rate * g * value for w, g in zip(row, grad, strict=True)
                ]
    sparse = {
        key: tuple((i, w) for i, w in enumerate(row) if abs(w) >= _PRUNE)
        for key, row in weights.items()
    }
    return SectionClassifier(
        labels=tuple(labels),
        bias=tuple(bias),
        weights={k: v for k, v in sparse.items() if v},
    )


def _softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]
