"""Quality and speed of the plan Q&A, for every question set and split.

Run from the project root: .venv/bin/python benchmarks/qa.py [--failures tune|public-tune] [--cv]

Prints, per split (curated tune/held-out, public tune/held-out): top-1, top-3,
answered-and-right, answered-wrong, wrongly declined, out-of-scope and on-topic-unanswered
declined, legal-beyond-plan handled, p50/p99 latency; then the same per kind and per
language, the calibration curve of the decision model on the held-out splits, and the
operating-point curve (answered share, wrong among answered, wrongly declined for each
threshold) on the held-out splits. The stored threshold was chosen on the tuning splits'
out-of-fold scores (bot/knowledge/fit.py); the held-out curve shows what it costs there.
``--cv`` adds the cross-validation over sites of the tuning splits (about two minutes).
Only ever list failures of a tuning split; the held-out splits are for reporting.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.knowledge.evaluation import (  # noqa: E402
    TUNING_SPLITS,
    Case,
    Report,
    calibration,
    evaluate,
    load_cases,
)
from bot.knowledge.fit import (  # noqa: E402
    MAX_WRONG,
    choose_operating_point,
    cross_validate,
    cv_reports,
    operating_curve,
    tuning_cases,
)
from bot.knowledge.retrieval import DEFAULT_PLAN_PATH, KnowledgeBase  # noqa: E402

SETS = (
    (ROOT / "tests" / "knowledge" / "qa_eval.jsonl", ("tune", "heldout")),
    (ROOT / "tests" / "knowledge" / "qa_public.jsonl", ("public-tune", "public-heldout")),
)
HELDOUT = ("heldout", "public-heldout")
WARMUP_ROUNDS = 1
TIMED_ROUNDS = 5
HEADER = (
    f"{'':16} {'n_ans':>5} {'n_rest':>6} {'top1':>6} {'top3':>6} {'right':>6} {'wrong':>6} "
    f"{'in_decl':>7} {'oos_dec':>7} {'unans_d':>7} {'law':>5} {'p50_ms':>7} {'p99_ms':>7}"
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--failures", choices=TUNING_SPLITS, help="list failing cases of a split")
    parser.add_argument("--cv", action="store_true", help="cross-validate over sites (slow)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    kb = KnowledgeBase.from_file(DEFAULT_PLAN_PATH)
    build_ms = (time.perf_counter() - start) * 1000.0
    cases: list[Case] = [c for path, _ in SETS for c in load_cases(path)]
    splits = [split for _, names in SETS for split in names]
    for _ in range(WARMUP_ROUNDS):
        for split in splits:
            evaluate(kb, cases, split)

    print(f"index build: {build_ms:.1f} ms ({len(kb.plan.sections)} sections)")
    print("answerable = plan or law answers it; wrong = share of answered that are wrong")
    print(HEADER)
    reports: dict[str, Report] = {}
    for split in splits:
        timed = [evaluate(kb, cases, split) for _ in range(TIMED_ROUNDS)]
        reports[split] = timed[0]
        _row(split, timed[0], timed)
    for key in ("kind", "language"):
        print(f"\nper {key}")
        print(HEADER)
        for split in splits:
            for name, part in reports[split].by(key).items():
                _row(f"{split}/{name}", part, [part])
    for split in HELDOUT:
        print(f"\ncalibration on {split} (probability that the first section is right)")
        print(f"{'bin':>9} {'n':>4} {'predicted':>9} {'observed':>8}")
        for label, count, predicted, observed in calibration(reports[split].outcomes):
            print(f"{label:>9} {count:4d} {predicted:9.2f} {observed:8.2f}")
    _operating_points(kb, cases)
    if args.cv:
        print("\ncross-validation over sites of the tuning splits (5 folds, out-of-fold)")
        print(HEADER)
        for name, report in cv_reports(cross_validate(kb.plan, tuning_cases())).items():
            _row(name, report, [report])
    if args.failures:
        for outcome in reports[args.failures].failures():
            answer = outcome.answer
            ranked = ", ".join(f"{h.section_id}:{h.score:.2f}" for h in answer.hits[:3])
            print(
                f"FAIL {outcome.case.kind} expected={list(outcome.case.expected)} "
                f"answered={answer.answered} p={answer.probability:.2f} "
                f"conf={answer.confidence:.2f} [{ranked}] {outcome.case.question}"
            )
    return 0


def _operating_points(kb: KnowledgeBase, cases: list[Case]) -> None:
    """The operating-point curve on the held-out splits, together and one by one."""
    if kb.model is None:
        return
    held = [c for c in cases if c.split in HELDOUT]
    together = operating_curve(kb, held)
    chosen = choose_operating_point(together)
    feasible = any(p.wrong <= MAX_WRONG for p in together)
    verdict = (
        f"the lowest threshold with at most {MAX_WRONG:.0%} wrong answers"
        if feasible
        else f"no threshold reaches {MAX_WRONG:.0%} wrong answers; the one with the fewest "
        "wrong answers plus wrongly declined questions"
    )
    print(
        f"\noperating point: answer at p >= {kb.model.answer_at:.2f} (stored, chosen on the "
        f"tuning splits' out-of-fold scores); for comparison only, over both held-out splits "
        f"{verdict} would be {chosen:.2f}"
    )
    curves = {"held-out (both)": together}
    curves.update(
        {split: operating_curve(kb, [c for c in held if c.split == split]) for split in HELDOUT}
    )
    for name, curve in curves.items():
        print(f"\noperating curve on {name}")
        print(f"{'threshold':>9} {'answered':>8} {'wrong':>6} {'wr_decl':>7}")
        for point in curve:
            print(
                f"{point.threshold:9.2f} {point.answered:8.3f} {point.wrong:6.3f} "
                f"{point.wrongly_declined:7.3f}"
            )


def _row(name: str, report: Report, timed: list[Report]) -> None:
    latencies = sorted(o.seconds * 1000.0 for r in timed for o in r.outcomes)
    p50 = latencies[len(latencies) // 2] if latencies else 0.0
    p99 = (
        latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))] if latencies else 0.0
    )
    print(
        f"{name:16} {report.in_scope:5d} {report.out_of_scope:6d} {report.top1:6.3f} "
        f"{report.top3:6.3f} {report.answered_right:6.3f} {report.answered_wrong:6.3f} "
        f"{report.wrongly_declined:7.3f} {report.declined_out_of_scope:7.3f} "
        f"{report.declined_unanswered:7.3f} {report.law_flagged:5.2f} {p50:7.3f} {p99:7.3f}"
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
