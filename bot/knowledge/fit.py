"""Refit the section classifier and the decision model: ``python -m bot.knowledge.fit``.

Everything here is learned from the plan's own text and the *tuning* splits of the two
question sets (``tune``, ``public-tune``); the held-out splits are never read.

- The section classifier (classifier.py) is trained on the plan's titles, curated questions,
  keywords and text and on the tuning questions.
- The decision model (decision.py) must learn how far to trust the classifier on questions
  it has *not* seen, so its rows come from cross-fitting: the tuning questions are split in
  folds by site (a page's questions are near-duplicates of each other), and each fold is
  scored by a classifier trained without it.
- The operating point is chosen on the same out-of-fold scores: the lowest threshold at
  which at most ``MAX_WRONG`` of the answered tuning questions get a wrong section.

``python -m bot.knowledge.fit --cv`` measures the whole procedure by cross-validation over
sites: for each fold, everything above is redone on the other folds and the fold is then
answered as unseen questions would be. That figure, not the tuning score, says whether a
change generalises; ``benchmarks/qa.py`` reports the held-out splits.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final
from urllib.parse import urlparse

from bot.knowledge.classifier import (
    CLASSIFIER_PATH,
    NONE,
    Example,
    SectionClassifier,
    save_classifier,
    train,
)
from bot.knowledge.decision import MODEL_PATH, DecisionModel, fit
from bot.knowledge.evaluation import (
    HELDOUT_SPLITS,
    TUNING_SPLITS,
    Case,
    Outcome,
    Report,
    evaluate,
    load_cases,
    summarise,
)
from bot.knowledge.loader import load_plan
from bot.knowledge.model import Plan
from bot.knowledge.retrieval import DEFAULT_PLAN_PATH, KnowledgeBase, Settings

ROOT: Final = Path(__file__).resolve().parents[2]
EVAL_FILES: Final = (
    ROOT / "tests" / "knowledge" / "qa_eval.jsonl",
    ROOT / "tests" / "knowledge" / "qa_public.jsonl",
)
MAX_WRONG: Final = 0.05
FOLDS: Final = 5
L2: Final = 1.0
# The operating point is chosen on the real questions' out-of-fold scores: the curated
# phrasings are easier and would hide the wrong answers real questions get.
OPERATING_SPLITS: Final = TUNING_SPLITS
THRESHOLDS: Final = (*(round(0.05 * i, 2) for i in range(1, 20)), 0.97, 0.99)
# How much one labelled question counts against one line of the plan: real phrasings are
# what the classifier must learn, the plan's text gives it the vocabulary.
_WEIGHTS: Final = {"phrasing": 1.0, "summary": 0.5, "text": 0.3, "tune": 1.0, "public-tune": 2.0}
_SITE_ALIASES: Final = {"fug.no": "foreldreutvalgene.no", "paal.ung.no": "ung.no"}


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """What one threshold does to a set of questions, in aggregate."""

    threshold: float
    answered: float  # share of all questions answered
    wrong: float  # share of answered questions answered with a wrong section
    wrongly_declined: float  # share of answerable questions declined


@dataclass(frozen=True, slots=True)
class Fitted:
    classifier: SectionClassifier | None
    model: DecisionModel
    # The out-of-fold operating curve the threshold was chosen from.
    curve: tuple[CurvePoint, ...] = ()


def tuning_cases(files: Sequence[Path] = EVAL_FILES) -> list[Case]:
    return [c for path in files for c in load_cases(path) if c.split in TUNING_SPLITS]


def heldout_cases(files: Sequence[Path] = EVAL_FILES) -> list[Case]:
    return [c for path in files for c in load_cases(path) if c.split in HELDOUT_SPLITS]


def site(case: Case) -> str:
    """The group a case belongs to for cross-validation: its web site, or for a curated
    question (one author, no site) one of five stable buckets."""
    if case.source:
        host = urlparse(case.source).netloc.lower().removeprefix("www.")
        return _SITE_ALIASES.get(host, host)
    bucket = int(hashlib.md5(case.question.encode("utf-8")).hexdigest(), 16) % FOLDS
    return f"curated-{bucket}"


def folds(cases: Sequence[Case], count: int = FOLDS) -> list[list[Case]]:
    """Cases in ``count`` folds, whole sites at a time, largest sites first to balance."""
    groups: dict[str, list[Case]] = {}
    for case in cases:
        groups.setdefault(site(case), []).append(case)
    out: list[list[Case]] = [[] for _ in range(count)]
    for name in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        smallest = min(range(count), key=lambda i: (len(out[i]), i))
        out[smallest].extend(groups[name])
    return out


def examples(kb: KnowledgeBase, cases: Sequence[Case]) -> list[Example]:
    """Training examples: the plan's own phrasings and text, then the labelled questions."""
    out: list[Example] = []
    for section in kb.plan.sections:
        target = {kb.answering_id(section.id): 1.0}
        for text in (section.title, section.short_title, *section.questions, *section.keywords):
            out.append(Example(text, target, _WEIGHTS["phrasing"]))
        for sentence in section.summary.split(". "):
            out.append(Example(sentence, target, _WEIGHTS["summary"]))
        for line in section.text.splitlines():
            if len(line.split()) >= 3:
                out.append(Example(line, target, _WEIGHTS["text"]))
    for case in cases:
        sections = [e for e in case.expected if _is_plan_id(kb, e)] if case.kind == "plan" else []
        answering = sorted({kb.answering_id(e) for e in sections})
        target = {doc: 1.0 / len(answering) for doc in answering} if answering else {NONE: 1.0}
        out.append(Example(case.question, target, _WEIGHTS.get(case.split, 1.0)))
    return out


