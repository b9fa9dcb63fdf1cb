"""Report flow benchmark: what a report costs per turn, and a burst against Teams' own limits.

Prints, for SQLite and (when reachable) PostgreSQL:
  * 50 reporters (by default) going through «meld fra» → «Se over» → «Send til rektor» at
    once, against a local Bot Connector that enforces Teams' limits with 429 + Retry-After
    (per chat: 7/1 s, 8/2 s, 60/30 s, 1800/h; per app and tenant: 50/s): cards each reporter
    got (every one of 3 expected), alerts that arrived (each exactly once), how many 429s the
    bot drew, and when the last alert arrived against the time Teams' limits allow for the same
    sends (the earliest schedule the windows permit, computed from what was sent);
  * the p50 time of a report-confirm turn against an echo turn (the same host, a conversation
    that only echoes), interleaved in the same run, and their ratio;
  * the cost of encryption at rest: the same confirm turns on two bots, one sealing with
    AES-GCM (the product) and one whose keyring only base64-encodes (the same code paths
    without the cipher), interleaved in one run, with the ratio; and the seal/open time of one
    report's sealed document.

Run: .venv/bin/python benchmarks/report_flow.py [--turns 200] [--reporters 50] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bot.bootstrap import build_host, build_runtime  # noqa: E402
from bot.cards.actions import DRAFT, VERB, Verb  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.dialogs.turn import Replies, Turn  # noqa: E402
from bot.hosting.host import Host, HostParts  # noqa: E402
from bot.hosting.web import RUNTIME, create_app  # noqa: E402
from bot.services.replies import ReplySender  # noqa: E402
from storage.crypto import PREFIX, Keyring, Tampered, new_key  # noqa: E402
from tests.connector import FakeConnector, TeamsLimits  # noqa: E402
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


class Echo:
    """A conversation that only echoes: the same host and sender, none of the bot's work."""

    async def handle(self, turn: Turn) -> Replies:
        out = Replies()
        out.text(f"Du skrev: {turn.text}")
        return out


async def echo_server(settings: Settings, sender: ReplySender, real: Host) -> TestServer:
    """The bot's own host type, built the same way, with the echo as its conversation."""
    host = build_host(HostParts(settings, Echo(), sender, None, latest=lambda: None,
                                clock_now=lambda: datetime.now(UTC)))
    assert type(host) is type(real)

    async def messages(request: web.Request) -> web.Response:
        return await host.messages(request)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def allowed_schedule(conversations: list[str]) -> float:
    """Seconds Teams' windows need at least for these sends, in this order, from t = 0."""
    chats: dict[str, list[float]] = {}
    tenant: list[float] = []
    last = 0.0
    for conversation in conversations:
        chat = chats.setdefault(conversation, [])
        at = 0.0
        while True:
            wait = max(TeamsLimits._wait(chat, TeamsLimits.CONVERSATION, at),
                       TeamsLimits._wait(tenant, TeamsLimits.TENANT, at))
            if wait <= 0:
                break
            at += wait
        chat.append(at)
        tenant.append(at)
        tenant.sort()
        chat.sort()
        last = max(last, at)
    return last


ALERT = "Bekymring for en elev"


def alerts_sent(connector: FakeConnector) -> int:
    return sum(1 for r in connector.requests if r.status == 200 and ALERT in r.card_json)


async def quiet_after(connector: FakeConnector, before: int, expected: int) -> None:
    """Waits (10 s at most) for the alerts a confirm turn queued: each turn is timed on a
    loop that is not still sending the previous one's alerts (the burst measures those)."""
    deadline = time.monotonic() + 10
    while alerts_sent(connector) < before + expected and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.005)


