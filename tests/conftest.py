"""Shared fixtures: the sample school, a fixed clock, and real databases.

Storage tests run on SQLite always and on PostgreSQL when TEST_DATABASE_URL is set (CI sets
it). Each PostgreSQL test gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.config import load_school
from bot.domain.school import ConfiguredDirectory, School
from bot.services.context import Services
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.repositories import SqlUnitOfWork
from tests.fakes import FakeClock, FakeStore, FakeUnitOfWork
from tests.keys import TEST_KEYRING
from tests.schools import TEST_SCHOOL_CONFIG
from tests.teams import SDKS, Hosts

# A bot a test starts as a process (`python -m bot`, the CLI, e2e) inherits the environment: it
# runs on the test school too, never on the production file.
os.environ["SCHOOL_CONFIG"] = str(TEST_SCHOOL_CONFIG)


@pytest.fixture(autouse=True, scope="session")
def _local_key_file(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Local mode makes data/secret.key at the first start; tests use a file of their own."""
    import bot.bootstrap

    bot.bootstrap.LOCAL_KEY_FILE = tmp_path_factory.mktemp("key") / "secret.key"

OSLO = ZoneInfo("Europe/Oslo")
# A Thursday in term time, 10:00 in Oslo.
T0 = datetime(2026, 11, 26, 10, 0, tzinfo=OSLO)

REKTOR = "00000000-0000-0000-0000-0000000000a1"
DEPUTY = "00000000-0000-0000-0000-0000000000a2"
LEADER_9 = "00000000-0000-0000-0000-0000000000b9"
TEACHER_9 = "00000000-0000-0000-0000-0000000000c1"
TEACHER_8 = "00000000-0000-0000-0000-0000000000c2"
MILJO = "00000000-0000-0000-0000-0000000000d1"

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=SDKS)
def sdk(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each bot SDK in turn: a test (or a module's `pytestmark`) that uses this runs on both
    hosts, and `running_bot` (tests/teams.py) starts the bot on the one of this run."""
    chosen: str = request.param
    before, Hosts.default = Hosts.default, chosen
    try:
        yield chosen
    finally:
        Hosts.default = before


@pytest.fixture(scope="session")
def school() -> School:
    return load_school(TEST_SCHOOL_CONFIG)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def fake_services(school: School, clock: FakeClock) -> Services:
    store = FakeStore()
    return Services(uow=lambda: FakeUnitOfWork(store), directory=ConfiguredDirectory(school),
                    clock=clock, school=school)


@asynccontextmanager
async def shared_database(backend: str, tmp_path: Path
                          ) -> AsyncIterator[Callable[[], AsyncEngine]]:
    """An empty database of `backend` (a SQLite file, or a PostgreSQL schema of its own) and a
    factory of engines on it: each engine is what one bot instance would have."""
    engines: list[AsyncEngine] = []
    schema = f"t_{uuid.uuid4().hex[:12]}"
    sqlite_url = f"sqlite+aiosqlite:///{tmp_path / f'{schema}.db'}"
    base_url = os.environ.get("TEST_DATABASE_URL", "")

    def new_engine() -> AsyncEngine:
        if backend == "sqlite":
            engine = create_engine(sqlite_url)
        else:
            engine = create_async_engine(
                base_url, connect_args={"server_settings": {"search_path": schema}},
                pool_size=20, max_overflow=20,
            )
        engines.append(engine)
        return engine

    admin = None
    if backend != "sqlite":
        admin = create_async_engine(base_url)
        async with admin.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield new_engine
    finally:
        for engine in engines:
            await engine.dispose()
        if admin is not None:
            async with admin.begin() as connection:
                await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            await admin.dispose()


@asynccontextmanager
async def unmigrated_engine(backend: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with shared_database(backend, tmp_path) as new_engine:
        yield new_engine()


@pytest.fixture(params=BACKENDS)
async def raw_engine(request: pytest.FixtureRequest, tmp_path: Path
                     ) -> AsyncIterator[AsyncEngine]:
    """An empty, unmigrated database of each backend."""
    async with unmigrated_engine(request.param, tmp_path) as engine:
        yield engine


@pytest.fixture
async def engine(raw_engine: AsyncEngine) -> AsyncEngine:
    """A migrated database of each backend."""
    await upgrade(raw_engine)
    return raw_engine


@pytest.fixture
def sql_services(engine: AsyncEngine, school: School, clock: FakeClock) -> Services:
    sessions = session_factory(engine)
    return Services(uow=lambda: SqlUnitOfWork(sessions, TEST_KEYRING, school.id),
                    directory=ConfiguredDirectory(school),
                    clock=clock, school=school)
