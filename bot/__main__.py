"""`python -m bot`: run the bot, migrate the database, build the Teams app package, ask the plan.

python -m bot                      start the bot (HOST, PORT, DATABASE_URL, SCHOOL_CONFIG)
python -m bot db upgrade           run the database migrations and exit
python -m bot manifest --app-id ID --out app.zip
python -m bot ask "spørsmål"       answer a question from the school's plan
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time

from aiohttp import web

from bot.config import ConfigError, Settings


def _logging() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # The SDK logs whole activities at DEBUG/INFO in places; they may hold pupils' names.
    for noisy in (
        "msrest",
        "botbuilder",
        "botframework",
        "urllib3",
        "aiohttp.access",
        "aiosqlite",
        "sqlalchemy",
        "asyncpg",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _run(settings: Settings) -> int:
    from bot.app import create_app
    from bot.bootstrap import build_runtime

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


async def _db_upgrade(settings: Settings) -> int:
    from storage.engine import create_engine
    from storage.migrate import current_revision, upgrade

    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        print(f"Databasen er oppdatert (revisjon {await current_revision(engine)}).")
    finally:
        await engine.dispose()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    _logging()
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
    try:
        settings = Settings.from_env()
        if command == "run":
            from bot.config import load_school

            load_school(settings.school_config)  # fail fast with the key that is wrong
            return _run(settings)
        if command == "db" and args[1:] == ["upgrade"]:
            return asyncio.run(_db_upgrade(settings))
    except ConfigError as error:
        print(f"Feil i konfigurasjonen: {error}", file=sys.stderr)
        return 2
    print(f"Ukjent kommando: {' '.join(args)}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