async def serve(settings: Settings, build: Any = build_runtime) -> TestServer:
    """The bot's own app on a local port, sending its outbox in the background as it does."""
    server = TestServer(create_app(settings, build, background=True), host="127.0.0.1")
    await server.start_server()
    return server


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
    server = await serve(settings)
    runtime = server.app[RUNTIME]
    echo = await echo_server(settings, ReplySender(runtime.services, runtime.worker.limiter),
                             runtime.host)
    bot_url = str(server.make_url("/api/messages"))
    echo_url = str(echo.make_url("/api/messages"))
    async with aiohttp.ClientSession() as session:
        people = ["rektor-0", *(f"leader-{n}" for n in range(LEADERS)), *teachers]
        for person in people:
            await post(session, bot_url, installation(person, service_url=connector.url))
        await asyncio.sleep(31)  # the welcome cards leave Teams' 30 s window
        connector.limits = TeamsLimits()
        marker = len(connector.requests)

        # 1. The burst: every reporter at once, each turn as fast as the teacher presses.
        drafts = {t: uuid.uuid4().hex for t in teachers}
        first_report: list[float] = []

        async def report(t: str) -> None:
            await post(session, bot_url, activity(t, service_url=connector.url,
                                                  text="meld fra"))
            await post(session, bot_url, activity(t, service_url=connector.url, value={
                VERB: Verb.REPORT_SUBMIT, DRAFT: drafts[t], **form_values(
                    pupil_name=f"Elev {t}")}))
            first_report.append(time.monotonic())
            await post(session, bot_url, activity(t, service_url=connector.url,
                                                  value={VERB: Verb.REPORT_CONFIRM,
                                                         DRAFT: drafts[t]}))

        burst_started = time.monotonic()
        await asyncio.gather(*(report(t) for t in teachers))
        turns_done = time.monotonic() - burst_started

        def alerts() -> Counter[tuple[str, str]]:
            found: Counter[tuple[str, str]] = Counter()
            for request in connector.requests[marker:]:
                if request.status != 200 or request.method != "POST":
                    continue
                body = request.card_json
                if ALERT not in body:
                    continue
                for t in teachers:
                    if f'"Elev {t}"' in body:
                        found[(request.conversation_id, t)] += 1
            return found

        expected_alerts = 2 * reporters
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and len(alerts()) < expected_alerts:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        await asyncio.sleep(3)  # a duplicate would arrive by now
        got = alerts()
        sent = [r for r in connector.requests[marker:] if r.status == 200]
        last_alert = max((r.at for r in sent if ALERT in r.card_json),
                         default=float("nan"))
        start = min(first_report)
        allowed = allowed_schedule(
            [r.conversation_id for r in sorted(sent, key=lambda r: r.at) if r.at >= start])
        cards_per_teacher = [
            sum(1 for r in sent if r.conversation_id == conversation_id(t) and r.card)
            for t in teachers]
        limits = connector.limits
        connector.limits = None
        await asyncio.sleep(31)

        # 2. Turn cost: a confirm turn (saves the case, queues the alerts, sends the receipt)
        #    against an echo turn, interleaved so both see the same machine.
        #    Teachers take turns: one chat gets at most 60 messages in 30 s, and a teacher
        #    reports a few times a term, not a hundred times a minute.
        report_times: list[float] = []
        echo_times: list[float] = []
        for n in range(turns):
            teacher = teachers[n % len(teachers)]
            report_times.append(await confirm_turns(session, bot_url, connector, teachers, n))
            started = time.perf_counter()
            await post(session, echo_url, activity(teacher, service_url=connector.url,
                                                   text=f"hei {n}"))
            echo_times.append(time.perf_counter() - started)

    await echo.close()
    await server.close()
    await connector.stop()

    print(f"\n== {label} ==")
    print(f"{reporters} reporters at once against Teams' limits (429 on excess): "
          f"turns done in {turns_done:.2f} s")
    print(f"cards per reporter (form, review, receipt): min {min(cards_per_teacher)}, "
          f"max {max(cards_per_teacher)} (expected 3); lost replies: "
          f"{sum(max(0, 3 - c) for c in cards_per_teacher)}")
    print(f"alerts: {len(got)}/{expected_alerts} arrived, duplicates "
          f"{sum(c - 1 for c in got.values())}")
    print(f"429s drawn: {limits.throttled} ({limits.throttled_tenant} tenant-wide)")
    print(f"last alert {last_alert - start:.2f} s after the first report; Teams' limits allow "
          f"{allowed:.2f} s for the same sends; ratio "
          # A burst small enough for no window to bite is allowed all at once.
          f"{(last_alert - start) / allowed if allowed else float('nan'):.2f}")
    mean_r, mean_e = statistics.mean(report_times), statistics.mean(echo_times)
    print(f"report-confirm turn: mean {mean_r * 1000:.1f} ms, p50 "
          f"{percentile(report_times, 50) * 1000:.1f} ms  ({turns} turns)")
    print(f"echo turn:           mean {mean_e * 1000:.1f} ms, p50 "
          f"{percentile(echo_times, 50) * 1000:.1f} ms")
    print(f"ratio report/echo:   {percentile(report_times, 50) / percentile(echo_times, 50):.2f}x"
          f" (p50), {mean_r / mean_e:.2f}x (mean)")


class PassThrough(Keyring):
    """The keyring's interface and encoding without the cipher: what sealing costs on top."""

    def seal(self, plaintext: bytes, where: str) -> str:
        token = base64.urlsafe_b64encode(plaintext).decode("ascii").rstrip("=")
        return f"{PREFIX}{self.current}.{token}"

    def open(self, value: str, where: str) -> bytes:
        if not value.startswith(PREFIX):
            raise Tampered(where)
        token = value[len(PREFIX) :].partition(".")[2]
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


