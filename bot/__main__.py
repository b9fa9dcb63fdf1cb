"""`python -m bot`: run the bot, migrate the database, build the Teams app package, ask the plan.

python -m bot                      start the bot (HOST, PORT, DATABASE_URL, SCHOOL_CONFIG)
python -m bot db upgrade           run the database migrations and exit
python -m bot manifest --app-id ID --out app.zip
python -m bot ask "spørsmål"       answer a question from the school's plan
python -m bot export 2026-0001 --out sak.pdf [--redacted]
python -m bot reminders run-due [--now ...]
python -m bot archive 2026-0001 [--out pakke.zip] | --pending   hand a case to the archive
python -m bot purge [--dry-run] [--now ...]   delete what the retention rules say is due
python -m bot rotate-key [--new]   seal every value again with the current data key
python -m bot audit verify [--school ID]   check the audit trail's hash chain
python -m bot stats [--school ID] [--from DATE] [--to DATE] [--shared] [--json | --csv]
                    [--pdf FILE]   the figures (totals only; docs/statistikk.md)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from bot.config import ConfigError, Settings
from bot.logs import configure

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.domain.case import Case
    from bot.services.context import Services
    from storage.crypto import Keyring


def _run(settings: Settings) -> int:
    from bot.bootstrap import build_runtime
    from bot.hosting.web import create_app

    started = time.perf_counter()
    app = create_app(settings, build_runtime)

    async def announce(_app: web.Application) -> None:
        logging.getLogger("bot").info(
            "Trygg skole listening on http://%s:%d (ready in %.2fs)",
            settings.host,
            settings.port,
            time.perf_counter() - started,
        )

    app.on_startup.append(announce)
    web.run_app(app, host=settings.host, port=settings.port, print=None)
    return 0


@dataclass(frozen=True)
class Opened:
    engine: AsyncEngine
    keyring: Keyring
    every: tuple[Services, ...]
    """The chosen schools' use cases, in the deployment's order."""

    @property
    def services(self) -> Services:
        """The first (or only) chosen school's: a command about one school uses it."""
        return self.every[0]


class _FixedClock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now


def _parse_now(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"--now må være et tidspunkt som 2026-12-17T08:00+01:00, ikke «{text}»."
        ) from None
    if moment.tzinfo is None:
        raise ConfigError("--now må ha tidssone, f.eks. 2026-12-17T08:00+01:00.")
    return moment


async def _reminders(settings: Settings, args: list[str]) -> int:
    from bot.bootstrap import build_runtime
    from bot.hosting.web import legacy_school
    from bot.services.reminders import run_all_due
    from storage.migrate import upgrade

    parser = argparse.ArgumentParser(prog="python -m bot reminders run-due")
    parser.add_argument("--now", help="ISO 8601 time with zone (default: now)")
    options = parser.parse_args(args)
    now = _parse_now(options.now)
    runtime = build_runtime(settings, clock=_FixedClock(now) if now else None)
    try:
        await upgrade(runtime.engine, school_id=legacy_school(runtime), keyring=runtime.keyring)
        async with runtime.services.uow() as uow:
            latest = await uow.conversations.latest()
        if latest is not None:
            runtime.latest.remember(latest)
        sent = void = delivered = 0
        for svc, worker in zip(runtime.every_school, runtime.every_worker, strict=True):
            done, dropped = await run_all_due(svc)
            sent, void = sent + done, void + dropped
            delivered += await worker.run_until_idle()
        print(
            f"Påminnelser: {sent} sendt, {void} ikke lenger aktuelle; "
            f"{delivered} meldinger levert eller forsøkt."
        )
    finally:
        await runtime.engine.dispose()
    return 0


