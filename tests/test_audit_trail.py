"""The trail over the whole bot: refused attempts, log reads and exports are in it; the server and
`python -m bot audit verify` find a break; rektor is told."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from bot.cards.actions import CASE, DRAFT, VERB, Verb
from bot.config import REPO_ROOT
from bot.domain.case import EventKind
from bot.hosting.web import daily
from tests.conftest import LEADER_9, REKTOR, T0, TEACHER_8, TEACHER_9
from tests.fakes import FakeClock
from tests.keys import TEST_KEY
from tests.samples import form_values
from tests.teams import Harness, installation, running_bot


async def _report(bot: Harness) -> str:
    for person in (TEACHER_9, REKTOR, LEADER_9, TEACHER_8):
        await bot.post(installation(person, service_url=bot.connector.url))
    draft = "d" * 32
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft, **form_values()})
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})
    async with bot.runtime.services.uow() as uow:
        [case] = await uow.cases.routed_to(REKTOR)
    return case.id


async def test_refused_attempts_log_reads_and_writes_are_in_the_trail(tmp_path: Path) -> None:
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        case_id = await _report(bot)
        await bot.say(TEACHER_8, value={VERB: Verb.CASE_OPEN, CASE: case_id})
        await bot.press(TEACHER_8, Verb.ACKNOWLEDGE, {CASE: case_id})
        await bot.say(TEACHER_8, value={VERB: Verb.CASE_OPEN, CASE: "0" * 32})
        note = {VERB: Verb.LOG_SAVE, "pupil_name": "Per Hansen", "pupil_class": "9B",
                "note": "Satt alene."}
        await bot.say(TEACHER_9, value=note)
        await bot.say(LEADER_9, value={VERB: Verb.LOG_VIEW, "pupil": "per hansen|9b"})
        await bot.say(TEACHER_9, value={VERB: Verb.LOG_VIEW, "pupil": "per hansen|9b"})
        async with bot.runtime.engine.connect() as connection:
            rows = (await connection.execute(text(
                "SELECT case_id, kind, actor_id, detail FROM audit_events ORDER BY seq"))).all()
    refused = [(r[0], r[2], json.loads(r[3]) if isinstance(r[3], str) else r[3])
               for r in rows if r[1] == EventKind.ACCESS_REFUSED]
    assert (case_id, TEACHER_8, {"action": Verb.CASE_OPEN}) in refused
    assert (case_id, TEACHER_8, {"action": Verb.ACKNOWLEDGE}) in refused
    assert ("0" * 32, TEACHER_8, {"action": Verb.CASE_OPEN}) in refused
    assert (None, TEACHER_9, {"action": "log.view"}) in refused
    kinds = [(r[1], r[2]) for r in rows]
    assert (EventKind.LOG_WRITTEN, TEACHER_9) in kinds
    assert (EventKind.LOG_READ, LEADER_9) in kinds
    assert "Per Hansen" not in str(rows) and "per hansen" not in str(rows)


async def test_the_server_tells_rektor_once_when_the_chain_breaks(tmp_path: Path) -> None:
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        await _report(bot)
        await daily(bot.runtime)
        await bot.deliver()
        assert not any("Revisjonssporet" in r.text for r in bot.to(REKTOR))
        async with bot.runtime.engine.begin() as connection:
            await connection.execute(text("DROP TRIGGER audit_events_no_update"))
            await connection.execute(text(
                "UPDATE audit_events SET actor_id = 'someone' WHERE seq = 2"))
        await daily(bot.runtime)
        await daily(bot.runtime)
        await bot.deliver()
        told = [r.text for r in bot.to(REKTOR) if "Revisjonssporet" in r.text]
        assert len(told) == 1 and "hendelse 2" in told[0]


def _cli(database: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("Microsoft",
                                                                             "DATA_"))}
    environment.update(DATABASE_URL=f"sqlite+aiosqlite:///{database}", **env)
    if "DATA_KEY_FILE" not in env:
        environment["DATA_ENCRYPTION_KEY"] = TEST_KEY
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO_ROOT,
                          env=environment, capture_output=True, text=True, timeout=120,
                          check=False)


async def test_audit_verify_on_the_command_line(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    async with running_bot(tmp_path, clock=FakeClock(T0),
                           database_url=f"sqlite+aiosqlite:///{database}") as bot:
        await _report(bot)
    ok = _cli(database, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "uendret" in ok.stdout
    import sqlite3

    with sqlite3.connect(database) as connection:
        connection.execute("DROP TRIGGER audit_events_no_delete")
        connection.execute("DELETE FROM audit_events WHERE seq = 3")
    broken = _cli(database, "audit", "verify", "--school", "ellingsrud")
    assert broken.returncode == 1
    assert "BRUDD i ellingsrud: hendelse 3" in broken.stderr


async def test_rotate_key_on_the_command_line(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    key_file = tmp_path / "keys"
    key_file.write_text(TEST_KEY + "\n", encoding="ascii")
    async with running_bot(tmp_path, clock=FakeClock(T0),
                           database_url=f"sqlite+aiosqlite:///{database}") as bot:
        case_id = await _report(bot)
    rotated = _cli(database, "rotate-key", "--new", DATA_KEY_FILE=str(key_file))
    assert rotated.returncode == 0, rotated.stderr
    lines = key_file.read_text(encoding="ascii").split()
    assert len(lines) == 2 and lines[1] == TEST_KEY
    assert "kan fjernes" in rotated.stdout
    key_file.write_text(lines[0] + "\n", encoding="ascii")  # the old key removed
    exported = _cli(database, "export", case_id, "--out", str(tmp_path / "sak.pdf"),
                    DATA_KEY_FILE=str(key_file))
    assert exported.returncode == 0, exported.stderr
    key_file.write_text(TEST_KEY + "\n", encoding="ascii")  # only the old key: refused
    refused = _cli(database, "audit", "verify", DATA_KEY_FILE=str(key_file))
    assert refused.returncode == 2 and "ikke satt opp" in refused.stderr
