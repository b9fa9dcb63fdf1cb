"""The SQL implementations of the repository ports, one unit of work per transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.case import Case, CaseEvent, CaseRecipient, CaseState, EventKind
from bot.domain.followup import Observation
from bot.domain.reminders import Reminder, ReminderKind, ReminderStatus
from bot.domain.report import Report, parse_report
from bot.domain.routing import Reason
from bot.services.ports import (
    ConversationRef,
    DuplicateSubmission,
    ExportLink,
    MessageKind,
    MessageStatus,
    OutboxMessage,
)
from storage.models import (
    CalendarEventRow,
    CaseCounterRow,
    CaseEventRow,
    CaseRecipientRow,
    CaseRow,
    ConversationRow,
    ExportLinkRow,
    ObservationRow,
    OutboxRow,
    ReminderRow,
    ReportDraftRow,
)
from storage.serialize import (
    evaluation_from_json,
    evaluation_to_json,
    investigation_from_json,
    investigation_to_json,
    observation_fields,
    plan_from_json,
    plan_to_json,
)


def _insert(session: AsyncSession, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT; both SQLite and PostgreSQL have it."""
    name = session.get_bind().dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(table)


def _followup(case: Case) -> dict[str, Any]:
    return {
        "investigation": investigation_to_json(case.investigation),
        "plans": [plan_to_json(p) for p in case.plans],
        "evaluations": [evaluation_to_json(e) for e in case.evaluations],
        "members": list(case.members),
        "closed_at": case.closed_at,
    }


def _report(values: dict[str, Any]) -> Report:
    parsed = parse_report(values, today=date.max)
    if not isinstance(parsed, Report):
        raise ValueError(f"stored report does not parse: {sorted(parsed.messages)}")
    return parsed