@asynccontextmanager
async def _database(
    settings: Settings,
    clock: _FixedClock | None = None,
    *,
    school: str | None = None,
    one: bool = False,
) -> AsyncIterator[Opened]:
    """The schools' use cases on a migrated database with its key checked, for one command:
    `school` alone (`--school`), else every school; `one`: the command needs a single school
    (a case number is a school's own), so with several `--school` must say which."""
    from bot.bootstrap import SystemClock, build_keyring, build_services
    from bot.config import load_deployment
    from bot.hosting.web import legacy_school_of
    from storage.engine import create_engine, session_factory
    from storage.maintenance import check_keys
    from storage.migrate import upgrade

    deployment = load_deployment(settings.school_config)
    chosen = deployment.schools
    if school is not None:
        found = deployment.school(school)
        if found is None:
            known = ", ".join(s.id for s in deployment.schools)
            raise ConfigError(f"Ukjent skole «{school}» (kjente: {known}).")
        chosen = (found,)
    elif one and len(chosen) > 1:
        known = ", ".join(s.id for s in deployment.schools)
        raise ConfigError(f"Velg skole med --school ({known}).")
    keyring = build_keyring(settings)
    engine = create_engine(settings.database_url)
    try:
        await upgrade(
            engine,
            school_id=legacy_school_of(deployment.schools, settings),
            keyring=keyring,
        )
        await check_keys(engine, keyring)
        sessions = session_factory(engine)
        services = tuple(
            build_services(
                engine,
                keyring,
                each,
                clock or SystemClock(each.calendar.zone),
                sessions=sessions,
            )
            for each in chosen
        )
        yield Opened(engine, keyring, services)
    finally:
        await engine.dispose()


async def _find_case(svc: Services, text: str) -> Case | None:
    """A case by its number (2026-0001) or its id."""
    year, _, number = text.partition("-")
    async with svc.uow() as uow:
        if year.isdigit() and number.isdigit():
            return await uow.cases.by_reference(int(year), int(number))
        return await uow.cases.get(text)


async def _export(settings: Settings, args: list[str]) -> int:
    from bot.domain.case import CaseEvent, EventKind
    from bot.services.export import render_case_pdf

    parser = argparse.ArgumentParser(prog="python -m bot export")
    parser.add_argument("case", help="case number (2026-0001) or case id")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument(
        "--redacted", action="store_true", help="leave out other pupils' names (for innsyn)"
    )
    parser.add_argument("--school", help="the school's id (needed when there are several)")
    options = parser.parse_args(args)
    async with _database(settings, school=options.school, one=True) as opened:
        svc = opened.services
        case = await _find_case(svc, options.case)
        if case is None:
            print(f"Finner ikke sak {options.case}.", file=sys.stderr)
            return 1
        async with svc.uow() as uow:
            await uow.events.append(
                [
                    CaseEvent(
                        case.id,
                        EventKind.EXPORTED,
                        "cli",
                        svc.clock.now(),
                        {"redacted": str(options.redacted).lower()},
                    )
                ]
            )
            events = list(await uow.events.for_case(case.id))
            await uow.commit()
        pdf = render_case_pdf(svc, case, events, redacted=options.redacted, by="kommandolinjen")
        options.out.write_bytes(pdf)
        print(f"Sak {case.reference} skrevet til {options.out} ({len(pdf)} byte).")
    return 0


async def _db_upgrade(settings: Settings, *, quiet: bool = False) -> int:
    from storage.migrate import current_revision

    async with _database(settings) as opened:
        revision = await current_revision(opened.engine)
    if not quiet:
        print(f"Databasen er oppdatert (revisjon {revision}).")
    return 0


async def _archive(settings: Settings, args: list[str]) -> int:
    from bot.bootstrap import build_archive_transport
    from bot.domain.case import CaseEvent, EventKind
    from bot.services.archiving import ArchiveHealth, ArchiveSender, queue_documents, state_of

    parser = argparse.ArgumentParser(prog="python -m bot archive")
    parser.add_argument("case", nargs="?", help="case number (2026-0001) or case id")
    parser.add_argument("--out", type=Path, help="write the documentation pack here instead")
    parser.add_argument("--pending", action="store_true", help="list what waits for the archive")
    parser.add_argument("--school", help="the school's id (needed when there are several)")
    options = parser.parse_args(args)
    if not options.pending and not options.case:
        parser.error("give a case number, or --pending")
    async with _database(settings, school=options.school, one=True) as opened:
        svc = opened.services
        if options.pending:
            async with svc.uow() as uow:
                waiting = await uow.archive.pending_cases()
                lines = []
                for case_id in waiting:
                    case = await uow.cases.get(case_id)
                    entries = await uow.archive.for_case(case_id)
                    counts: dict[str, int] = {}
                    for entry in entries:
                        counts[entry.status.value] = counts.get(entry.status.value, 0) + 1
                    reference = case.reference if case else case_id
                    lines.append(
                        f"{reference}: "
                        + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
                    )
            print("\n".join(lines) if lines else "Ingenting venter på arkivet.")
            return 0
        case = await _find_case(svc, options.case)
        if case is None:
            print(f"Finner ikke sak {options.case}.", file=sys.stderr)
            return 1
        if options.out is not None:
            from bot.services.export import render_pack

            async with svc.uow() as uow:
                await uow.events.append(
                    [
                        CaseEvent(
                            case.id, EventKind.EXPORTED, "cli", svc.clock.now(), {"kind": "pack"}
                        )
                    ]
                )
                events = list(await uow.events.for_case(case.id))
                await uow.commit()
            pack = await asyncio.to_thread(render_pack, svc, case, events)
            options.out.write_bytes(pack)
            print(
                f"Dokumentasjonspakken for sak {case.reference} er skrevet til {options.out} "
                f"({len(pack)} byte)."
            )
            return 0
        async with svc.uow() as uow:
            queued = await queue_documents(uow, svc, case, svc.clock.now())
            await uow.commit()
        sender = ArchiveSender(svc, build_archive_transport(settings), ArchiveHealth())
        delivered = await sender.run()
        async with svc.uow() as uow:
            state = state_of(await uow.archive.for_case(case.id))
        print(
            f"Sak {case.reference}: {queued} nye dokumenter i kø; {delivered} levert nå; "
            f"{state.received} av {state.queued} mottatt av arkivet"
            + (f", {state.written} skrevet til {settings.archive_dir}" if state.written else "")
            + (f", {state.rejected} avvist" if state.rejected else "")
            + "."
        )
        return 1 if state.rejected else 0


