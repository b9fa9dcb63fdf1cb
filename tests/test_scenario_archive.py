"""A case handed to the archive and then forgotten: from report to closed, through a local
Mottak that checks what Websak's checks, to the purge that leaves a tombstone."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.cards.actions import CASE, DRAFT, VERB, VERSION, Verb
from bot.config import REPO_ROOT
from bot.domain.case import EventKind
from bot.hosting.web import daily
from tests.archive.fake_mottak import FakeMottak
from tests.conftest import LEADER_9, OSLO, REKTOR, T0, TEACHER_9
from tests.fakes import FakeClock
from tests.keys import TEST_KEY
from tests.samples import form_values
from tests.schools import TEST_SCHOOL_CONFIG
from tests.teams import Harness, installation, running_bot

MARKERS = {"pupil_name": "Markørnavn Ølstad", "description": "markørmelding-5512",
           "place": "markørsted-1209"}
PLAN = {
    "problem": "markørproblem-7781 i friminuttene.",
    "m1_level": "individ", "m1_description": "markørtiltak-3303", "m1_when": "2026-12-14",
    "m1_responsible": TEACHER_9, "m1_ends_on": "2027-01-29", "evaluate_on": "2026-12-17",
    "pupil_view": "markørstemme-4419",
}


@pytest.fixture
async def mottak() -> AsyncIterator[FakeMottak]:
    async with FakeMottak() as fake:
        yield fake


async def _closed_case(bot: Harness, clock: FakeClock, draft: str = "a" * 32) -> str:
    for person in (TEACHER_9, REKTOR, LEADER_9):
        await bot.post(installation(person, service_url=bot.connector.url))
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft,
                                    **form_values(**MARKERS)})
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})
    async with bot.runtime.services.uow() as uow:
        case = await uow.cases.by_submission(draft)
    assert case is not None
    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=OSLO))
    await bot.say(LEADER_9, value={VERB: Verb.INVESTIGATION_SAVE, CASE: case.id,
                                   "samtale_elev_done": "true", "samtale_elev_date": "2026-11-30",
                                   "samtale_elev_note": "markørsamtale-8820",
                                   "findings": "markørfunn-6617", "best_interest": "Trygghet.",
                                   "completed": "true"})
    await bot.say(LEADER_9, value={VERB: Verb.PLAN_SAVE, CASE: case.id, VERSION: "1", **PLAN})
    clock.set(datetime(2026, 12, 17, 12, 0, tzinfo=OSLO))
    await bot.say(LEADER_9, value={VERB: Verb.EVALUATION_SAVE, CASE: case.id, VERSION: "1",
                                   "outcome": "avslutte", "note": "markørevaluering-2210"})
    async with bot.runtime.services.uow() as uow:
        closed = await uow.cases.get(case.id)
    assert closed is not None and closed.closed_at is not None, bot.to(LEADER_9)[-1].body
    return case.id


async def _archive_events(bot: Harness, case_id: str) -> list[EventKind]:
    async with bot.runtime.services.uow() as uow:
        return [e.kind for e in await uow.events.for_case(case_id)
                if e.kind.value.startswith("archive")]


async def test_a_closed_case_reaches_the_archive_once(tmp_path: Path, mottak: FakeMottak) -> None:
    clock = FakeClock(T0)
    env = {"ARCHIVE_URL": mottak.url}
    database = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    async with running_bot(tmp_path, clock=clock, env=env, database_url=database) as bot:
        case_id = await _closed_case(bot, clock)
        assert bot.runtime.archive is not None
        mottak.answer(500)  # the archive is down once: retried
        assert await bot.runtime.archive.run() == 0
        clock.set(clock.now() + timedelta(minutes=2))
        assert await bot.runtime.archive.run() == 5  # melding, undersøkelse, plan, eval., slutt
        # One journalpost each (every submission passed the fake's XSD and hash checks).
        assert len(mottak.received) == 5
        assert all(s.xml.find(".//{*}registrering") is not None for s in mottak.received)
        assert mottak.received[0].xml.find("{*}mappe") is not None  # the folder first
        assert all(s.xml.find("{*}mappe") is None for s in mottak.received[1:])
        assert await bot.runtime.archive.run() == 0  # nothing twice
        await bot.say(REKTOR, value={VERB: Verb.CASE_OPEN, CASE: case_id})
        assert "Arkivert (mottatt av Websak) 17.12.2026 kl. 12:02" in bot.to(REKTOR)[-1].card_json
        assert (await _archive_events(bot, case_id)).count(EventKind.ARCHIVED) == 5
        await bot.say(REKTOR, value={VERB: Verb.ARCHIVE_NOW, CASE: case_id})
        assert "allerede fått alt" in bot.to(REKTOR)[-1].text
    posted = mottak.posts
    async with running_bot(tmp_path, clock=clock, env=env, database_url=database) as again:
        assert again.runtime.archive is not None
        assert await again.runtime.archive.run() == 0  # a restart sends nothing again
    assert mottak.posts == posted


async def test_a_rejection_reaches_rektor_as_a_card_and_waits_for_rektor(
    tmp_path: Path, mottak: FakeMottak
) -> None:
    clock = FakeClock(T0)
    async with running_bot(tmp_path, clock=clock, env={"ARCHIVE_URL": mottak.url}) as bot:
        case_id = await _closed_case(bot, clock)
        assert bot.runtime.archive is not None
        mottak.answer(400, {"message": "Ugyldig klassifikasjon B31"})
        assert await bot.runtime.archive.run() == 0
        await bot.deliver()
        # Other cards of the case (its alert) may arrive after it: find the rejection itself.
        rejected = [r for r in bot.to(REKTOR) if "Arkivet avviste sak" in r.card_json]
        assert len(rejected) == 1
        assert "Ugyldig klassifikasjon" in rejected[0].card_json
        clock.set(clock.now() + timedelta(days=2))
        assert await bot.runtime.archive.run() == 0  # no retry until someone acts
        assert EventKind.ARCHIVE_REJECTED in await _archive_events(bot, case_id)
        await bot.say(REKTOR, value={VERB: Verb.ARCHIVE_RETRY, CASE: case_id})
        assert await bot.runtime.archive.run() == 5


async def test_an_unknown_tenant_is_said_plainly_on_healthz(tmp_path: Path,
                                                          mottak: FakeMottak) -> None:
    clock = FakeClock(T0)
    env = {"ARCHIVE_URL": mottak.url_for("ukjent-tenant")}
    async with running_bot(tmp_path, clock=clock, env=env) as bot:
        await _closed_case(bot, clock)
        assert bot.runtime.archive is not None
        await bot.runtime.archive.run()
        async with bot.session.get(bot.server.make_url("/healthz")) as response:
            health = await response.json()
        assert health["archive"].startswith("error:") and "tenant" in health["archive"]


async def test_without_an_archive_url_the_zips_land_in_archive_dir_and_rektor_confirms(
    tmp_path: Path,
) -> None:
    clock = FakeClock(T0)
    folder = tmp_path / "arkiv"
    async with running_bot(tmp_path, clock=clock, env={"ARCHIVE_DIR": str(folder)}) as bot:
        case_id = await _closed_case(bot, clock)
        assert bot.runtime.archive is not None
        assert await bot.runtime.archive.run() == 5
        zips = sorted(folder.glob("2026-0001-*.zip"))
        assert len(zips) == 5 and len(list(folder.glob("2026-0001-*.json"))) == 5
        await bot.deliver()
        # Other cards of the case (its alert) may arrive after it: find the written one itself.
        assert len([r for r in bot.to(REKTOR) if "Importert i Websak" in r.card_json]) == 1
        await bot.say(REKTOR, value={VERB: Verb.ARCHIVE_IMPORTED, CASE: case_id})
        assert "registrert som importert" in bot.to(REKTOR)[-1].text
        assert EventKind.ARCHIVE_IMPORTED in await _archive_events(bot, case_id)


async def test_after_days_after_archive_only_a_tombstone_is_left(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    folder = tmp_path / "arkiv"
    database = tmp_path / "bot.db"
    env = {"ARCHIVE_DIR": str(folder)}
    async with running_bot(tmp_path, clock=clock, env=env,
                           database_url=f"sqlite+aiosqlite:///{database}") as bot:
        case_id = await _closed_case(bot, clock)
        await bot.say(TEACHER_9, value={VERB: Verb.LOG_SAVE, "pupil_name": "Per Hansen",
                                        "pupil_class": "9B", "note": "markørlogg-9001"})
        assert bot.runtime.archive is not None
        await bot.runtime.archive.run()
        await bot.say(REKTOR, value={VERB: Verb.ARCHIVE_IMPORTED, CASE: case_id})
        async with bot.runtime.engine.connect() as connection:
            sealed = (await connection.execute(
                text("SELECT sealed FROM cases WHERE id = :c"), {"c": case_id})).scalar_one()
        clock.set(clock.now() + timedelta(days=29))
        await daily(bot.runtime)
        async with bot.runtime.services.uow() as uow:
            assert await uow.cases.get(case_id) is not None  # not yet: 30 days
        clock.set(clock.now() + timedelta(days=200))
        dry = _cli(database, folder, "purge", "--dry-run", "--now",
                   clock.now().isoformat())
        assert dry.returncode == 0, dry.stderr
        assert dry.stdout.splitlines()[1].startswith("- sak 2026-0001")
        await daily(bot.runtime)
        async with bot.runtime.services.uow() as uow:
            assert await uow.cases.get(case_id) is None
            kinds = [e.kind for e in await uow.events.for_case(case_id)]
        assert EventKind.PURGED in kinds and EventKind.REPORTED in kinds  # the trail stays
        async with bot.runtime.engine.connect() as connection:
            tomb = (await connection.execute(text(
                "SELECT category, purged_at, sealed, investigation_started_at, closed_at "
                "FROM cases WHERE id = :c"), {"c": case_id})).one()
        assert tomb[0] == "utenforskap" and tomb[1] is not None and tomb[2] is None
        assert tomb[3] is not None and tomb[4] is not None
        assert list(folder.glob("2026-0001-*")) == []
    raw = b"".join(p.read_bytes() for p in (database, Path(f"{database}-wal")) if p.exists())
    token = sealed.split(".")[2].encode()
    assert token[:40] not in raw  # the ciphertext itself is gone from the file, not only clear
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM observations").fetchone() == (0,)
    for marker in [*MARKERS.values(), "markørlogg-9001"]:
        assert marker.encode() not in raw


def _cli(database: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
           "DATA_ENCRYPTION_KEY": TEST_KEY, "ARCHIVE_DIR": str(folder),
           "SCHOOL_CONFIG": str(TEST_SCHOOL_CONFIG)}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_archive_pending_and_a_pack_on_the_command_line(tmp_path: Path) -> None:
    """The CLI on a fresh database: nothing waits; an unknown case is refused."""
    result = _cli(tmp_path / "x.db", tmp_path / "arkiv", "archive", "--pending")
    assert result.returncode == 0 and "Ingenting venter" in result.stdout
    unknown = _cli(tmp_path / "x.db", tmp_path / "arkiv", "archive", "2026-0099")
    assert unknown.returncode == 1 and "Finner ikke" in unknown.stderr


async def test_rektor_is_told_when_a_day_has_passed_without_the_archive(
    tmp_path: Path, mottak: FakeMottak
) -> None:
    clock = FakeClock(T0)
    async with running_bot(tmp_path, clock=clock, env={"ARCHIVE_URL": mottak.url}) as bot:
        await _closed_case(bot, clock)
        assert bot.runtime.archive is not None
        mottak.answer(503, times=40)
        started = clock.now()
        while clock.now() - started < timedelta(days=1, hours=2):
            await bot.runtime.archive.run()
            clock.set(clock.now() + timedelta(hours=1))
        await bot.deliver()
        told = [r.text for r in bot.to(REKTOR) if "over et døgn" in r.text]
        assert len(told) == 1 and "2026-0001" in told[0]
        assert mottak.received == []