def train_classifier(kb: KnowledgeBase, cases: Sequence[Case]) -> SectionClassifier:
    return train(examples(kb, cases), (*kb.answering_ids, NONE))


def fit_all(
    plan: Plan,
    cases: Sequence[Case],
    settings: Settings | None = None,
    *,
    learn: bool = True,
    choose_on: Sequence[str] = OPERATING_SPLITS,
) -> Fitted:
    """Classifier on all ``cases``; decision model and operating point from cross-fitting.

    ``learn=False`` leaves the classifier out (word overlap and intents only), the baseline
    a cross-validation compares against.
    """
    base = KnowledgeBase(plan, settings, model=None, classifier=None)
    parts = folds(cases)

    def classifier(training: Sequence[Case]) -> SectionClassifier | None:
        return train_classifier(base, training) if learn else None

    scorers = [
        KnowledgeBase(
            plan,
            settings,
            model=None,
            classifier=classifier([c for j, p in enumerate(parts) if j != i for c in p]),
        )
        for i in range(len(parts))
    ]
    rows: list[list[float]] = []
    labels: list[int] = []
    kinds: list[str] = []
    for scorer, part in zip(scorers, parts, strict=True):
        for case in part:
            x, top, law_path = scorer.explain(case.question)
            if law_path:
                continue
            rows.append(x)
            labels.append(int(case.answerable and top is not None and _same(top, case.expected)))
            kinds.append(case.kind)
    weights, bias, means, scales = fit(rows, labels, l2=L2)
    model = DecisionModel(weights, bias, means, scales, answer_at=0.5, unsure_at=0.0)
    for scorer in scorers:
        scorer.model = model
    chosen = [[c for c in part if c.split in choose_on] or list(part) for part in parts]
    pooled = _pooled_curve(scorers, chosen)
    answer_at = choose_operating_point(pooled)
    probabilities = sorted(
        model.probability(x) for x, k in zip(rows, kinds, strict=True) if k == "out_of_scope"
    )
    unsure_at = probabilities[int(0.9 * (len(probabilities) - 1))] if probabilities else 0.0
    model = replace(model, answer_at=answer_at, unsure_at=min(unsure_at, answer_at / 2))
    return Fitted(classifier(cases), model, tuple(pooled))


def cross_validate(
    plan: Plan,
    cases: Sequence[Case],
    settings: Settings | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    learn: bool = True,
    choose_on: Sequence[str] = OPERATING_SPLITS,
) -> list[Outcome]:
    """Out-of-fold outcomes: each fold answered by a pipeline fitted without it."""
    outcomes: list[Outcome] = []
    parts = folds(cases)
    for i, part in enumerate(parts):
        rest = [c for j, p in enumerate(parts) if j != i for c in p]
        fitted = fit_all(plan, rest, settings, learn=learn, choose_on=choose_on)
        kb = KnowledgeBase(plan, settings, model=fitted.model, classifier=fitted.classifier)
        for split in sorted({c.split for c in part}):
            outcomes.extend(evaluate(kb, part, split).outcomes)
        if progress is not None:
            progress(f"fold {i + 1}/{len(parts)}: {len(part)} questions")
    return outcomes


