"""The audit trail as a hash chain per school: each event's hash covers the one before it.

Appends take the school's head row first (`FOR UPDATE` on PostgreSQL; SQLite's writers are one
at a time already), so concurrent turns extend the chain one after the other and never fork it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from bot.domain.case import CaseEvent, EventKind
from storage.models import AuditEventRow, AuditHeadRow
from storage.repositories.base import Scope

GENESIS = "0" * 64


def canonical(
    school_id: str,
    seq: int,
    case_id: str | None,
    kind: str,
    actor_id: str | None,
    at: datetime,
    detail: dict[str, Any],
) -> str:
    """The event as the hash sees it: every column but the hashes, in one fixed spelling."""
    return json.dumps(
        {
            "school": school_id,
            "seq": seq,
            "case": case_id,
            "kind": kind,
            "actor": actor_id,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "detail": detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def chain(prev_hash: str, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


class SqlEvents:
    def __init__(self, scope: Scope) -> None:
        self._s = scope

    async def append(self, events: Sequence[CaseEvent]) -> None:
        if not events:
            return
        school = self._s.school
        session = self._s.session
        head = (
            await session.execute(
                select(AuditHeadRow.seq, AuditHeadRow.hash)
                .where(AuditHeadRow.school_id == school)
                .with_for_update()
            )
        ).first()
        if head is None:
            # The first event of a school: its head row comes with it. Two first events at
            # once collide on the primary key, and the second transaction is retried.
            await session.execute(
                self._s.insert(AuditHeadRow).values(school_id=school, seq=0, hash=GENESIS)
            )
            seq, prev = 0, GENESIS
        else:
            seq, prev = int(head.seq), str(head.hash)
        rows = []
        for event in events:
            seq += 1
            detail = dict(event.detail)
            digest = chain(
                prev,
                canonical(
                    school, seq, event.case_id, event.kind.value, event.actor_id, event.at, detail
                ),
            )
            rows.append(
                {
                    "school_id": school,
                    "seq": seq,
                    "case_id": event.case_id,
                    "kind": event.kind.value,
                    "actor_id": event.actor_id,
                    "at": event.at,
                    "detail": detail,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            prev = digest
        await self._s.insert_rows(AuditEventRow, rows)
        await session.execute(
            update(AuditHeadRow).where(AuditHeadRow.school_id == school).values(seq=seq, hash=prev)
        )

    async def for_case(self, case_id: str | None) -> Sequence[CaseEvent]:
        rows = (
            await self._s.session.scalars(
                self._s.where(
                    select(AuditEventRow)
                    .where(AuditEventRow.case_id == case_id)
                    .order_by(AuditEventRow.seq),
                    AuditEventRow,
                )
            )
        ).all()
        return [
            CaseEvent(r.case_id, EventKind(r.kind), r.actor_id, r.at, dict(r.detail)) for r in rows
        ]


@dataclass(frozen=True)
class Break:
    """Where a school's chain stops holding: the first event that was changed, removed or
    inserted, as `python -m bot audit verify` names it."""

    school_id: str
    seq: int
    event_id: int | None
    problem: str


def verify_rows(
    school_id: str, rows: Sequence[AuditEventRow], head: AuditHeadRow | None
) -> Iterator[Break]:
    """Every break in one school's chain, oldest first (the first one matters most)."""
    prev = GENESIS
    expected_seq = 1
    for row in rows:
        if row.seq != expected_seq:
            yield Break(
                school_id,
                expected_seq,
                row.id,
                f"event {expected_seq} is missing (next found: {row.seq})",
            )
        if row.prev_hash != prev:
            yield Break(
                school_id,
                row.seq,
                row.id,
                "does not follow the event before it (removed or inserted)",
            )
        content = canonical(
            school_id, row.seq, row.case_id, row.kind, row.actor_id, row.at, dict(row.detail)
        )
        if chain(row.prev_hash, content) != row.hash:
            yield Break(school_id, row.seq, row.id, "its content was changed")
        prev = row.hash
        expected_seq = row.seq + 1
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
        yield Break(
            school_id,
            expected_seq,
            None,
            f"the chain ends at event {expected_seq - 1}, its head says {head.seq}"
            " (events removed at the end, or the head was changed)",
        )
