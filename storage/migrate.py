"""Alembic, driven from code: at start, from `python -m bot db upgrade`, and from the tests.

The async engine hands Alembic a synchronous connection through `run_sync`, so migrations use
the same driver and URL as the bot itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.crypto import Keyring

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(
    connection: Connection | None = None,
    *,
    school_id: str | None = None,
    keyring: Keyring | None = None,
) -> Config:
    """`school_id` and `keyring`: what migration 0004 needs to move existing rows to a school
    and seal them; a database without rows needs neither."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    config.attributes["school_id"] = school_id
    config.attributes["keyring"] = keyring
    return config


async def upgrade(
    engine: AsyncEngine,
    revision: str = "head",
    *,
    school_id: str | None = None,
    keyring: Keyring | None = None,
) -> None:
    await _run(engine, command.upgrade, revision, school_id, keyring)


async def downgrade(
    engine: AsyncEngine,
    revision: str,
    *,
    school_id: str | None = None,
    keyring: Keyring | None = None,
) -> None:
    await _run(engine, command.downgrade, revision, school_id, keyring)


async def _run(
    engine: AsyncEngine,
    step: Callable[[Config, str], None],
    revision: str,
    school_id: str | None,
    keyring: Keyring | None,
) -> None:
    """Alembic is synchronous: the step runs on the engine's connection, in one transaction."""
    async with engine.begin() as connection:
        await connection.run_sync(
            lambda sync: step(alembic_config(sync, school_id=school_id, keyring=keyring), revision)
        )


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


def revisions() -> list[str]:
    """Every revision from the first to head, in order."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]
