"""Work on the whole database, not one unit of work: key checks, key rotation, audit checks.

These run at start, from the command line (`python -m bot rotate-key`, `python -m bot audit
verify`) and daily in the server; each reads every sealed value or every event of a school.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.crypto import KID_LENGTH, PREFIX, Keyring
from storage.models import (
    ArchiveDeliveryRow,
    AuditEventRow,
    AuditHeadRow,
    CaseRow,
    ObservationRow,
    OutboxRow,
    ReportDraftRow,
)
from storage.repositories.audit import Break, verify_rows

SEALED_COLUMNS: tuple[tuple[type, str, tuple[str, ...]], ...] = (
    (CaseRow, "sealed", ("id",)),
    (ObservationRow, "sealed", ("id",)),
    (ReportDraftRow, "values", ("draft_id",)),
    (OutboxRow, "payload", ("key",)),
    (OutboxRow, "stub", ("key",)),
    (ArchiveDeliveryRow, "reason", ("case_id", "key")),
)
"""Every sealed column, with the columns its associated data names (see storage.repositories)."""


class KeysMissing(Exception):
    def __init__(self, kids: Sequence[str]) -> None:
        super().__init__(
            "Databasen har data som er kryptert med nøkkel "
            + ", ".join(sorted(kids))
            + ", men den nøkkelen er ikke satt opp (DATA_ENCRYPTION_KEY, DATA_OLD_KEYS eller "
            "DATA_KEY_FILE). Boten starter ikke uten den: uten nøkkelen kan sakene ikke leses."
        )
        self.kids = tuple(kids)


def _where(table: type, column: str, ids: Sequence[object]) -> str:
    """The associated data a value was sealed with: table, column and the row's id(s)."""
    return f"{table.__tablename__}.{column}:{'/'.join(str(i) for i in ids)}"  # type: ignore[attr-defined]


async def key_ids_in_use(engine: AsyncEngine) -> set[str]:
    found: set[str] = set()
    async with engine.connect() as connection:
        for table, column, _ids in SEALED_COLUMNS:
            col: Column[str] = getattr(table, column)
            kid = func.substr(col, len(PREFIX) + 1, KID_LENGTH)
            rows = await connection.execute(select(kid).where(col.is_not(None)).distinct())
            found.update(str(r[0]) for r in rows)
    return found


async def check_keys(engine: AsyncEngine, keyring: Keyring) -> None:
    """Stops the start with a clear message when stored data needs a key that is not there,
    and opens one value per key in use, so a wrong key never reads as garbage later."""
    missing = sorted(await key_ids_in_use(engine) - set(keyring.keys))
    if missing:
        raise KeysMissing(missing)
    async with engine.connect() as connection:
        for table, column, id_columns in SEALED_COLUMNS:
            col = getattr(table, column)
            ids = [getattr(table, c) for c in id_columns]
            row = (
                await connection.execute(select(col, *ids).where(col.is_not(None)).limit(1))
            ).first()
            if row is not None:
                keyring.open(row[0], _where(table, column, row[1:]))


@dataclass(frozen=True)
class Rotated:
    resealed: int
    old_keys: tuple[str, ...]
    """Key ids no value uses any more: they can be removed from the configuration."""


async def rotate(engine: AsyncEngine, keyring: Keyring, batch: int = 500) -> Rotated:
    """Seals again, with the current key, every value sealed with another one."""
    resealed = 0
    async with engine.begin() as connection:
        for table, column, id_columns in SEALED_COLUMNS:
            col = getattr(table, column)
            idents = [getattr(table, c) for c in id_columns]
            current = f"{PREFIX}{keyring.current}.%"
            rows = (
                await connection.execute(
                    select(col, *idents).where(col.is_not(None), col.not_like(current))
                )
            ).all()
            for value, *ids in rows:
                where = _where(table, column, ids)
                fresh = keyring.seal(keyring.open(value, where), where)
                await connection.execute(
                    update(table)
                    .where(*(ident == i for ident, i in zip(idents, ids, strict=True)))
                    .values({column: fresh})
                )
                resealed += 1
        pseudonyms = (
            await connection.execute(select(ObservationRow.id, ObservationRow.sealed))
        ).all()
        for row_id, value in pseudonyms:
            # The log's index follows the current key too (storage.repositories.notes).
            document = keyring.open_json(value, _where(ObservationRow, "sealed", [row_id]))
            folded = " ".join(str(document["pupil_name"]).lower().split())
            key = f"{folded}|{''.join(str(document['pupil_class']).lower().split())}"
            await connection.execute(
                update(ObservationRow)
                .where(ObservationRow.id == row_id)
                .values(pupil_key=keyring.pseudonym(key))
            )
    in_use = await key_ids_in_use(engine)
    unused = tuple(sorted(k for k in keyring.keys if k not in in_use and k != keyring.current))
    return Rotated(resealed, unused)


async def verify_audit(engine: AsyncEngine, school_id: str | None = None) -> list[Break]:
    """Every school's chain from its first event; the first break of each school."""
    breaks: list[Break] = []
    async with engine.connect() as connection:
        schools = (
            [school_id]
            if school_id
            else [
                str(r[0])
                for r in await connection.execute(
                    select(AuditEventRow.school_id).union(select(AuditHeadRow.school_id))
                )
            ]
        )
        for school in sorted(set(schools)):
            rows = (
                await connection.execute(
                    select(AuditEventRow)
                    .where(AuditEventRow.school_id == school)
                    .order_by(AuditEventRow.seq, AuditEventRow.id)
                )
            ).all()
            head = (
                await connection.execute(
                    select(AuditHeadRow).where(AuditHeadRow.school_id == school)
                )
            ).first()
            found = next(verify_rows(school, rows, head), None)  # type: ignore[arg-type]
            if found is not None:
                breaks.append(found)
    return breaks


async def compact(engine: AsyncEngine) -> None:
    """After a purge: on SQLite the WAL is checkpointed and truncated, so pages that held the
    deleted data do not linger in it (the file's own freed pages were overwritten already,
    `secure_delete`). PostgreSQL needs nothing here: its rows are deleted or updated."""
    if engine.dialect.name != "sqlite":
        return
    async with engine.connect() as connection:
        # On the driver's connection, outside any transaction: a checkpoint inside one (every
        # transaction here is BEGIN IMMEDIATE) fails with "database table is locked".
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        cursor = await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await cursor.close()
