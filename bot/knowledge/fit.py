"""Refit the decision model on the tuning splits: ``python -m bot.knowledge.fit``.

Reads the curated and the public question sets, keeps only their tuning splits (the
held-out splits are for reporting and are never read here), and writes
bot/knowledge/resources/decision_model.json with the operating points: answer when the
probability reaches the lowest threshold at which at most ``MAX_WRONG`` of the answered
tuning questions are wrong.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from bot.knowledge.decision import MODEL_PATH, DecisionModel, fit
from bot.knowledge.evaluation import TUNING_SPLITS, Case, load_cases
from bot.knowledge.retrieval import DEFAULT_PLAN_PATH, KnowledgeBase

ROOT: Final = Path(__file__).resolve().parents[2]
EVAL_FILES: Final = (
    ROOT / "tests" / "knowledge" / "qa_eval.jsonl",
    ROOT / "tests" / "knowledge" / "qa_public.jsonl",
)
MAX_WRONG: Final = 0.08
L2: Final = 1.0


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
        if wrong / count <= MAX_WRONG:
            answer_at = p
    outside = sorted(p for p, _, k in scored if k == "out_of_scope")
    unsure_at = outside[int(0.9 * (len(outside) - 1))] if outside else 0.0
    return DecisionModel(
        weights, bias, means, scales, answer_at=answer_at, unsure_at=min(unsure_at, answer_at)
    )


def _same(section_id: str, expected: Sequence[str]) -> bool:
    return section_id.replace(" ", "") in {e.replace(" ", "") for e in expected}


def main(argv: Sequence[str] = ()) -> int:
    kb = KnowledgeBase.from_file(DEFAULT_PLAN_PATH)
    model = fit_model(KnowledgeBase(kb.plan, model=None), tuning_cases())
    MODEL_PATH.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_PATH} (answer at {model.answer_at:.3f}, unsure at {model.unsure_at:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
