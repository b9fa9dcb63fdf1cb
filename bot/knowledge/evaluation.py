"""Score the retrieval against a labelled question set (tests/knowledge/qa_eval.jsonl).

Shared by the regression test and benchmarks/qa.py so that both report the same numbers.
Each line is {"q": question, "expected": section id or null (out of scope), "split":
"tune" | "heldout"}; an optional "law": true marks a legal question beyond the plan.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.retrieval import Answer, KnowledgeBase


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    expected: str | None
    split: str
    law: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    answer: Answer
    seconds: float

    @property
    def top1(self) -> bool:
        return bool(self.answer.sections) and self.answer.sections[0] == self.case.expected

    @property
    def top3(self) -> bool:
        return self.case.expected in self.answer.sections[:3]


@dataclass(frozen=True, slots=True)
class Report:
    split: str
    in_scope: int
    out_of_scope: int
    top1: float
    top3: float
    declined_out_of_scope: float
    wrongly_declined: float
    law_flagged: float
    p50_ms: float
    p99_ms: float
    outcomes: tuple[Outcome, ...]

    def failures(self) -> list[Outcome]:
        """Cases that missed top-1 or got the answer/decline decision wrong."""
        bad: list[Outcome] = []
        for outcome in self.outcomes:
            if outcome.case.expected is None:
                missed_law = outcome.case.law and not outcome.answer.law_beyond_plan
                if outcome.answer.answered or missed_law:
                    bad.append(outcome)
            elif not outcome.top1 or not outcome.answer.answered:
                bad.append(outcome)
        return bad


def load_cases(path: str | Path) -> list[Case]:
    cases: list[Case] = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        expected = row["expected"]
        if not isinstance(row.get("q"), str) or not (expected is None or isinstance(expected, str)):
            raise ValueError(f"{path}:{number}: malformed case")
        cases.append(Case(row["q"], expected, row["split"], bool(row.get("law", False))))
    return cases


def evaluate(kb: KnowledgeBase, cases: Iterable[Case], split: str) -> Report:
    selected = [c for c in cases if c.split == split]
    outcomes: list[Outcome] = []
    for case in selected:
        start = time.perf_counter()
        answer = kb.ask(case.question)
        outcomes.append(Outcome(case, answer, time.perf_counter() - start))
    in_scope = [o for o in outcomes if o.case.expected is not None]
    out_scope = [o for o in outcomes if o.case.expected is None]
    law = [o for o in out_scope if o.case.law]
    latencies = sorted(o.seconds * 1000.0 for o in outcomes)
    return Report(
        split=split,
        in_scope=len(in_scope),
        out_of_scope=len(out_scope),
        top1=_share(o.top1 for o in in_scope),
        top3=_share(o.top3 for o in in_scope),
        declined_out_of_scope=_share(not o.answer.answered for o in out_scope),
        wrongly_declined=_share(not o.answer.answered for o in in_scope),
        law_flagged=_share(o.answer.law_beyond_plan for o in law),
        p50_ms=_percentile(latencies, 0.50),
        p99_ms=_percentile(latencies, 0.99),
        outcomes=tuple(outcomes),
    )


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]
