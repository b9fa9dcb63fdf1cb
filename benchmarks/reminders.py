"""Reminder dispatch throughput: due reminders turned into outbox messages per second.

Loads N due reminders (spread over cases waiting for investigation), then runs one dispatcher,
and again two dispatchers racing on the same database (two bot instances), on SQLite and
(when reachable) PostgreSQL. Prints reminders per second and checks each was sent once.

Run: .venv/bin/python benchmarks/reminders.py [--reminders 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import DEFAULT_SCHOOL_CONFIG, load_school  # noqa: E402
from bot.services.reminders import run_all_due  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.conftest import T0, shared_database  # noqa: E402
from tests.fakes import FakeClock  # noqa: E402
from tests.reminder_load import load_due_reminders  # noqa: E402
from tests.test_reminder_race import services  # noqa: E402


async def one(backend: str, total: int, dispatchers: int, tmp: Path) -> None:
    school = load_school(DEFAULT_SCHOOL_CONFIG)
    async with shared_database(backend, tmp) as new_engine:
        engine = new_engine()
        await upgrade(engine)
        clock = FakeClock(T0)
        instances = [services(engine, school, clock)]
        instances += [services(new_engine(), school, clock) for _ in range(dispatchers - 1)]
        started = time.perf_counter()
        await load_due_reminders(instances[0], total)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        results = await asyncio.gather(*(run_all_due(s, limit=200) for s in instances))
        elapsed = time.perf_counter() - started
        sent = sum(r[0] for r in results)
        shares = "/".join(str(r[0]) for r in results)
        status = "each once" if sent == total else f"MISMATCH: {sent} sent of {total}"
        print(f"{backend:10} {dispatchers} dispatcher(s): {total} reminders in {elapsed:.2f} s "
              f"= {total / elapsed:,.0f}/s (split {shares}; {status}; load {loaded:.1f} s)")


async def main() -> None:
    logging.getLogger("bot").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("--reminders", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("TEST_DATABASE_URL",
                          "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for backend in ("sqlite", "postgresql"):
            for dispatchers in (1, 2):
                try:
                    await one(backend, args.reminders, dispatchers, tmp)
                except OSError as error:
                    print(f"{backend}: not reachable ({type(error).__name__}); skipped")
                    break


if __name__ == "__main__":
    asyncio.run(main())
