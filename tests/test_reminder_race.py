"""Two dispatchers (two bot instances) on one database: each due reminder is sent once."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import build_services
from bot.domain.reminders import ReminderStatus
from bot.domain.school import School
from bot.services.context import Services
from bot.services.reminders import run_all_due
from storage.migrate import upgrade
from tests.conftest import shared_database
from tests.fakes import FakeClock
from tests.keys import TEST_KEYRING
from tests.reminder_load import load_due_reminders

NEEDS_POSTGRES = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                    reason="needs TEST_DATABASE_URL (PostgreSQL)")


def services(engine: AsyncEngine, school: School, clock: FakeClock) -> Services:
    return build_services(engine, TEST_KEYRING, school, clock)


@pytest.mark.parametrize(("backend", "total"), [
    pytest.param("postgresql", 10_000, marks=NEEDS_POSTGRES),
    ("sqlite", 1_000),
])
async def test_two_dispatchers_send_each_reminder_once(
    backend: str, total: int, tmp_path: Path, school: School, clock: FakeClock,
) -> None:
    async with shared_database(backend, tmp_path) as new_engine:
        first_engine = new_engine()
        await upgrade(first_engine)
        first = services(first_engine, school, clock)
        second = services(new_engine(), school, clock)
        case_ids = await load_due_reminders(first, total)

        (sent_a, void_a), (sent_b, void_b) = await asyncio.gather(
            run_all_due(first, limit=200), run_all_due(second, limit=200))

        assert (sent_a + sent_b, void_a + void_b) == (total, 0)
        if backend == "postgresql":
            # SKIP LOCKED lets both work at once; SQLite serializes writers.
            assert sent_a > 0 and sent_b > 0
        reminders, messages = [], []
        async with first.uow() as uow:
            for case_id in case_ids:
                reminders += [r for r in await uow.reminders.for_case(case_id)
                              if r.key.startswith("load:")]
                messages += [m for m in await uow.outbox.for_case(case_id)
                             if m.key.startswith("reminder:load:")]
        assert len(reminders) == total
        assert {r.status for r in reminders} == {ReminderStatus.SENT}
        assert len(messages) == total == len({m.key for m in messages})
