"""The public question set, the decision model fitted on its tuning split, and intents."""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bot.knowledge import default_knowledge_base
from bot.knowledge.classifier import load_classifier
from bot.knowledge.decision import load_model
from bot.knowledge.evaluation import HELDOUT_SPLITS, TUNING_SPLITS, load_cases
from bot.knowledge.fit import (
    CurvePoint,
    choose_operating_point,
    examples,
    fit_all,
    folds,
    heldout_cases,
    site,
    tuning_cases,
)
from bot.knowledge.intent import classify, detect_language

PUBLIC_FILE = Path(__file__).with_name("qa_public.jsonl")
ROOT = Path(__file__).resolve().parents[2]


def _domain(url: str) -> str:
    host = urlparse(url).netloc.lower().removeprefix("www.")
    return {"fug.no": "foreldreutvalgene.no", "paal.ung.no": "ung.no"}.get(host, host)


def test_public_set_is_labelled_sourced_and_split_by_source() -> None:
    rows = [json.loads(line) for line in PUBLIC_FILE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 240
    assert sum(row["split"] == "public-heldout" for row in rows) >= 110
    assert len({_domain(row["source"]) for row in rows}) >= 80
    assert sum(row["lang"] == "en" for row in rows) >= 30
    assert sum(row["lang"] == "nn" for row in rows) >= 20
    splits_of: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        assert set(row) == {"q", "expected", "kind", "split", "lang", "who", "source"}
        assert row["source"].startswith("http")
        assert row["kind"] in {"plan", "law", "unanswered", "out_of_scope"}
        assert bool(row["expected"]) == (row["kind"] in {"plan", "law"})
        splits_of[_domain(row["source"])].add(row["split"])
    # Near-duplicates come from the same page or site: no site feeds both splits.
    assert all(len(splits) == 1 for splits in splits_of.values())
    cases = load_cases(PUBLIC_FILE)
    assert {c.split for c in cases} == {"public-tune", "public-heldout"}
    assert {c.language for c in cases} >= {"nb", "nn", "en"}
    assert {c.kind for c in cases} == {"plan", "law", "unanswered", "out_of_scope"}
    ids = {s.id.replace(" ", "") for s in default_knowledge_base().plan.sections}
    ids |= {f"§12-{n}" for n in range(2, 7)}
    assert {e for c in cases for e in c.expected} <= ids


def test_the_stored_models_are_the_ones_the_tuning_splits_give() -> None:
    """Refitting reproduces the stored classifier and decision model: both learned from the
    plan and the tuning splits only, the operating point from their out-of-fold scores."""
    cases = tuning_cases()
    assert cases and {c.split for c in cases} <= set(TUNING_SPLITS)
    assert {c.split for c in heldout_cases()} == set(HELDOUT_SPLITS)
    kb = default_knowledge_base()
    refit = fit_all(kb.plan, cases)
    stored_model, stored_classifier = load_model(), load_classifier()
    assert refit.classifier is not None
    assert refit.classifier.labels == stored_classifier.labels
    assert refit.classifier.bias == pytest.approx(stored_classifier.bias, abs=1e-3)
    assert refit.model.answer_at == pytest.approx(stored_model.answer_at, abs=1e-3)
    assert refit.model.weights == pytest.approx(stored_model.weights, abs=1e-3)
    assert refit.model.bias == pytest.approx(stored_model.bias, abs=1e-3)


def test_no_heldout_question_is_learned_from_and_folds_keep_sites_whole() -> None:
    kb = default_knowledge_base()
    tuning = tuning_cases()
    # A question asked word for word on a tuning site as well ("Hva er mobbing?") is
    # learned from that site, never from the held-out one.
    asked_in_tuning = {c.question for c in tuning}
    learned = {e.text for e in examples(kb, tuning)}
    leaked = [c.question for c in heldout_cases() if c.question in learned - asked_in_tuning]
    assert leaked == []
    parts = folds(tuning_cases())
    assert len(parts) == 5 and min(map(len, parts)) > 0.8 * max(map(len, parts))
    fold_of: dict[str, set[int]] = defaultdict(set)
    for index, part in enumerate(parts):
        for case in part:
            fold_of[site(case)].add(index)
    assert all(len(indexes) == 1 for indexes in fold_of.values())


def test_the_classifier_sends_the_reporting_question_to_the_report_routine() -> None:
    classifier = load_classifier()
    probabilities = classifier.probabilities("hvordan melder jeg fra?")
    assert max(probabilities, key=lambda label: probabilities[label]) == "8.3"


def test_operating_point_is_the_lowest_threshold_within_the_wrong_answer_limit() -> None:
    curve = [
        CurvePoint(0.2, 0.9, 0.10, 0.01),
        CurvePoint(0.5, 0.8, 0.04, 0.05),
        CurvePoint(0.8, 0.5, 0.02, 0.30),
    ]
    assert choose_operating_point(curve, max_wrong=0.05) == 0.5
    # When no threshold is good enough, the least bad sum of the two errors wins.
    assert choose_operating_point(curve, max_wrong=0.01) == 0.5
    assert choose_operating_point(curve[:1] + curve[2:], max_wrong=0.01) == 0.2


def test_probabilities_rank_answerable_questions_above_unrelated_ones() -> None:
    kb = default_knowledge_base()
    assert kb.ask("hvordan melder jeg fra?").probability > 0.9
    assert kb.ask("trenger jeg å skrive referat fra foreldremøtet?").probability < 0.5


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("hvordan melder jeg fra?", "nb"),
        ("korleis melder eg frå?", "nn"),
        ("Kva skal aktivitetsplanen innehalde", "nn"),
        ("What do I do if my child is bullied in school?", "en"),
        ("Can teachers restrain pupils?", "en"),
    ],
)
def test_language_is_detected(question: str, language: str) -> None:
    assert detect_language(question) == language


def test_intents_tell_action_definition_adult_harm_and_self_accusation_apart() -> None:
    assert classify("hva gjør jeg hvis en elev blir mobbet?").action
    assert classify("What should I do if a pupil is bullied?").action
    assert classify("hva regnes som mobbing?").definition
    assert classify("en lærer kjefter på elevene, hva gjør jeg?").adult_harm
    assert classify("bullied by a teacher").adult_harm
    accused = classify("jeg er anklaget for å ha krenket en elev")
    assert accused.self_accused and not accused.adult_harm
    assert not classify("to elever slåss i friminuttet").adult_harm


def test_the_question_dialog_is_pure() -> None:
    tree = ast.parse((ROOT / "bot" / "dialogs" / "questions.py").read_text(encoding="utf-8"))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in modules
                if m and m.startswith(("botbuilder", "aiohttp", "bot.hosting.botbuilder"))}
