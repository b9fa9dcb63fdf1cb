"""Regression guard on the evaluation set: quality on the held-out split must not drop.

The held-out split was written before any tuning and is never used to tune; only its
aggregate figures are checked here.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.knowledge import default_knowledge_base, load_plan
from bot.knowledge.evaluation import Report, evaluate, load_cases
from bot.knowledge.retrieval import DEFAULT_PLAN_PATH

EVAL_FILE = Path(__file__).with_name("qa_eval.jsonl")


@pytest.fixture(scope="module")
def heldout() -> Report:
    cases = load_cases(EVAL_FILE)
    kb = default_knowledge_base()
    evaluate(kb, cases, "heldout")  # warm caches so latency reflects steady state
    return evaluate(kb, cases, "heldout")


def test_eval_file_is_well_formed_and_covers_the_plan() -> None:
    rows = [json.loads(line) for line in EVAL_FILE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 150
    for row in rows:
        assert set(row) <= {"q", "expected", "split", "law"}
        assert isinstance(row["q"], str) and row["q"].strip()
        assert row["split"] in {"tune", "heldout"}
    plan = load_plan(DEFAULT_PLAN_PATH)
    ids = {s.id for s in plan.sections}
    expected = Counter(row["expected"] for row in rows)
    assert set(expected) - {None} <= ids
    # Every section that can be an answer is asked about (5 is answered by its only
    # subsection 5.1), and out-of-scope questions are well represented.
    assert ids - {"5"} <= set(expected)
    assert expected[None] >= 30
    splits = Counter(row["split"] for row in rows)
    assert splits["heldout"] >= 100
    assert splits["tune"] >= 100


def test_no_heldout_question_was_copied_into_the_plan() -> None:
    def norm(text: str) -> str:
        return re.sub(r"\W+", " ", text.lower()).strip()

    plan = load_plan(DEFAULT_PLAN_PATH)
    curated = {norm(q) for s in plan.sections for q in (*s.questions, *s.keywords)}
    heldout = [c.question for c in load_cases(EVAL_FILE) if c.split == "heldout"]
    assert [q for q in heldout if norm(q) in curated] == []


def test_heldout_top1(heldout: Report) -> None:
    assert heldout.top1 >= 0.90


def test_heldout_top3(heldout: Report) -> None:
    assert heldout.top3 >= 0.97


def test_heldout_out_of_scope_declined(heldout: Report) -> None:
    assert heldout.declined_out_of_scope >= 0.90


def test_heldout_in_scope_wrongly_declined(heldout: Report) -> None:
    # The operating point is chosen on the tuning splits' out-of-fold scores so that at most
    # 5 % of answers are wrong; on this split that costs a few more declines than 5 %.
    assert heldout.wrongly_declined <= 0.10


def test_heldout_legal_questions_flagged(heldout: Report) -> None:
    assert heldout.law_flagged >= 0.80