class SqlCases:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, case: Case) -> None:
        self._session.add(
            CaseRow(
                id=case.id,
                year=case.created_at.year,
                number=case.number,
                submission_id=case.submission_id,
                reporter_id=case.reporter_id,
                state=case.state.value,
                created_at=case.created_at,
                urgent=case.urgent,
                owner_must_be_notified=case.owner_must_be_notified,
                forwarded_to_owner=case.forwarded_to_owner,
                assignee_id=case.assignee_id,
                taken_at=case.taken_at,
                owner_notified_at=case.owner_notified_at,
                owner_notified_by=case.owner_notified_by,
                investigation_started_at=case.investigation_started_at,
                escalated_at=case.escalated_at,
                report=case.report.to_values(),
                **_followup(case),
            )
        )
        try:
            await self._session.flush()
        except IntegrityError as error:
            if "submission" in str(error.orig):
                raise DuplicateSubmission() from error
            raise
        # Recipients after the case row: without ORM relationships, flush order is not implied.
        self._add_recipients(case)
        await self._session.flush()

    def _add_recipients(self, case: Case) -> None:
        for position, recipient in enumerate(case.recipients):
            self._session.add(
                CaseRecipientRow(
                    case_id=case.id,
                    person_id=recipient.person_id,
                    reason=recipient.reason.value,
                    position=position,
                    acknowledged_at=recipient.acknowledged_at,
                )
            )

    async def _load(self, rows: Sequence[CaseRow]) -> list[Case]:
        if not rows:
            return []
        ids = [row.id for row in rows]
        recipients = (
            await self._session.scalars(
                select(CaseRecipientRow)
                .where(CaseRecipientRow.case_id.in_(ids))
                .order_by(CaseRecipientRow.position)
            )
        ).all()
        by_case: dict[str, list[CaseRecipient]] = {i: [] for i in ids}
        for r in recipients:
            by_case[r.case_id].append(
                CaseRecipient(r.person_id, Reason(r.reason), r.acknowledged_at)
            )
        return [
            Case(
                id=row.id,
                number=row.number,
                submission_id=row.submission_id,
                reporter_id=row.reporter_id,
                report=_report(row.report),
                state=CaseState(row.state),
                created_at=row.created_at,
                urgent=row.urgent,
                owner_must_be_notified=row.owner_must_be_notified,
                forwarded_to_owner=row.forwarded_to_owner,
                recipients=by_case[row.id],
                assignee_id=row.assignee_id,
                taken_at=row.taken_at,
                owner_notified_at=row.owner_notified_at,
                owner_notified_by=row.owner_notified_by,
                investigation_started_at=row.investigation_started_at,
                escalated_at=row.escalated_at,
                investigation=investigation_from_json(row.investigation),
                plans=[plan_from_json(p) for p in row.plans or []],
                evaluations=[evaluation_from_json(e) for e in row.evaluations or []],
                members=list(row.members or []),
                closed_at=row.closed_at,
            )
            for row in rows
        ]

    async def _one(self, statement: Any) -> Case | None:
        row = (await self._session.scalars(statement)).first()
        if row is None:
            return None
        return (await self._load([row]))[0]

    async def get(self, case_id: str) -> Case | None:
        return await self._one(select(CaseRow).where(CaseRow.id == case_id))

    async def get_for_update(self, case_id: str) -> Case | None:
        return await self._one(
            select(CaseRow)
            .where(CaseRow.id == case_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def by_reference(self, year: int, number: int) -> Case | None:
        return await self._one(
            select(CaseRow).where(CaseRow.year == year, CaseRow.number == number)
        )

    async def by_submission(self, submission_id: str) -> Case | None:
        return await self._one(select(CaseRow).where(CaseRow.submission_id == submission_id))

    async def save(self, case: Case) -> None:
        await self._session.execute(
            update(CaseRow)
            .where(CaseRow.id == case.id)
            .values(
                state=case.state.value,
                assignee_id=case.assignee_id,
                taken_at=case.taken_at,
                owner_notified_at=case.owner_notified_at,
                owner_notified_by=case.owner_notified_by,
                investigation_started_at=case.investigation_started_at,
                escalated_at=case.escalated_at,
                **_followup(case),
            )
        )
        await self._session.execute(
            delete(CaseRecipientRow).where(CaseRecipientRow.case_id == case.id)
        )
        self._add_recipients(case)
        await self._session.flush()

    async def next_number(self, year: int) -> int:
        statement = (
            _insert(self._session, CaseCounterRow)
            .values(year=year, last=1)
            .on_conflict_do_update(index_elements=["year"], set_={"last": CaseCounterRow.last + 1})
            .returning(CaseCounterRow.last)
        )
        return int((await self._session.execute(statement)).scalar_one())

    async def routed_to(self, person_id: str) -> Sequence[Case]:
        """Every case the person may see: recipients, the taker, added members and the plan's
        responsible staff. Membership and responsibility live in the case's JSON, so the
        last two are filtered here; a school has hundreds of cases, not millions."""
        rows = (
            await self._session.scalars(select(CaseRow).order_by(CaseRow.created_at.desc()))
        ).all()
        return [case for case in await self._load(rows) if case.can_view(person_id)]

    async def reported_by(self, person_id: str) -> Sequence[Case]:
        rows = (
            await self._session.scalars(
                select(CaseRow)
                .where(CaseRow.reporter_id == person_id)
                .order_by(CaseRow.created_at.desc())
            )
        ).all()
        return await self._load(rows)

    async def awaiting_acknowledgement(self) -> Sequence[Case]:
        acknowledged = select(CaseRecipientRow.case_id).where(
            CaseRecipientRow.acknowledged_at.is_not(None)
        )
        rows = (
            await self._session.scalars(
                select(CaseRow).where(
                    CaseRow.state == CaseState.MELDE_FRA.value,
                    CaseRow.escalated_at.is_(None),
                    CaseRow.id.not_in(acknowledged),
                )
            )
        ).all()
        return [case for case in await self._load(rows) if case.recipients]


class SqlEvents:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def append(self, events: Sequence[CaseEvent]) -> None:
        """One statement for the batch, in the order given (the ids keep that order)."""
        if not events:
            return
        await self._session.flush()  # rows the session still holds (a new case) go first
        await self._session.execute(
            insert(CaseEventRow).values(
                [
                    {
                        "case_id": e.case_id,
                        "kind": e.kind.value,
                        "actor_id": e.actor_id,
                        "at": e.at,
                        "detail": dict(e.detail),
                    }
                    for e in events
                ]
            )
        )

    async def for_case(self, case_id: str) -> Sequence[CaseEvent]:
        rows = (
            await self._session.scalars(
                select(CaseEventRow)
                .where(CaseEventRow.case_id == case_id)
                .order_by(CaseEventRow.id)
            )
        ).all()
        return [
            CaseEvent(r.case_id, EventKind(r.kind), r.actor_id, r.at, dict(r.detail)) for r in rows
        ]


def _message(row: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        key=row.key,
        kind=MessageKind(row.kind),
        recipient_id=row.recipient_id,
        payload=dict(row.payload),
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        case_id=row.case_id,
        target_key=row.target_key,
        status=MessageStatus(row.status),
        attempts=row.attempts,
        version=row.version,
        activity_id=row.activity_id,
        conversation_id=row.conversation_id,
        last_error=row.last_error,
        sent_at=row.sent_at,
        failure_reported_at=row.failure_reported_at,
        lease_until=row.lease_until,
        lease_owner=row.lease_owner,
    )


def _values(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "key": message.key,
        "kind": message.kind.value,
        "recipient_id": message.recipient_id,
        "case_id": message.case_id,
        "target_key": message.target_key,
        "status": message.status.value,
        "attempts": message.attempts,
        "version": message.version,
        "payload": message.payload,
        "activity_id": message.activity_id,
        "conversation_id": message.conversation_id,
        "last_error": message.last_error,
        "created_at": message.created_at,
        "next_attempt_at": message.next_attempt_at,
        "sent_at": message.sent_at,
        "failure_reported_at": message.failure_reported_at,
        "lease_until": message.lease_until,
        "lease_owner": message.lease_owner,
    }


class SqlOutbox:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(self, message: OutboxMessage) -> bool:
        statement = (
            _insert(self._session, OutboxRow)
            .values(**_values(message))
            .on_conflict_do_nothing(index_elements=["key"])
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def enqueue_many(self, messages: Sequence[OutboxMessage]) -> int:
        if not messages:
            return 0
        statement = (
            _insert(self._session, OutboxRow)
            .values([_values(m) for m in messages])
            .on_conflict_do_nothing(index_elements=["key"])
        )
        result = await self._session.execute(statement)
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def enqueue_update(self, message: OutboxMessage) -> None:
        statement = (
            _insert(self._session, OutboxRow)
            .values(**_values(message))
            .on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "payload": message.payload,
                    "version": OutboxRow.version + 1,
                    "status": MessageStatus.PENDING.value,
                    "attempts": 0,
                    "next_attempt_at": message.next_attempt_at,
                    "last_error": None,
                },
            )
        )
        await self._session.execute(statement)

    async def get(self, key: str) -> OutboxMessage | None:
        row = (await self._session.scalars(select(OutboxRow).where(OutboxRow.key == key))).first()
        return _message(row) if row else None

    async def claim_due(
        self, now: datetime, owner: str, lease_until: datetime, limit: int
    ) -> Sequence[OutboxMessage]:
        rows = (
            await self._session.scalars(
                select(OutboxRow)
                .where(
                    OutboxRow.status == MessageStatus.PENDING.value,
                    OutboxRow.next_attempt_at <= now,
                    or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now),
                )
                .order_by(OutboxRow.next_attempt_at, OutboxRow.created_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if not rows:
            return []
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_([r.id for r in rows]))
            .values(lease_until=lease_until, lease_owner=owner)
        )
        claimed = []
        for row in rows:
            message = _message(row)
            message.lease_until, message.lease_owner = lease_until, owner
            claimed.append(message)
        return claimed

    async def save(self, message: OutboxMessage) -> None:
        values = _values(message)
        values.pop("id")
        await self._session.execute(
            update(OutboxRow).where(OutboxRow.id == message.id).values(**values)
        )

    async def finish(self, message: OutboxMessage) -> bool:
        values = _values(message)
        for key in ("id", "payload", "version", "key", "kind", "created_at"):
            values.pop(key)
        values.update(lease_until=None, lease_owner=None)
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message.id, OutboxRow.version == message.version)
            .values(**values)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            return True
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message.id)
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
            await self._session.scalars(
                select(OutboxRow)
                .where(
                    OutboxRow.status == MessageStatus.FAILED.value,
                    OutboxRow.failure_reported_at.is_(None),
                )
                .order_by(OutboxRow.created_at)
            )
        ).all()
        return [_message(r) for r in rows]

    async def for_case(self, case_id: str) -> Sequence[OutboxMessage]:
        rows = (
            await self._session.scalars(
                select(OutboxRow)
                .where(OutboxRow.case_id == case_id)
                .order_by(OutboxRow.created_at, OutboxRow.key)
            )
        ).all()
        return [_message(r) for r in rows]

    async def count_by_status(self) -> dict[str, int]:
        rows = await self._session.execute(
            select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        )
        return dict(rows.tuples())