async def _purge(settings: Settings, args: list[str]) -> int:
    from bot.archive.local import delete_case_files
    from bot.services.retention import purge
    from storage.maintenance import compact

    parser = argparse.ArgumentParser(prog="python -m bot purge")
    parser.add_argument("--dry-run", action="store_true", help="list what would go; change nothing")
    parser.add_argument("--now", help="ISO 8601 time with zone (default: now)")
    parser.add_argument("--school", help="one school (default: every school)")
    options = parser.parse_args(args)
    now = _parse_now(options.now)
    clock = _FixedClock(now) if now else None
    async with _database(settings, clock, school=options.school) as opened:
        done = []
        for svc in opened.every:
            done += await purge(
                svc,
                dry_run=options.dry_run,
                delete_files=lambda ref: delete_case_files(settings.archive_dir, ref),
            )
        if not options.dry_run:
            await compact(opened.engine)
    heading = "Ville slettet:" if options.dry_run else "Slettet:"
    print(heading if done else "Ingenting å slette.")
    for item in done:
        print(f"- {item.line()}")
    return 0


async def _rotate_key(settings: Settings, args: list[str]) -> int:
    import base64

    from storage.crypto import key_id, new_key
    from storage.maintenance import rotate

    parser = argparse.ArgumentParser(prog="python -m bot rotate-key")
    parser.add_argument(
        "--new",
        action="store_true",
        help="make a new key first and put it at the top of DATA_KEY_FILE (the old stay below)",
    )
    options = parser.parse_args(args)
    if options.new:
        path = settings.data_key_file
        if path is None or settings.data_key:
            print(
                "--new skriver til DATA_KEY_FILE; med DATA_ENCRYPTION_KEY setter du den nye "
                "nøkkelen der selv og den gamle i DATA_OLD_KEYS.",
                file=sys.stderr,
            )
            return 2
        fresh = new_key()
        path.write_text(
            base64.b64encode(fresh).decode("ascii") + "\n" + path.read_text(encoding="ascii"),
            encoding="ascii",
        )
        print(f"Ny nøkkel {key_id(fresh)} lagt øverst i {path}.")
    async with _database(settings) as opened:
        keyring: Keyring = opened.keyring
        rotated = await rotate(opened.engine, keyring)
    print(f"{rotated.resealed} verdier er kryptert på nytt med nøkkel {keyring.current}.")
    for kid in rotated.old_keys:
        print(f"Nøkkel {kid} brukes ikke lenger og kan fjernes fra konfigurasjonen.")
    return 0


async def _audit(settings: Settings, args: list[str]) -> int:
    from storage.maintenance import verify_audit

    parser = argparse.ArgumentParser(prog="python -m bot audit verify")
    parser.add_argument("--school", help="one school's chain (default: every school)")
    options = parser.parse_args(args)
    async with _database(settings) as opened:
        breaks = await verify_audit(opened.engine, options.school)
    if not breaks:
        print("Revisjonssporet er uendret: hver hendelse følger den før den.")
        return 0
    for found in breaks:
        event = f"hendelse {found.seq}" + (f" (rad {found.event_id})" if found.event_id else "")
        print(f"BRUDD i {found.school_id}: {event}: {found.problem}", file=sys.stderr)
    return 1


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"Datoen må skrives som 2026-08-15, ikke «{text}».") from None


