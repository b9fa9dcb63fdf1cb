"""Quality and speed of the plan Q&A: accuracy per split, decline rates, latency.

Run from the project root: .venv/bin/python benchmarks/qa.py [--failures tune]
Only ever inspect failures of the "tune" split; the held-out split is for reporting.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.knowledge.evaluation import Report, evaluate, load_cases  # noqa: E402
from bot.knowledge.retrieval import DEFAULT_PLAN_PATH, KnowledgeBase  # noqa: E402

EVAL_FILE = ROOT / "tests" / "knowledge" / "qa_eval.jsonl"
SPLITS = ("tune", "heldout")
WARMUP_ROUNDS = 1
TIMED_ROUNDS = 5


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--failures", choices=["tune"], help="list failing cases of a split")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    kb = KnowledgeBase.from_file(DEFAULT_PLAN_PATH)
    build_ms = (time.perf_counter() - start) * 1000.0
    cases = load_cases(EVAL_FILE)

    for _ in range(WARMUP_ROUNDS):
        for split in SPLITS:
            evaluate(kb, cases, split)

    print(f"index build: {build_ms:.1f} ms ({len(kb.plan.sections)} sections)")
    header = (
        f"{'split':8} {'n_in':>5} {'n_out':>5} {'top1':>6} {'top3':>6} "
        f"{'oos_decl':>8} {'in_decl':>7} {'law':>5} {'p50_ms':>7} {'p99_ms':>7}"
    )
    print(header)
    for split in SPLITS:
        reports = [evaluate(kb, cases, split) for _ in range(TIMED_ROUNDS)]
        _print_row(reports)
    if args.failures:
        report = evaluate(kb, cases, args.failures)
        for outcome in report.failures():
            answer = outcome.answer
            ranked = ", ".join(f"{h.section_id}:{h.score:.2f}" for h in answer.hits[:3])
            print(
                f"FAIL expected={outcome.case.expected} answered={answer.answered} "
                f"conf={answer.confidence:.2f} law={answer.law_beyond_plan} "
                f"[{ranked}] {outcome.case.question}"
            )
    return 0


def _print_row(reports: list[Report]) -> None:
    first = reports[0]
    latencies = sorted(o.seconds * 1000.0 for r in reports for o in r.outcomes)
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
    print(
        f"{first.split:8} {first.in_scope:5d} {first.out_of_scope:5d} {first.top1:6.3f} "
        f"{first.top3:6.3f} {first.declined_out_of_scope:8.3f} {first.wrongly_declined:7.3f} "
        f"{first.law_flagged:5.2f} {p50:7.3f} {p99:7.3f}"
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
