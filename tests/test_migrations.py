"""Migrations: every revision goes up, down and up again, and head matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.migrate import current_revision, downgrade, revisions, upgrade
from storage.models import Base


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    return set(names) - {"alembic_version"}


async def test_stairway(raw_engine: AsyncEngine) -> None:
    history = revisions()
    assert history, "no migrations found"
    previous = "base"
    for revision in history:
        await upgrade(raw_engine, revision)
        await downgrade(raw_engine, previous)
        await upgrade(raw_engine, revision)
        assert await current_revision(raw_engine) == revision
        previous = revision
    await downgrade(raw_engine, "base")
    assert await _tables(raw_engine) == set()


async def test_head_matches_the_models(raw_engine: AsyncEngine) -> None:
    await upgrade(raw_engine)
    assert await _tables(raw_engine) == set(Base.metadata.tables)

    def diff(sync: Connection) -> list[object]:
        context = MigrationContext.configure(sync, opts={"compare_type": False})
        return list(compare_metadata(context, Base.metadata))

    async with raw_engine.connect() as connection:
        differences = await connection.run_sync(diff)
    assert differences == []
