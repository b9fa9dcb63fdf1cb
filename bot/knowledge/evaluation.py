"""Score the question answering against labelled question sets, the same way everywhere.

Shared by the regression tests, benchmarks/qa.py and the decision-model fit, so that all
three count the same things. Two files, one format of case:

- tests/knowledge/qa_eval.jsonl, the curated set: {"q", "expected": section id or null,
  "split": "tune" | "heldout", "law": true for a legal question beyond the plan};
- tests/knowledge/qa_public.jsonl, questions people asked in public: {"q", "expected":
  [section ids, or law ids like "§12-6"], "kind": "plan" | "law" | "unanswered" |
  "out_of_scope", "split": "public-tune" | "public-heldout", "source": URL, "lang"}.

A case is answerable when it lists sections; its first-ranked section is right when it is
one of them. Law ids are compared without spaces ("§ 12-6" = "§12-6").
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from bot.knowledge.intent import detect_language
from bot.knowledge.retrieval import Answer, KnowledgeBase

KINDS: Final = ("plan", "law", "law_beyond", "unanswered", "out_of_scope")
ANSWERABLE: Final = frozenset({"plan", "law"})
TUNING_SPLITS: Final = ("tune", "public-tune")
HELDOUT_SPLITS: Final = ("heldout", "public-heldout")
CALIBRATION_BINS: Final = 5


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    expected: tuple[str, ...]
    split: str
    kind: str = "plan"
    language: str = "nb"
    source: str = ""

    @property
    def answerable(self) -> bool:
        return self.kind in ANSWERABLE

    @property
    def law(self) -> bool:
        """A legal question the plan does not answer (old name kept for callers)."""
        return self.kind in {"law", "law_beyond"}


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    answer: Answer
    seconds: float

    @property
    def top1(self) -> bool:
        return bool(self.answer.sections) and _same(self.answer.sections[0], self.case.expected)

    @property
    def top3(self) -> bool:
        return any(_same(s, self.case.expected) for s in self.answer.sections[:3])

    @property
    def right(self) -> bool:
        """Answered, and with a section that answers the question."""
        return self.answer.answered and self.top1

    @property
    def ok(self) -> bool:
        """What a person would call a correct reply: the right answer, or an honest decline."""
        if self.case.answerable:
            return self.right
        if self.case.kind == "law_beyond":
            return not self.answer.answered or self.answer.source == "law"
        return not self.answer.answered


@dataclass(frozen=True, slots=True)
class Report:
    split: str
    in_scope: int
    out_of_scope: int
    top1: float
    top3: float
    answered_right: float
    answered_wrong: float
    declined_out_of_scope: float
    declined_unanswered: float
    wrongly_declined: float
    law_flagged: float
    p50_ms: float
    p99_ms: float
    outcomes: tuple[Outcome, ...]

    def failures(self) -> list[Outcome]:
        """Cases that missed top-1 or got the answer/decline decision wrong."""
        return [o for o in self.outcomes if not o.ok or (o.case.answerable and not o.top1)]

    def by(self, key: str) -> dict[str, Report]:
        """The same figures for each kind or language ("kind" / "language") of case."""
        groups: dict[str, list[Outcome]] = {}
        for outcome in self.outcomes:
            groups.setdefault(getattr(outcome.case, key), []).append(outcome)
        return {name: summarise(self.split, items) for name, items in sorted(groups.items())}


def load_cases(path: str | Path) -> list[Case]:
    cases: list[Case] = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        question = row.get("q")
        expected = row.get("expected")
        if not isinstance(question, str):
            raise ValueError(f"{path}:{number}: malformed case")
        if isinstance(expected, list):
            sections = tuple(str(e) for e in expected)
            kind = str(row.get("kind", "plan" if sections else "out_of_scope"))
        elif expected is None or isinstance(expected, str):
            sections = (expected,) if expected else ()
            kind = "plan" if expected else ("law_beyond" if row.get("law") else "out_of_scope")
        else:
            raise ValueError(f"{path}:{number}: malformed case")
        if kind not in KINDS or (kind in ANSWERABLE) != bool(sections):
            raise ValueError(f"{path}:{number}: kind {kind!r} does not fit its sections")
        language = str(row.get("lang") or detect_language(question))
        cases.append(
            Case(question, sections, row["split"], kind, language, str(row.get("source", "")))
        )
    return cases


def evaluate(kb: KnowledgeBase, cases: Iterable[Case], split: str) -> Report:
    selected = [c for c in cases if c.split == split]
    outcomes: list[Outcome] = []
    for case in selected:
        start = time.perf_counter()
        answer = kb.ask(case.question)
        outcomes.append(Outcome(case, answer, time.perf_counter() - start))
    return summarise(split, outcomes)


def calibration(
    outcomes: Sequence[Outcome], bins: int = CALIBRATION_BINS
) -> list[tuple[str, int, float, float]]:
    """(probability range, count, mean predicted, share whose first section is right) per bin.

    Only questions the plan ranking decided on (not the law path) carry a probability.
    """
    rows: list[tuple[str, int, float, float]] = []
    scored = [o for o in outcomes if o.answer.source == "plan" and o.answer.sections]
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        members = [
            o
            for o in scored
            if low <= o.answer.probability < high
            or (index == bins - 1 and o.answer.probability == 1.0)
        ]
        if not members:
            rows.append((f"{low:.1f}-{high:.1f}", 0, 0.0, 0.0))
            continue
        predicted = sum(o.answer.probability for o in members) / len(members)
        observed = sum(o.case.answerable and o.top1 for o in members) / len(members)
        rows.append((f"{low:.1f}-{high:.1f}", len(members), predicted, observed))
    return rows


def summarise(split: str, outcomes: Sequence[Outcome]) -> Report:
    """The figures for a set of outcomes, however they were gathered (a split, a fold)."""
    answerable = [o for o in outcomes if o.case.answerable]
    out_scope = [o for o in outcomes if o.case.kind == "out_of_scope"]
    unanswered = [o for o in outcomes if o.case.kind == "unanswered"]
    beyond = [o for o in outcomes if o.case.kind == "law_beyond"]
    answered = [o for o in outcomes if o.answer.answered]
    latencies = sorted(o.seconds * 1000.0 for o in outcomes)
    return Report(
        split=split,
        in_scope=len(answerable),
        out_of_scope=len(outcomes) - len(answerable),
        top1=_share(o.top1 for o in answerable),
        top3=_share(o.top3 for o in answerable),
        answered_right=_share(o.right for o in answerable),
        answered_wrong=_share(not o.right for o in answered),
        declined_out_of_scope=_share(not o.answer.answered for o in out_scope),
        declined_unanswered=_share(not o.answer.answered for o in unanswered),
        wrongly_declined=_share(not o.answer.answered for o in answerable),
        law_flagged=_share(o.ok for o in beyond),
        p50_ms=_percentile(latencies, 0.50),
        p99_ms=_percentile(latencies, 0.99),
        outcomes=tuple(outcomes),
    )


def _same(section_id: str, expected: Sequence[str]) -> bool:
    wanted = section_id.replace(" ", "")
    return any(wanted == e.replace(" ", "") for e in expected)


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]
