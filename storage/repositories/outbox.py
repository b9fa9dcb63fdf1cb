"""The outbox: messages that must reach a chat. Payloads are sealed, and emptied once sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select, update

from bot.services.ports import MessageStatus, OutboxMessage
from storage.mapping import columns, from_row, only
from storage.models import OutboxRow
from storage.repositories.base import Scope

DONE = frozenset({MessageStatus.SENT, MessageStatus.SUPERSEDED})
"""A message in these states is never sent again: its payload has no use left."""
OUTCOME = frozenset(
    {
        "status",
        "attempts",
        "activity_id",
        "conversation_id",
        "last_error",
        "sent_at",
        "next_attempt_at",
        "failure_reported_at",
        "recipient_id",
        "case_id",
        "target_key",
    }
)
"""What a send changes; the rest of the row is the message as it was queued."""


def payload_where(key: str) -> str:
    return f"outbox.payload:{key}"


def stub_where(key: str) -> str:
    return f"outbox.stub:{key}"


class SqlOutbox:
    def __init__(self, scope: Scope) -> None:
        self._s = scope

    def _values(self, message: OutboxMessage) -> dict[str, Any]:
        values = columns(message, leave_out={"payload", "school_id", "stub"})
        values["school_id"] = message.school_id or self._s.school
        values["payload"] = self._seal(message)
        values["stub"] = (
            self._s.keyring.seal_json(message.stub, stub_where(message.key))
            if message.stub is not None and message.status not in DONE
            else None
        )
        return values

    def _seal(self, message: OutboxMessage) -> str | None:
        if message.status in DONE:
            return None
        return self._s.keyring.seal_json(message.payload, payload_where(message.key))

    def _message(self, row: OutboxRow) -> OutboxMessage:
        payload = (
            self._s.keyring.open_json(row.payload, payload_where(row.key))
            if row.payload is not None
            else {}
        )
        stub = (
            self._s.keyring.open_json(row.stub, stub_where(row.key))
            if row.stub is not None
            else None
        )
        return from_row(OutboxMessage, row, payload=payload, stub=stub)

    async def enqueue(self, message: OutboxMessage) -> bool:
        return await self.enqueue_many([message]) == 1

    async def enqueue_many(self, messages: Sequence[OutboxMessage]) -> int:
        return await self._s.insert_rows(
            OutboxRow, [self._values(m) for m in messages], unless_taken=("key",)
        )

    async def enqueue_update(self, message: OutboxMessage) -> None:
        insert = self._s.insert(OutboxRow)
        # The new values come as parameters (`excluded`), so the statement is compiled once.
        statement = insert.on_conflict_do_update(
            index_elements=["key"],
            set_={
                "payload": insert.excluded.payload,
                "stub": insert.excluded.stub,
                "version": insert.table.c.version + 1,
                "status": MessageStatus.PENDING.value,
                "attempts": 0,
                "next_attempt_at": insert.excluded.next_attempt_at,
                "last_error": None,
            },
        )
        await self._s.session.execute(statement, [self._values(message)])

    async def get(self, key: str) -> OutboxMessage | None:
        row = (
            await self._s.session.scalars(
                self._s.where(select(OutboxRow).where(OutboxRow.key == key), OutboxRow)
            )
        ).first()
        return self._message(row) if row else None

    async def claim_due(
        self, now: datetime, owner: str, lease_until: datetime, limit: int
    ) -> Sequence[OutboxMessage]:
        rows = (
            await self._s.session.scalars(
                self._s.where(
                    select(OutboxRow)
                    .where(
                        OutboxRow.status == MessageStatus.PENDING.value,
                        OutboxRow.next_attempt_at <= now,
                        or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now),
                    )
                    .order_by(OutboxRow.next_attempt_at, OutboxRow.created_at)
                    .limit(limit)
                    .with_for_update(skip_locked=True),
                    OutboxRow,
                )
            )
        ).all()
        if not rows:
            return []
        await self._s.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_([r.id for r in rows]))
            .values(lease_until=lease_until, lease_owner=owner)
        )
        claimed = []
        for row in rows:
            message = self._message(row)
            message.lease_until, message.lease_owner = lease_until, owner
            claimed.append(message)
        return claimed

    async def save(self, message: OutboxMessage) -> None:
        values = self._values(message)
        values.pop("id")
        await self._s.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message.id, self._s.mine(OutboxRow))
            .values(**values)
        )

    async def finish(self, message: OutboxMessage) -> bool:
        values = only(columns(message), OUTCOME)
        values.update(lease_until=None, lease_owner=None)
        if message.status in DONE:
            values["payload"] = None
            values["stub"] = None
        result = await self._s.session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id == message.id,
                OutboxRow.version == message.version,
                self._s.mine(OutboxRow),
            )
            .values(**values)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            return True
        await self._s.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message.id, self._s.mine(OutboxRow))
            .values(
                lease_until=None,
                lease_owner=None,
                activity_id=message.activity_id,
                conversation_id=message.conversation_id,
            )
        )
        return False

    async def failed_unreported(self) -> Sequence[OutboxMessage]:
        rows = (
            await self._s.session.scalars(
                self._s.where(
                    select(OutboxRow)
                    .where(
                        OutboxRow.status == MessageStatus.FAILED.value,
                        OutboxRow.failure_reported_at.is_(None),
                    )
                    .order_by(OutboxRow.created_at),
                    OutboxRow,
                )
            )
        ).all()
        return [self._message(r) for r in rows]

    async def for_case(self, case_id: str) -> Sequence[OutboxMessage]:
        rows = (
            await self._s.session.scalars(
                self._s.where(
                    select(OutboxRow)
                    .where(OutboxRow.case_id == case_id)
                    .order_by(OutboxRow.created_at, OutboxRow.key),
                    OutboxRow,
                )
            )
        ).all()
        return [self._message(r) for r in rows]

    async def count_by_status(self) -> dict[str, int]:
        rows = await self._s.session.execute(
            self._s.where(
                select(OutboxRow.status, func.count()).group_by(OutboxRow.status), OutboxRow
            )
        )
        return {str(status): int(count) for status, count in rows}

    async def forget_for_case(self, case_id: str) -> int:
        result = await self._s.session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.case_id == case_id,
                or_(OutboxRow.payload.is_not(None), OutboxRow.stub.is_not(None)),
                self._s.mine(OutboxRow),
            )
            .values(
                payload=None,
                stub=None,
                status=case(
                    (
                        OutboxRow.status == MessageStatus.PENDING.value,
                        MessageStatus.SUPERSEDED.value,
                    ),
                    else_=OutboxRow.status,
                ),
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def hurry_stubs(self, case_id: str, recipient_id: str, now: datetime) -> int:
        result = await self._s.session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.case_id == case_id,
                OutboxRow.recipient_id == recipient_id,
                OutboxRow.key.startswith("stub:"),
                OutboxRow.status == MessageStatus.PENDING.value,
                self._s.mine(OutboxRow),
            )
            .values(next_attempt_at=now)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
