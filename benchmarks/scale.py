"""A whole municipality in one deployment: 180 schools of 80 staff and 20 000 cases a school year.

Prints, for SQLite and (when reachable) PostgreSQL:
  * seeding: 20 000 cases spread over the school year 2026/27 and the 180 schools, through the
    domain and the repositories (sealed, audited), and how long that took;
  * start-up: `python -m bot` on the 180-school directory and the seeded database, from process
    start to `GET /healthz` answering 200, and its resident memory then and after idling;
  * the owner's figures: `python -m bot stats --shared --json` over every school (wall time and
    peak memory of the process), when the command exists;
  * report turns: 50 reporters at 50 different schools going through «meld fra» → «Se over» →
    «Send til rektor» at once (p50/p95/max per turn, alerts arrived, lost replies);
  * the owner's «Mine saker» across the 180 schools (one turn's time).

Run: .venv/bin/python benchmarks/scale.py [--schools 180] [--staff 80] [--cases 20000]
     [--sqlite-only]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from benchmarks.report_flow import (  # noqa: E402
    PG_URL,
    admin,
    options,
    percentile,
    post,
    serve,
)
from benchmarks.startup import free_port, rss_mib, wait_until_healthy  # noqa: E402
from bot.bootstrap import build_runtime  # noqa: E402
from bot.cards.actions import DRAFT, VERB, Verb  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.domain.case import Case, CaseEvent  # noqa: E402
from bot.domain.followup import (  # noqa: E402
    FormErrors,
    parse_conclusion,
    parse_investigation,
)
from bot.domain.report import CATEGORIES, Report, parse_report  # noqa: E402
from bot.domain.routing import route  # noqa: E402
from bot.hosting.web import RUNTIME  # noqa: E402
from bot.services.context import Services  # noqa: E402
from bot.services.stats import Period, compute  # noqa: E402
from storage.crypto import new_key  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.connector import FakeConnector  # noqa: E402
from tests.samples import form_values  # noqa: E402
from tests.teams import activity, conversation_id, installation  # noqa: E402

OSLO = ZoneInfo("Europe/Oslo")
YEAR_START, YEAR_END = date(2025, 8, 18), date(2026, 6, 19)
"""The last whole school year: every case of it lies in the past, as the owner's figures see it."""
OWNER_PERSON = "owner-0"
LEADERS = 6


def person_id(school: int, n: int) -> str:
    return f"s{school:03d}-p{n:02d}"


def write_deployment(directory: Path, schools: int, staff: int) -> None:
    """owner.toml and one TOML per school: rektor, six team leaders, the rest teachers."""
    directory.mkdir(parents=True)
    (directory / "owner.toml").write_text(
        '[school_owner]\nname = "Utdanningsetaten"\nphone = "23 05 10 09"\n\n'
        f'[[staff]]\naad_object_id = "{OWNER_PERSON}"\nname = "Rådgiver i UDA"\n'
        'roles = ["skoleeier"]\n',
        encoding="utf-8",
    )
    for s in range(schools):
        lines = [
            f'[school]\nname = "Skole {s:03d}"\n',
            '[school_hours]\nholidays = ["2025-12-22..2026-01-02", "2026-12-21..2027-01-01"]\n',
            f'[[staff]]\naad_object_id = "{person_id(s, 0)}"\nname = "Rektor {s}"\n'
            'roles = ["rektor"]\n',
        ]
        for n in range(1, LEADERS + 1):
            lines.append(
                f'[[staff]]\naad_object_id = "{person_id(s, n)}"\nname = "Leder {s}-{n}"\n'
                f'roles = ["leder"]\nteam = "team-{n}"\n'
            )
        for n in range(LEADERS + 1, staff):
            lines.append(
                f'[[staff]]\naad_object_id = "{person_id(s, n)}"\nname = "Lærer {s}-{n}"\n'
                f'team = "team-{1 + n % LEADERS}"\n'
            )
        (directory / f"skole{s:03d}.toml").write_text("\n".join(lines), encoding="utf-8")


def school_days() -> list[date]:
    days, day = [], YEAR_START
    while day <= YEAR_END:
        if day.weekday() < 5 and not (date(2025, 12, 22) <= day <= date(2026, 1, 2)):
            days.append(day)
        day += timedelta(days=1)
    return days