class SqlConversations:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert(self, ref: ConversationRef) -> None:
        values = {
            "user_id": ref.user_id,
            "tenant_id": ref.tenant_id,
            "service_url": ref.service_url,
            "conversation_id": ref.conversation_id,
            "reference": ref.reference,
            "updated_at": ref.updated_at,
        }
        statement = (
            _insert(self._session, ConversationRow)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["user_id"], set_={k: v for k, v in values.items() if k != "user_id"}
            )
        )
        await self._session.execute(statement)

    async def get(self, user_id: str) -> ConversationRef | None:
        row = await self._session.get(ConversationRow, user_id)
        if row is None:
            return None
        return _conversation(row)

    async def delete(self, user_id: str) -> None:
        await self._session.execute(
            delete(ConversationRow).where(ConversationRow.user_id == user_id)
        )

    async def latest(self) -> ConversationRef | None:
        row = (
            await self._session.scalars(
                select(ConversationRow).order_by(ConversationRow.updated_at.desc()).limit(1)
            )
        ).first()
        return _conversation(row) if row else None


def _conversation(row: ConversationRow) -> ConversationRef:
    return ConversationRef(
        row.user_id,
        row.tenant_id,
        row.service_url,
        row.conversation_id,
        dict(row.reference),
        row.updated_at,
    )