async def confirm_turns(
    session: aiohttp.ClientSession, url: str, connector: FakeConnector, teachers: list[str],
    n: int,
) -> float:
    teacher = teachers[n % len(teachers)]
    draft = uuid.uuid4().hex
    await post(session, url, activity(teacher, service_url=connector.url, value={
        VERB: Verb.REPORT_SUBMIT, DRAFT: draft, **form_values()}))
    before = alerts_sent(connector)
    started = time.perf_counter()
    await post(session, url, activity(teacher, service_url=connector.url,
                                      value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft}))
    took = time.perf_counter() - started
    await quiet_after(connector, before, 2)
    return took


async def encryption_cost(urls: tuple[str, str], label: str, turns: int, tmp: Path) -> None:
    """Confirm turns with AES-GCM against the same turns without the cipher, interleaved."""
    config = tmp / f"school-{uuid.uuid4().hex[:6]}.toml"
    teachers = school_config(config, 10)
    key = new_key()
    keyrings = {"AES-GCM": Keyring.of(key), "no cipher": PassThrough.of(key)}
    connector = FakeConnector()
    await connector.start()
    servers: dict[str, TestServer] = {}
    for (name, keyring), url in zip(keyrings.items(), urls, strict=True):
        settings = Settings.from_env({"DATABASE_URL": url, "SCHOOL_CONFIG": str(config)})
        servers[name] = await serve(settings, lambda s, k=keyring: build_runtime(s, keyring=k))
    times: dict[str, list[float]] = {name: [] for name in keyrings}
    async with aiohttp.ClientSession() as session:
        for server in servers.values():
            for person in ["rektor-0", *(f"leader-{n}" for n in range(LEADERS)), *teachers]:
                await post(session, str(server.make_url("/api/messages")),
                           installation(person, service_url=connector.url))
        await asyncio.sleep(31)  # out of Teams' 30 s window
        for n in range(turns):
            for name, server in servers.items():
                times[name].append(await confirm_turns(
                    session, str(server.make_url("/api/messages")), connector, teachers, n))
    for server in servers.values():
        await server.close()
    await connector.stop()

    keyring = keyrings["AES-GCM"]
    document = {"report": form_values(), "investigation_history": [], "plans": []}
    started = time.perf_counter()
    for _ in range(1000):
        keyring.open_json(keyring.seal_json(document, "cases.sealed:x"), "cases.sealed:x")
    per_document = (time.perf_counter() - started) / 1000
    sealed, plain = (percentile(times[name], 50) for name in keyrings)
    print(f"\n== encryption at rest, {label} ({turns} confirm turns each, interleaved) ==")
    for name in keyrings:
        print(f"confirm turn, {name:9}: p50 {percentile(times[name], 50) * 1000:.1f} ms, "
              f"mean {statistics.mean(times[name]) * 1000:.1f} ms")
    print(f"ratio AES-GCM / no cipher: {sealed / plain:.3f}x (p50), "
          f"{(sealed - plain) * 1000:+.2f} ms a turn; seal+open of one case document: "
          f"{per_document * 1e6:.0f} µs")


async def admin(statement: str) -> None:
    engine = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def options(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """The options each database benchmark takes beside its own; the bot logs errors only
    (teardown retries are noise here)."""
    parser.add_argument("--reporters", type=int, default=50)
    parser.add_argument("--sqlite-only", action="store_true")
    logging.getLogger("bot").setLevel(logging.ERROR)
    return parser.parse_args()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=200)
    args = options(parser)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        await run(f"sqlite+aiosqlite:///{tmp / 'bench.db'}", "SQLite", args.turns,
                  args.reporters, tmp)
        await encryption_cost(
            (f"sqlite+aiosqlite:///{tmp / 'sealed.db'}", f"sqlite+aiosqlite:///{tmp / 'plain.db'}"),
            "SQLite", args.turns, tmp)
        if args.sqlite_only:
            return
        databases = [f"bench_{uuid.uuid4().hex[:8]}" for _ in range(3)]
        try:
            for database in databases:
                await admin(f'CREATE DATABASE "{database}"')
        except Exception as error:  # any failure to reach PostgreSQL skips that half
            print(f"\nPostgreSQL not reachable ({type(error).__name__}); skipped")
            return
        base = PG_URL.rsplit("/", 1)[0]
        try:
            await run(f"{base}/{databases[0]}", "PostgreSQL", args.turns, args.reporters, tmp)
            await encryption_cost((f"{base}/{databases[1]}", f"{base}/{databases[2]}"),
                                  "PostgreSQL", args.turns, tmp)
        finally:
            for database in databases:
                await admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    asyncio.run(main())
