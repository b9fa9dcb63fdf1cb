"""Refit the decision model: ``python -m bot.knowledge.fit``.

The weights are fitted on the tuning splits of the curated and the public question sets
only. The operating point (``answer_at``) is then chosen as issue 13 asks, on the held-out
splits, from aggregate figures only: the lowest threshold at which at most ``MAX_WRONG`` of
the answered held-out questions are answered with a wrong section. When no threshold
reaches that, the one with the fewest wrong answers plus wrongly declined questions is used,
and ``benchmarks/qa.py`` prints the whole curve so the trade-off can be seen. The result is
written to bot/knowledge/resources/decision_model.json.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from bot.knowledge.decision import MODEL_PATH, DecisionModel, fit
from bot.knowledge.evaluation import HELDOUT_SPLITS, TUNING_SPLITS, Case, evaluate, load_cases
from bot.knowledge.retrieval import DEFAULT_PLAN_PATH, KnowledgeBase

ROOT: Final = Path(__file__).resolve().parents[2]
EVAL_FILES: Final = (
    ROOT / "tests" / "knowledge" / "qa_eval.jsonl",
    ROOT / "tests" / "knowledge" / "qa_public.jsonl",
)
MAX_WRONG: Final = 0.05
TUNING_MAX_WRONG: Final = 0.08
L2: Final = 1.0
THRESHOLDS: Final = (*(round(0.05 * i, 2) for i in range(1, 20)), 0.97, 0.99)


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """What one threshold does to a set of questions, in aggregate."""

    threshold: float
    answered: float  # share of all questions answered
    wrong: float  # share of answered questions answered with a wrong section
    wrongly_declined: float  # share of answerable questions declined


def tuning_cases(files: Sequence[Path] = EVAL_FILES) -> list[Case]:
    return [c for path in files for c in load_cases(path) if c.split in TUNING_SPLITS]


def fit_model(kb: KnowledgeBase, cases: Sequence[Case]) -> DecisionModel:
    """The model and its operating points, from cases the ranking (not the law path) decides."""
    rows: list[list[float]] = []
    labels: list[int] = []
    kinds: list[str] = []
    for case in cases:
        x, top, law_path = kb.explain(case.question)
        if law_path:
            continue
        rows.append(x)
        labels.append(int(case.answerable and top is not None and _same(top, case.expected)))
        kinds.append(case.kind)
    weights, bias, means, scales = fit(rows, labels, l2=L2)
    model = DecisionModel(weights, bias, means, scales, answer_at=0.5, unsure_at=0.0)
    scored = sorted(
        ((model.probability(x), y, k) for x, y, k in zip(rows, labels, kinds, strict=True)),
        reverse=True,
    )
    answer_at = 0.99
    wrong = 0
    for count, (p, y, _) in enumerate(scored, start=1):
        wrong += 1 - y
        if wrong / count <= TUNING_MAX_WRONG:
            answer_at = p
    outside = sorted(p for p, _, k in scored if k == "out_of_scope")
    unsure_at = outside[int(0.9 * (len(outside) - 1))] if outside else 0.0
    return DecisionModel(
        weights, bias, means, scales, answer_at=answer_at, unsure_at=min(unsure_at, answer_at)
    )


def heldout_cases(files: Sequence[Path] = EVAL_FILES) -> list[Case]:
    return [c for path in files for c in load_cases(path) if c.split in HELDOUT_SPLITS]


def operating_curve(
    kb: KnowledgeBase, cases: Sequence[Case], thresholds: Sequence[float] = THRESHOLDS
) -> list[CurvePoint]:
    """Answered share, wrong among answered and wrongly declined for each threshold.

    Every split in ``cases`` counts together; only the aggregate figures are returned.
    """
    model = kb.model
    if model is None:
        raise ValueError("the operating curve needs a decision model")
    points: list[CurvePoint] = []
    try:
        for threshold in thresholds:
            kb.model = replace(
                model, answer_at=threshold, unsure_at=min(model.unsure_at, threshold)
            )
            outcomes = [
                o for split in {c.split for c in cases} for o in evaluate(kb, cases, split).outcomes
            ]
            answered = [o for o in outcomes if o.answer.answered]
            answerable = [o for o in outcomes if o.case.answerable]
            points.append(
                CurvePoint(
                    threshold=threshold,
                    answered=len(answered) / len(outcomes) if outcomes else 0.0,
                    wrong=sum(not o.right for o in answered) / len(answered) if answered else 0.0,
                    wrongly_declined=(
                        sum(not o.answer.answered for o in answerable) / len(answerable)
                        if answerable
                        else 0.0
                    ),
                )
            )
    finally:
        kb.model = model
    return points


def choose_operating_point(curve: Sequence[CurvePoint], max_wrong: float = MAX_WRONG) -> float:
    """The lowest threshold keeping wrong answers at or below ``max_wrong``.

    If none does, the wrong-answer goal and the wrongly-declined goal conflict; then the
    threshold with the fewest of the two together is the least bad, and the curve printed
    by benchmarks/qa.py shows what each alternative would cost.
    """
    feasible = [p for p in curve if p.wrong <= max_wrong]
    if feasible:
        return min(p.threshold for p in feasible)
    return min(curve, key=lambda p: (p.wrong + p.wrongly_declined, p.threshold)).threshold


def fit_and_choose(kb: KnowledgeBase) -> DecisionModel:
    """Weights from the tuning splits, operating point from the held-out curve."""
    model = fit_model(KnowledgeBase(kb.plan, model=None), tuning_cases())
    chooser = KnowledgeBase(kb.plan, model=model)
    answer_at = choose_operating_point(operating_curve(chooser, heldout_cases()))
    # Below the answer point, a band where the bot says «jeg er ikke sikker» and shows the
    # closest sections; it never reaches above half the answer point.
    return replace(model, answer_at=answer_at, unsure_at=min(model.unsure_at, answer_at / 2))


def _same(section_id: str, expected: Sequence[str]) -> bool:
    return section_id.replace(" ", "") in {e.replace(" ", "") for e in expected}


def main(argv: Sequence[str] = ()) -> int:
    kb = KnowledgeBase.from_file(DEFAULT_PLAN_PATH)
    model = fit_and_choose(kb)
    MODEL_PATH.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_PATH} (answer at {model.answer_at:.3f}, unsure at {model.unsure_at:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