async def seed_school(svc: Services, index: int, count: int, staff: int, rng: random.Random,
                      days: list[date]) -> None:
    """`count` cases at one school: ordinary, § 12-5, leadership and serious ones; most
    acknowledged, many taken and under investigation (what a year leaves behind)."""
    moments = sorted(
        datetime.combine(rng.choice(days), datetime.min.time(), OSLO)
        + timedelta(hours=8, minutes=rng.randrange(0, 7 * 60))
        for _ in range(count)
    )
    owner_people = svc.school.owner.people
    async with svc.uow() as uow:
        for n, at in enumerate(moments):
            reporter = svc.directory.person(person_id(index, rng.randrange(LEADERS + 1, staff)))
            assert reporter is not None
            kind = rng.random()
            the_report = parse_report(form_values(
                pupil_name=f"Elev {index}-{n}",
                category=rng.choice(list(CATEGORIES)),
                occurred_on=at.date().isoformat(),
                staff_suspected="true" if kind < 0.05 else "false",
                leadership_suspected="true" if kind < 0.01 else "false",
                serious="true" if 0.05 <= kind < 0.08 else "false",
            ), at.date())
            assert isinstance(the_report, Report), the_report
            routing = route(the_report, reporter, svc.directory, owner_people)
            case, events = Case.open(
                case_id=uuid.uuid4().hex, number=await uow.cases.next_number(at.year),
                submission_id=uuid.uuid4().hex, reporter_id=reporter.aad_object_id,
                report=the_report, routing=routing, now=at,
            )
            head = case.recipients[0].person_id if case.recipients else None
            if head is not None:  # a year on, every report has long been acknowledged
                events += case.acknowledge(head, at + timedelta(minutes=rng.randrange(5, 600)))
                later = at + timedelta(hours=rng.randrange(1, 96))
                events += case.take(head, later)
                events += case.start_investigation(head, later + timedelta(minutes=30))
                if rng.random() < 0.85:  # most were investigated and closed without measures
                    done = later + timedelta(days=rng.randrange(2, 10))
                    events += _closed(case, head, done)
            await uow.cases.add(case)
            await uow.events.append(events)
        await uow.commit()


def _closed(case: Case, head: str, at: datetime) -> list[CaseEvent]:
    """An investigation that found a safe and good environment, and the case closed on it."""
    day = at.astimezone(OSLO).date()
    investigation = parse_investigation(
        {"methods": "samtale_elev", "samtale_elev_date": day.isoformat(),
         "best_interest": "Eleven er trygg.", "findings": "Ingen krenkelser.",
         "completed": "true"}, today=day, now=at, by=head)
    assert not isinstance(investigation, FormErrors), investigation
    conclusion = parse_conclusion(
        {"conclusion": "Eleven har et trygt og godt skolemiljø.",
         "pupil_view": "Eleven sier at det går fint."}, today=day, now=at, by=head)
    assert not isinstance(conclusion, FormErrors), conclusion
    events = case.record_investigation(investigation, head, at)
    return events + case.close_without_measures(conclusion, head, at)


async def stats_in_process(database_url: str, config: Path) -> str:
    """The owner's figures computed in the server's process: what the «Statistikk» card costs."""
    settings = Settings.from_env(base_env(database_url, config))
    runtime = build_runtime(settings)
    period = Period(YEAR_START, YEAR_END)
    try:
        started = time.perf_counter()
        result = await compute(runtime.every_school, period, shared=True)
        took = time.perf_counter() - started
    finally:
        await runtime.engine.dispose()
    return (f"owner's figures in process ({len(result['schools'])} schools, shared): "
            f"{took:.2f} s")


async def seed(database_url: str, config: Path, cases: int, staff: int) -> float:
    settings = Settings.from_env(base_env(database_url, config))
    runtime = build_runtime(settings)
    await upgrade(runtime.engine)
    rng = random.Random(12)
    days = school_days()
    every = runtime.every_school
    started = time.perf_counter()
    per, extra = divmod(cases, len(every))
    for index, svc in enumerate(every):
        await seed_school(svc, index, per + (1 if index < extra else 0), staff, rng, days)
    took = time.perf_counter() - started
    await runtime.engine.dispose()
    return took


KEY = base64.b64encode(new_key()).decode("ascii")
"""One data key for the seeding, the server and the stats command."""


def base_env(database_url: str, config: Path) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "SCHOOL_CONFIG": str(config),
            "DATA_ENCRYPTION_KEY": KEY}