class SqlDrafts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(
        self, draft_id: str, user_id: str, values: dict[str, str], now: datetime
    ) -> None:
        row = {"draft_id": draft_id, "user_id": user_id, "values": values, "updated_at": now}
        await self._session.execute(
            _insert(self._session, ReportDraftRow)
            .values(**row)
            .on_conflict_do_update(
                index_elements=["draft_id"],
                set_={"values": values, "updated_at": now},
                # Another user cannot overwrite someone's draft by guessing its id.
                where=ReportDraftRow.user_id == user_id,
            )
        )

    async def get(self, draft_id: str, user_id: str) -> dict[str, str] | None:
        row = await self._session.get(ReportDraftRow, draft_id)
        if row is None or row.user_id != user_id:
            return None
        return {str(k): str(v) for k, v in row.values.items()}

    async def open(self, draft_id: str, user_id: str, now: datetime) -> None:
        await self._session.execute(
            _insert(self._session, ReportDraftRow)
            .values(draft_id=draft_id, user_id=user_id, values={}, updated_at=now)
            .on_conflict_do_nothing(index_elements=["draft_id"])
        )

    async def owner(self, draft_id: str) -> str | None:
        owner: str | None = await self._session.scalar(
            select(ReportDraftRow.user_id).where(ReportDraftRow.draft_id == draft_id)
        )
        return owner

    async def delete(self, draft_id: str, user_id: str) -> None:
        await self._session.execute(
            delete(ReportDraftRow).where(
                ReportDraftRow.draft_id == draft_id, ReportDraftRow.user_id == user_id
            )
        )

    async def purge(self, before: datetime) -> int:
        result = await self._session.execute(
            delete(ReportDraftRow).where(ReportDraftRow.updated_at < before)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


class SqlReminders:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, reminder: Reminder) -> bool:
        return await self.add_many([reminder]) == 1

    async def add_many(self, reminders: Sequence[Reminder]) -> int:
        if not reminders:
            return 0
        statement = (
            _insert(self._session, ReminderRow)
            .values(
                [
                    {
                        "key": r.key,
                        "case_id": r.case_id,
                        "kind": r.kind.value,
                        "recipient_id": r.recipient_id,
                        "due_at": r.due_at,
                        "status": r.status.value,
                        "sent_at": r.sent_at,
                        "detail": dict(r.detail),
                    }
                    for r in reminders
                ]
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
        result = await self._session.execute(statement)
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def claim_due(self, now: datetime, limit: int) -> Sequence[Reminder]:
        rows = (
            await self._session.scalars(
                select(ReminderRow)
                .where(
                    ReminderRow.status == ReminderStatus.PENDING.value, ReminderRow.due_at <= now
                )
                .order_by(ReminderRow.due_at, ReminderRow.key)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        return [_reminder(r) for r in rows]

    async def save(self, reminder: Reminder) -> None:
        await self._session.execute(
            update(ReminderRow)
            .where(ReminderRow.key == reminder.key)
            .values(
                status=reminder.status.value,
                sent_at=reminder.sent_at,
                due_at=reminder.due_at,
                detail=dict(reminder.detail),
            )
        )

    async def mark(
        self, keys: Sequence[str], status: ReminderStatus, sent_at: datetime | None
    ) -> None:
        if keys:
            await self._session.execute(
                update(ReminderRow)
                .where(ReminderRow.key.in_(list(keys)))
                .values(status=status.value, sent_at=sent_at)
            )

    async def for_case(self, case_id: str) -> Sequence[Reminder]:
        rows = (
            await self._session.scalars(
                select(ReminderRow)
                .where(ReminderRow.case_id == case_id)
                .order_by(ReminderRow.due_at, ReminderRow.key)
            )
        ).all()
        return [_reminder(r) for r in rows]


def _reminder(row: ReminderRow) -> Reminder:
    return Reminder(
        row.key,
        row.case_id,
        ReminderKind(row.kind),
        row.recipient_id,
        row.due_at,
        ReminderStatus(row.status),
        row.sent_at,
        {str(k): str(v) for k, v in row.detail.items()},
    )


class SqlObservations:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, observation: Observation) -> None:
        self._session.add(ObservationRow(**observation_fields(observation)))
        await self._session.flush()

    async def for_pupil(self, pupil_key: str) -> Sequence[Observation]:
        rows = (
            await self._session.scalars(
                select(ObservationRow)
                .where(ObservationRow.pupil_key == pupil_key)
                .order_by(ObservationRow.observed_on.desc(), ObservationRow.created_at.desc())
            )
        ).all()
        return [
            Observation(
                r.id,
                r.pupil_key,
                r.pupil_name,
                r.pupil_class,
                r.observed_on,
                r.note,
                r.author_id,
                r.created_at,
            )
            for r in rows
        ]


class SqlExportLinks:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, link: ExportLink) -> None:
        self._session.add(
            ExportLinkRow(
                token=link.token,
                case_id=link.case_id,
                user_id=link.user_id,
                redacted=link.redacted,
                expires_at=link.expires_at,
                used_at=None,
            )
        )
        await self._session.flush()

    async def use(self, token: str, now: datetime) -> ExportLink | None:
        result = await self._session.execute(
            update(ExportLinkRow)
            .where(
                ExportLinkRow.token == token,
                ExportLinkRow.used_at.is_(None),
                ExportLinkRow.expires_at > now,
            )
            .values(used_at=now)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        row = await self._session.get(ExportLinkRow, token)
        assert row is not None
        return ExportLink(
            row.token, row.case_id, row.user_id, row.redacted, row.expires_at, row.used_at
        )


class SqlCalendarEvents:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, case_id: str, user_id: str) -> str | None:
        row = await self._session.get(CalendarEventRow, (case_id, user_id))
        return row.event_id if row else None

    async def put(self, case_id: str, user_id: str, event_id: str) -> None:
        values = {
            "case_id": case_id,
            "user_id": user_id,
            "event_id": event_id,
            "updated_at": datetime.now(UTC),
        }
        await self._session.execute(
            _insert(self._session, CalendarEventRow)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["case_id", "user_id"],
                set_={"event_id": event_id, "updated_at": values["updated_at"]},
            )
        )


class SqlUnitOfWork:
    cases: SqlCases
    events: SqlEvents
    outbox: SqlOutbox
    conversations: SqlConversations
    drafts: SqlDrafts
    reminders: SqlReminders
    observations: SqlObservations
    export_links: SqlExportLinks
    calendar_events: SqlCalendarEvents

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        self._session = self._sessions()
        self.cases = SqlCases(self._session)
        self.events = SqlEvents(self._session)
        self.outbox = SqlOutbox(self._session)
        self.conversations = SqlConversations(self._session)
        self.drafts = SqlDrafts(self._session)
        self.reminders = SqlReminders(self._session)
        self.observations = SqlObservations(self._session)
        self.export_links = SqlExportLinks(self._session)
        self.calendar_events = SqlCalendarEvents(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    async def commit(self) -> None:
        assert self._session is not None
        try:
            await self._session.commit()
        except IntegrityError as error:
            await self._session.rollback()
            if "submission_id" in str(error.orig) or "uq_cases_submission_id" in str(error.orig):
                raise DuplicateSubmission() from error
            raise

    async def rollback(self) -> None:
        assert self._session is not None
        await self._session.rollback()
