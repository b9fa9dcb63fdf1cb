"""Report flow benchmark: what a report costs per turn, and how fast alerts reach both leaders.

Prints, for SQLite and (when reachable) PostgreSQL:
  * the mean and p50 time of a report-confirm turn and of a plain echo turn, measured in the
    same run over the same stack (aiohttp, CloudAdapter, a local Bot Connector), and their ratio;
  * report → both alerts latency (p50/p99) with 50 reporters confirming at once, the outbox
    sender running as in production (paced to Teams' per-chat limits).

Run: .venv/bin/python benchmarks/report_flow.py [--turns 200] [--reporters 50]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402
from botbuilder.core import ActivityHandler, TurnContext  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bot.app import create_app  # noqa: E402
from bot.bootstrap import build_adapter, build_runtime  # noqa: E402
from bot.cards.actions import DRAFT, VERB, Verb  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.teams.endpoint import handle_messages  # noqa: E402
from tests.connector import FakeConnector  # noqa: E402
from tests.samples import form_values  # noqa: E402
from tests.teams import activity, conversation_id, installation  # noqa: E402

PG_URL = os.environ.get("TEST_DATABASE_URL",
                        "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
LEADERS = 5


def school_config(path: Path, reporters: int) -> list[str]:
    """A school with rektor, five team leaders and `reporters` teachers spread over the teams."""
    lines = [
        '[school]\nname = "Benchmark skole"\ntimezone = "Europe/Oslo"\n',
        '[school_owner]\nname = "UDA"\nphone = "23 05 10 09"\n',
        '[[staff]]\naad_object_id = "rektor-0"\nname = "Rektor"\nroles = ["rektor"]\n',
    ]
    for n in range(LEADERS):
        lines.append(f'[[staff]]\naad_object_id = "leader-{n}"\nname = "Leder {n}"\n'
                     f'roles = ["leder"]\nteam = "team-{n}"\n')
    teachers = [f"teacher-{n}" for n in range(reporters)]
    for n, teacher in enumerate(teachers):
        lines.append(f'[[staff]]\naad_object_id = "{teacher}"\nname = "Lærer {n}"\n'
                     f'roles = ["ansatt"]\nteam = "team-{n % LEADERS}"\n')
    path.write_text("\n".join(lines), encoding="utf-8")
    return teachers


class EchoBot(ActivityHandler):  # type: ignore[misc]
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(f"Du skrev: {turn_context.activity.text}")


async def echo_server(settings: Settings) -> TestServer:
    adapter = build_adapter(settings)
    bot = EchoBot()

    async def messages(request: web.Request) -> web.Response:
        return await handle_messages(request, adapter, bot)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def post(session: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> None:
    async with session.post(url, json=body) as response:
        await response.read()
        assert response.status in (200, 201), response.status


async def run(database_url: str, label: str, turns: int, reporters: int, tmp: Path) -> None:
    config = tmp / f"school-{uuid.uuid4().hex[:6]}.toml"
    teachers = school_config(config, reporters)
    settings = Settings.from_env({"DATABASE_URL": database_url, "SCHOOL_CONFIG": str(config)})
    connector = FakeConnector()
    await connector.start()
    app = create_app(settings, build_runtime, background=True)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    echo = await echo_server(settings)
    bot_url = str(server.make_url("/api/messages"))
    echo_url = str(echo.make_url("/api/messages"))
    async with aiohttp.ClientSession() as session:
        people = ["rektor-0", *(f"leader-{n}" for n in range(LEADERS)), *teachers]
        for person in people:
            await post(session, bot_url, installation(person, service_url=connector.url))

        # 1. Latency first, while rektor's chat has had no alerts for 30 s (Teams' window):
        #    every reporter confirms at once; time until both alerts have arrived.
        drafts = {t: uuid.uuid4().hex for t in teachers}
        await asyncio.gather(*(post(session, bot_url, activity(
            t, service_url=connector.url,
            value={VERB: Verb.REPORT_SUBMIT, DRAFT: drafts[t], **form_values(
                pupil_name=f"Elev {t}")})) for t in teachers))
        marker = len(connector.requests)
        sent_at: dict[str, float] = {}

        async def confirm(t: str) -> None:
            sent_at[t] = time.monotonic()
            await post(session, bot_url, activity(t, service_url=connector.url,
                                                  value={VERB: Verb.REPORT_CONFIRM,
                                                         DRAFT: drafts[t]}))

        wall = time.perf_counter()
        await asyncio.gather(*(confirm(t) for t in teachers))
        turn_wall = time.perf_counter() - wall

        def arrivals(conversation: str) -> dict[str, float]:
            found: dict[str, float] = {}
            for request in connector.requests[marker:]:
                if request.conversation_id != conversation or request.status != 200:
                    continue
                body = request.card_json
                for t in teachers:
                    if f'"Elev {t}"' in body and t not in found:
                        found[t] = request.at
            return found

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            rektor = arrivals(conversation_id("rektor-0"))
            leaders: dict[str, float] = {}
            for n in range(LEADERS):
                leaders.update(arrivals(conversation_id(f"leader-{n}")))
            if len(rektor) == len(teachers) and len(leaders) == len(teachers):
                break
            await asyncio.sleep(0.05)
        both = [max(rektor[t], leaders[t]) - sent_at[t] for t in teachers
                if t in rektor and t in leaders]
        leader_only = [leaders[t] - sent_at[t] for t in teachers if t in leaders]


        # 2. Turn cost: a confirm turn (saves the case, queues the alerts, sends the receipt)
        #    against an echo turn, interleaved so both see the same machine.
        report_times: list[float] = []
        echo_times: list[float] = []
        teacher = teachers[0]
        for n in range(turns):
            draft = uuid.uuid4().hex
            await post(session, bot_url, activity(teacher, service_url=connector.url, value={
                VERB: Verb.REPORT_SUBMIT, DRAFT: draft, **form_values()}))
            started = time.perf_counter()
            await post(session, bot_url, activity(teacher, service_url=connector.url,
                                                  value={VERB: Verb.REPORT_CONFIRM,
                                                         DRAFT: draft}))
            report_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            await post(session, echo_url, activity(teacher, service_url=connector.url,
                                                   text=f"hei {n}"))
            echo_times.append(time.perf_counter() - started)

    await echo.close()
    await server.close()
    await connector.stop()

    mean_r, mean_e = statistics.mean(report_times), statistics.mean(echo_times)
    print(f"\n== {label} ==")
    print(f"report-confirm turn: mean {mean_r * 1000:.1f} ms, p50 "
          f"{percentile(report_times, 50) * 1000:.1f} ms  ({turns} turns)")
    print(f"echo turn:           mean {mean_e * 1000:.1f} ms, p50 "
          f"{percentile(echo_times, 50) * 1000:.1f} ms")
    print(f"ratio report/echo:   {mean_r / mean_e:.2f}x (mean), "
          f"{percentile(report_times, 50) / percentile(echo_times, 50):.2f}x (p50)")
    print(f"{reporters} concurrent reporters: confirm turns done in {turn_wall:.2f} s; "
          f"both alerts delivered for {len(both)}/{reporters}")
    if both:
        print(f"report -> both alerts: p50 {percentile(both, 50):.2f} s, "
              f"p99 {percentile(both, 99):.2f} s, max {max(both):.2f} s")
        print(f"report -> leader alert: p50 {percentile(leader_only, 50):.2f} s, "
              f"p99 {percentile(leader_only, 99):.2f} s "
              f"(rektor's one chat gets all {reporters}: Teams allows 8 per 2 s, "
              f"60 per 30 s per chat)")


async def admin(statement: str) -> None:
    engine = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def main() -> None:
    logging.getLogger("bot").setLevel(logging.ERROR)  # teardown retries are noise here
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--reporters", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        await run(f"sqlite+aiosqlite:///{tmp / 'bench.db'}", "SQLite", args.turns,
                  args.reporters, tmp)
        database = f"bench_{uuid.uuid4().hex[:8]}"
        try:
            await admin(f'CREATE DATABASE "{database}"')
        except Exception as error:  # any failure to reach PostgreSQL skips that half
            print(f"\nPostgreSQL not reachable ({type(error).__name__}); skipped")
            return
        try:
            await run(PG_URL.rsplit("/", 1)[0] + f"/{database}", "PostgreSQL", args.turns,
                      args.reporters, tmp)
        finally:
            await admin(f'DROP DATABASE "{database}" WITH (FORCE)')


if __name__ == "__main__":
    asyncio.run(main())