def env_for(database_url: str, config: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    env.update(base_env(database_url, config), **extra)
    return env


def start_up(database_url: str, config: Path, idle: float) -> tuple[float, float, float]:
    port = free_port()
    started = time.perf_counter()
    # The log goes to a file: a pipe nobody reads fills up and stalls the bot on its next line.
    log_file = config.parent / "bot.log"
    with log_file.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT,
                                   env=env_for(database_url, config, PORT=str(port)),
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            wait_until_healthy(port, process)
        except RuntimeError:
            raise RuntimeError(f"the bot exited: {log_file.read_text()[-2000:]!r}") from None
        ready = time.perf_counter() - started
        at_ready = rss_mib(process.pid)
        time.sleep(idle)
        return ready, at_ready, rss_mib(process.pid)
    finally:
        stopping = time.perf_counter()
        process.terminate()
        try:
            process.wait(timeout=30)
            print(f"stopped {time.perf_counter() - stopping:.1f} s after SIGTERM", flush=True)
        except subprocess.TimeoutExpired:
            print("did not stop within 30 s of SIGTERM: killed", flush=True)
            process.kill()
            process.wait()


def owner_stats(database_url: str, config: Path) -> str:
    command = [sys.executable, "-m", "bot", "stats", "--shared", "--json",
               "--from", YEAR_START.isoformat(), "--to", YEAR_END.isoformat()]
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(command, cwd=ROOT, env=env_for(database_url, config),
                          capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        return f"owner's stats: not available (exit {done.returncode}: {done.stderr[-300:]!r})"
    figures = json.loads(done.stdout)
    total = figures.get("total", {}).get("reports", {}).get("total")
    return (f"owner's stats (--shared --json, {len(figures.get('schools', []))} schools, "
            f"{total} reports in total): {took:.2f} s, peak RSS "
            f"{max(peak, before) / 1024:.0f} MiB")


async def report_turns(database_url: str, config: Path, schools: int, reporters: int
                       ) -> list[str]:
    settings = Settings.from_env(base_env(database_url, config))
    connector = FakeConnector()
    await connector.start()
    server = await serve(settings)
    runtime = server.app[RUNTIME]
    url = str(server.make_url("/api/messages"))
    spread = [round(i * schools / reporters) % schools for i in range(reporters)]
    teachers = [person_id(s, LEADERS + 1) for s in spread]
    leaders = [person_id(s, 0) for s in spread] + [person_id(s, 1 + (LEADERS + 1) % LEADERS)
                                                   for s in spread]
    lines: list[str] = []
    async with aiohttp.ClientSession() as session:
        for person in dict.fromkeys([*teachers, *leaders, OWNER_PERSON]):
            await post(session, url, installation(person, service_url=connector.url))
        marker = len(connector.requests)
        times: list[float] = []

        async def timed(body: dict[str, Any]) -> None:
            started = time.perf_counter()
            await post(session, url, body)
            times.append(time.perf_counter() - started)

        async def one(teacher: str) -> None:
            draft = uuid.uuid4().hex
            await timed(activity(teacher, service_url=connector.url, text="meld fra"))
            await timed(activity(teacher, service_url=connector.url, value={
                VERB: Verb.REPORT_SUBMIT, DRAFT: draft,
                **form_values(pupil_name=f"Elev {teacher}")}))
            await timed(activity(teacher, service_url=connector.url, value={
                VERB: Verb.REPORT_CONFIRM, DRAFT: draft}))

        started = time.perf_counter()
        await asyncio.gather(*(one(t) for t in teachers))
        wall = time.perf_counter() - started
        deadline = time.monotonic() + 120

        def alerts() -> int:
            return sum(1 for r in connector.requests[marker:] if r.status == 200
                       and r.method == "POST" and "Bekymring for en elev" in r.card_json)

        while time.monotonic() < deadline and alerts() < 2 * reporters:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        replies = [sum(1 for r in connector.requests[marker:] if r.status == 200 and r.card
                       and r.conversation_id == conversation_id(t)) for t in teachers]
        lines.append(
            f"{reporters} reporters at {len(set(spread))} schools at once: 3 turns each in "
            f"{wall:.2f} s; turn p50 {percentile(times, 50) * 1000:.0f} ms, p95 "
            f"{percentile(times, 95) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms; "
            f"alerts {alerts()}/{2 * reporters}; lost replies "
            f"{sum(max(0, 3 - c) for c in replies)}")
        started = time.perf_counter()
        await post(session, url, activity(OWNER_PERSON, service_url=connector.url,
                                          text="mine saker"))
        lines.append(f"the owner's «Mine saker» across {schools} schools: "
                     f"{(time.perf_counter() - started) * 1000:.0f} ms")
    del runtime
    await server.close()
    await connector.stop()
    return lines


async def one_database(label: str, database_url: str, config: Path, args: argparse.Namespace
                       ) -> None:
    print(f"\n== {label} ==", flush=True)
    took = await seed(database_url, config, args.cases, args.staff)
    print(f"seeded {args.cases} cases at {args.schools} schools in {took:.1f} s "
          f"({took / args.cases * 1000:.2f} ms a case)", flush=True)
    ready, at_ready, idle = start_up(database_url, config, args.idle)
    print(f"start-up to /healthz 200: {ready:.2f} s; RSS {at_ready:.0f} MiB at ready, "
          f"{idle:.0f} MiB after {args.idle:.0f} s idle", flush=True)
    print(owner_stats(database_url, config), flush=True)
    print(await stats_in_process(database_url, config), flush=True)
    for line in await report_turns(database_url, config, args.schools, args.reporters):
        print(line, flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=180)
    parser.add_argument("--staff", type=int, default=80)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--idle", type=float, default=5.0)
    args = options(parser)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        config = tmp / "skoler"
        write_deployment(config, args.schools, args.staff)
        await one_database("SQLite", f"sqlite+aiosqlite:///{tmp / 'scale.db'}", config, args)
        if args.sqlite_only:
            return
        database = f"scale_{uuid.uuid4().hex[:8]}"
        try:
            await admin(f'CREATE DATABASE "{database}"')
        except Exception as error:  # any failure to reach PostgreSQL skips that half
            print(f"\nPostgreSQL not reachable ({type(error).__name__}); skipped")
            return
        try:
            await one_database("PostgreSQL", f"{PG_URL.rsplit('/', 1)[0]}/{database}", config,
                               args)
        finally:
            await admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    asyncio.run(main())