def operating_curve(
    kb: KnowledgeBase, cases: Sequence[Case], thresholds: Sequence[float] = THRESHOLDS
) -> list[CurvePoint]:
    """Answered share, wrong among answered and wrongly declined for each threshold.

    Every split in ``cases`` counts together; only the aggregate figures are returned.
    """
    return _pooled_curve([kb], [list(cases)], thresholds)


def _pooled_curve(
    kbs: Sequence[KnowledgeBase],
    parts: Sequence[Sequence[Case]],
    thresholds: Sequence[float] = THRESHOLDS,
) -> list[CurvePoint]:
    points: list[CurvePoint] = []
    models = [kb.model for kb in kbs]
    if any(m is None for m in models):
        raise ValueError("the operating curve needs a decision model")
    try:
        for threshold in thresholds:
            outcomes: list[Outcome] = []
            for kb, model, part in zip(kbs, models, parts, strict=True):
                assert model is not None
                kb.model = replace(
                    model, answer_at=threshold, unsure_at=min(model.unsure_at, threshold)
                )
                for split in sorted({c.split for c in part}):
                    outcomes.extend(evaluate(kb, part, split).outcomes)
            points.append(_point(threshold, outcomes))
    finally:
        for kb, model in zip(kbs, models, strict=True):
            kb.model = model
    return points


def _point(threshold: float, outcomes: Sequence[Outcome]) -> CurvePoint:
    answered = [o for o in outcomes if o.answer.answered]
    answerable = [o for o in outcomes if o.case.answerable]
    return CurvePoint(
        threshold=threshold,
        answered=len(answered) / len(outcomes) if outcomes else 0.0,
        wrong=sum(not o.right for o in answered) / len(answered) if answered else 0.0,
        wrongly_declined=(
            sum(not o.answer.answered for o in answerable) / len(answerable) if answerable else 0.0
        ),
    )


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


def cv_reports(outcomes: Sequence[Outcome]) -> dict[str, Report]:
    """The out-of-fold figures per tuning split and per language of the public one."""
    reports = {
        split: summarise(f"cv/{split}", [o for o in outcomes if o.case.split == split])
        for split in sorted({o.case.split for o in outcomes})
    }
    public = [o for o in outcomes if o.case.split == "public-tune"]
    for language in sorted({o.case.language for o in public}):
        reports[f"public-tune/{language}"] = summarise(
            f"cv/public-tune/{language}", [o for o in public if o.case.language == language]
        )
    return reports


def _is_plan_id(kb: KnowledgeBase, section_id: str) -> bool:
    try:
        kb.answering_id(section_id)
    except KeyError:
        return False
    return True


def _same(section_id: str, expected: Sequence[str]) -> bool:
    return section_id.replace(" ", "") in {e.replace(" ", "") for e in expected}


def main(argv: Sequence[str] = ()) -> int:
    plan = load_plan(DEFAULT_PLAN_PATH)
    cases = tuning_cases()
    if "--cv" in argv:
        outcomes = cross_validate(plan, cases, progress=print)
        print(
            f"{'':22} {'n_ans':>5} {'n_rest':>6} {'top1':>6} {'top3':>6} {'wrong':>6} "
            f"{'in_decl':>7} {'oos_dec':>7} {'unans_d':>7}"
        )
        for name, r in cv_reports(outcomes).items():
            print(
                f"{name:22} {r.in_scope:5d} {r.out_of_scope:6d} {r.top1:6.3f} {r.top3:6.3f} "
                f"{r.answered_wrong:6.3f} {r.wrongly_declined:7.3f} "
                f"{r.declined_out_of_scope:7.3f} {r.declined_unanswered:7.3f}"
            )
        return 0
    fitted = fit_all(plan, cases)
    assert fitted.classifier is not None
    save_classifier(fitted.classifier, CLASSIFIER_PATH)
    MODEL_PATH.write_text(json.dumps(fitted.model.to_json(), indent=2) + "\n", encoding="utf-8")
    print("out-of-fold operating curve on the tuning splits")
    print(f"{'threshold':>9} {'answered':>8} {'wrong':>6} {'wr_decl':>7}")
    for point in fitted.curve:
        print(
            f"{point.threshold:9.2f} {point.answered:8.3f} {point.wrong:6.3f} "
            f"{point.wrongly_declined:7.3f}"
        )
    print(
        f"wrote {CLASSIFIER_PATH.name} ({len(fitted.classifier.weights)} features) and "
        f"{MODEL_PATH.name} (answer at {fitted.model.answer_at:.3f}, "
        f"unsure at {fitted.model.unsure_at:.3f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