async def _stats(settings: Settings, args: list[str]) -> int:
    from bot.export.yearly import yearly_pdf
    from bot.services.stats import Period, as_csv, as_text, read_facts, report, school_year

    parser = argparse.ArgumentParser(
        prog="python -m bot stats",
        description="Tall for aktivitetsplikten per skole og totalt: bare totaltall, aldri navn "
        "eller fritekst. Perioden gjelder datoen saken ble meldt; uten --from/--to er den "
        "skoleåret 1. august–31. juli rundt dagens dato.",
    )
    parser.add_argument("--school", help="one school's id (default: every school)")
    parser.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        help="first report date, e.g. 2026-08-15 (default: 1 August of this school year)",
    )
    parser.add_argument(
        "--to",
        dest="end",
        metavar="DATE",
        help="last report date, e.g. 2027-06-20 (default: 31 July of this school year)",
    )
    parser.add_argument(
        "--shared", action="store_true", help="counts under 5 as «<5» (to share beyond rektor)"
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="JSON instead of a table")
    output.add_argument("--csv", action="store_true", help="CSV: a row per school and the total")
    parser.add_argument(
        "--pdf",
        type=Path,
        metavar="FILE",
        help="write the yearly report here (suppressed for several schools)",
    )
    parser.add_argument("--now", help="ISO 8601 time with zone (default: now)")
    options = parser.parse_args(args)
    now = _parse_now(options.now)
    start, end = (_date(d) if d else None for d in (options.start, options.end))
    if start and end and end < start:
        raise ConfigError("--to kan ikke være før --from.")
    async with _database(settings, _FixedClock(now) if now else None, school=options.school) as o:
        year = school_year(o.services.today())
        period = Period(start or year.start, end or year.end)
        if period.end < period.start:
            raise ConfigError("--to kan ikke være før --from.")
        facts = [await read_facts(svc, period) for svc in o.every]
        generated_at = o.services.clock.now()
    result = report(facts, period, shared=options.shared)
    if options.pdf is not None:
        # The yearly report is for the plan's annual evaluation, read beyond rektor (the
        # school's bodies, the owner): it is always the shared view, counts under 5 as «<5».
        pdf = yearly_pdf(
            report(facts, period, shared=True),
            shared=True,
            generated_at=generated_at,
            zone=facts[0].school.calendar.zone,
        )
        options.pdf.write_bytes(pdf)
        print(f"Årsrapporten er skrevet til {options.pdf} ({len(pdf)} byte).", file=sys.stderr)
    if options.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif options.csv:
        print(as_csv(result), end="")
    elif options.pdf is None:
        print(as_text(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    configure()
    command = args[0] if args else "run"
    if command in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if command == "manifest":
        from bot.manifest import main as manifest_main

        return manifest_main(args[1:])
    if command == "ask":
        from bot.knowledge.cli import main as ask_main

        return ask_main(args[1:], sys.stdin, sys.stdout)
    from storage.crypto import KeyringError
    from storage.maintenance import KeysMissing

    try:
        settings = Settings.from_env()
        if command == "run":
            from bot.config import check_listening, load_deployment

            check_listening(settings)  # local mode answers only this machine
            load_deployment(settings.school_config)  # fail fast: the file and key that is wrong
            asyncio.run(_db_upgrade(settings, quiet=True))  # and with data no key opens
            return _run(settings)
        if command == "db" and args[1:] == ["upgrade"]:
            return asyncio.run(_db_upgrade(settings))
        if command == "reminders" and args[1:2] == ["run-due"]:
            return asyncio.run(_reminders(settings, args[2:]))
        if command == "export":
            return asyncio.run(_export(settings, args[1:]))
        if command == "archive":
            return asyncio.run(_archive(settings, args[1:]))
        if command == "purge":
            return asyncio.run(_purge(settings, args[1:]))
        if command == "rotate-key":
            return asyncio.run(_rotate_key(settings, args[1:]))
        if command == "audit" and args[1:2] == ["verify"]:
            return asyncio.run(_audit(settings, args[2:]))
        if command == "stats":
            return asyncio.run(_stats(settings, args[1:]))
    except ConfigError as error:
        print(f"Feil i konfigurasjonen: {error}", file=sys.stderr)
        return 2
    except (KeysMissing, KeyringError) as error:
        print(f"Feil med datanøkkelen: {error}", file=sys.stderr)
        return 2
    print(f"Ukjent kommando: {' '.join(args)}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
