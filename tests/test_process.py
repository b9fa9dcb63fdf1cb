"""The bot as a newcomer runs it: `python -m bot` in its own process, over real HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import aiohttp

from bot.cards.actions import DRAFT, VERB, Verb
from bot.config import REPO_ROOT
from tests.conftest import LEADER_9, OSLO, REKTOR, TEACHER_9
from tests.connector import FakeConnector
from tests.keys import TEST_KEY
from tests.samples import form_values
from tests.teams import activity, conversation_id, installation


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def bot_process(tmp_path: Path, database: Path, **env: str
                      ) -> AsyncIterator[tuple[str, subprocess.Popen[bytes], float]]:
    port = _free_port()
    log = open(tmp_path / f"bot-{port}.log", "wb")  # noqa: SIM115
    environment = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    environment.update(PORT=str(port), DATABASE_URL=f"sqlite+aiosqlite:///{database}",
                       DATA_ENCRYPTION_KEY=TEST_KEY,
                       PYTHONUNBUFFERED="1", **env)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=REPO_ROOT, env=environment,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                try:
                    async with session.get(f"{url}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                assert process.poll() is None, (tmp_path / f"bot-{port}.log").read_text()
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the bot did not become healthy")
        yield url, process, time.perf_counter() - started
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


async def _until_recorded(database: Path, recipient: str, count: int) -> None:
    """Reads the bot's own database, as an operator would, until `count` alerts are sent."""
    for _ in range(400):
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            (sent,) = connection.execute(
                "SELECT count(*) FROM outbox WHERE recipient_id = ? AND kind = 'alert' "
                "AND status = 'sent'", (recipient,)).fetchone()
        if sent >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{recipient}'s alerts were not recorded as sent")


async def _post(url: str, body: dict[str, object]) -> int:
    async with aiohttp.ClientSession() as session, \
            session.post(f"{url}/api/messages", json=body) as response:
        await response.read()
        return response.status


async def test_python_m_bot_serves_healthz_and_answers_a_teams_message(tmp_path: Path) -> None:
    connector = FakeConnector()
    await connector.start()
    try:
        async with bot_process(tmp_path, tmp_path / "bot.db") as (url, _, startup):
            async with aiohttp.ClientSession() as session, \
                    session.get(f"{url}/healthz") as response:
                health = await response.json()
            assert health["database"] == "ok" and health["mode"] == "local"
            status = await _post(url, activity(TEACHER_9, service_url=connector.url,
                                               text="hva kan du?"))
            assert status in (200, 201)
            await connector.wait_for(lambda c: bool(c.delivered(conversation_id(TEACHER_9))))
            [reply] = connector.delivered(conversation_id(TEACHER_9))
            assert reply.card is not None and "Meld fra" in reply.card_json
            assert startup < 30
    finally:
        await connector.stop()


async def test_a_restart_mid_delivery_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    connector = FakeConnector()
    await connector.start()
    database = tmp_path / "bot.db"
    try:
        async with bot_process(tmp_path, database, OUTBOX_LEASE_SECONDS="1") as (url, bot, _):
            for person in (TEACHER_9, REKTOR, LEADER_9):
                await _post(url, installation(person, service_url=connector.url))
            connector.hold = lambda conversation: conversation == conversation_id(REKTOR)
            for n in range(3):
                draft = f"{n:032x}"
                values = {VERB: Verb.REPORT_SUBMIT, DRAFT: draft, **form_values()}
                await _post(url, activity(TEACHER_9, service_url=connector.url, value=values))
                await _post(url, activity(TEACHER_9, service_url=connector.url,
                                          value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft}))
            await asyncio.wait_for(connector.held.wait(), 10)
            # The leader's chat is done and recorded; rektor's first alert is on its way and
            # the two after it wait behind it (one send at a time per chat).
            await _until_recorded(database, LEADER_9, 3)
            bot.send_signal(signal.SIGKILL)  # dies with an alert in flight
            bot.wait(10)
        connector.release.set()

        async with bot_process(tmp_path, database, OUTBOX_LEASE_SECONDS="1"):
            def complete(c: FakeConnector) -> bool:
                return all(
                    len([r for r in c.delivered(conversation_id(p))
                         if "Bekymring for en elev" in r.card_json]) >= 3
                    for p in (REKTOR, LEADER_9))
            await connector.wait_for(complete, timeout=30)
            await asyncio.sleep(2)  # anything sent twice would arrive by now

        for person in (REKTOR, LEADER_9):
            alerts = [r.card_json for r in connector.delivered(conversation_id(person))
                      if "Bekymring for en elev" in r.card_json]
            cases = sorted(a.split('"Sak ')[1][:9] for a in alerts)
            year = datetime.now(OSLO).year
            assert cases == [f"{year}-0001", f"{year}-0002", f"{year}-0003"], person
    finally:
        await connector.stop()
