"""Tables. The domain's dataclasses are mapped to these in `storage.repositories`.

Times are stored in UTC: `UTCDateTime` refuses naive values on the way in and returns aware
ones on the way out, also on SQLite, which has no time zones.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: every time in Trygg skole is zone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


SCHOOL = String(64)
"""Every row carries its school (`[school] id`, or the TOML file's name): one deployment serves
a whole municipality, and no query may return another school's rows."""

SEALED = Text
"""A value sealed with the data key (storage.crypto): personal data is never stored in clear."""


class CaseRow(Base):
    """A case. Its personal content (the report, the investigation with its history, the plan
    versions and the evaluations) is one sealed JSON document; the columns beside it hold what
    routing, reminders and the school owner's figures need, and stay after the purge."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("school_id", "year", "number", name="uq_cases_school_id_year_number"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    school_id: Mapped[str] = mapped_column(SCHOOL, index=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    reporter_id: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime]
    category: Mapped[str] = mapped_column(String(40))
    urgent: Mapped[bool] = mapped_column(Boolean)
    leadership: Mapped[bool] = mapped_column(Boolean)
    serious: Mapped[bool] = mapped_column(Boolean)
    owner_must_be_notified: Mapped[bool] = mapped_column(Boolean)
    forwarded_to_owner: Mapped[bool] = mapped_column(Boolean)
    assignee_id: Mapped[str | None] = mapped_column(String(64), index=True)
    taken_at: Mapped[datetime | None]
    owner_notified_at: Mapped[datetime | None]
    owner_notified_by: Mapped[str | None] = mapped_column(String(64))
    investigation_started_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    suspected_id: Mapped[str | None] = mapped_column(String(64))
    members: Mapped[list[Any]] = mapped_column(JSON, default=list)
    responsible: Mapped[list[Any]] = mapped_column(JSON, default=list)
    """The current plan's responsible staff (ids): «Mine saker» finds the case by them."""
    sealed: Mapped[str | None] = mapped_column(SEALED)
    purged_at: Mapped[datetime | None]


class CaseRecipientRow(Base):
    __tablename__ = "case_recipients"

    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    school_id: Mapped[str] = mapped_column(SCHOOL)
    reason: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    acknowledged_at: Mapped[datetime | None]


class AuditEventRow(Base):
    """The audit trail: append only (a trigger refuses UPDATE and DELETE), and a hash chain
    per school, so a change, a removal or an insertion shows (`python -m bot audit verify`).
    No foreign key: the trail outlives the case it tells about."""

    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("school_id", "seq", name="uq_audit_events_school_id_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    school_id: Mapped[str] = mapped_column(SCHOOL)
    seq: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]
    detail: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The newest event of each school's chain: appends take this row's lock, one at a time."""

    __tablename__ = "audit_heads"

    school_id: Mapped[str] = mapped_column(SCHOOL, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class CaseCounterRow(Base):
    __tablename__ = "case_counters"

    school_id: Mapped[str] = mapped_column(SCHOOL, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    school_id: Mapped[str] = mapped_column(SCHOOL, index=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    recipient_id: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    target_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str | None] = mapped_column(SEALED)
    """Sealed, and emptied once the message is delivered (status and ids stay)."""
    stub: Mapped[str | None] = mapped_column(SEALED)
    activity_id: Mapped[str | None] = mapped_column(String(200))
    conversation_id: Mapped[str | None] = mapped_column(String(300))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    failure_reported_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(32))


class ConversationRow(Base):
    """A person's 1:1 chat with the bot, for each school the person works for."""

    __tablename__ = "conversations"

    school_id: Mapped[str] = mapped_column(SCHOOL, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    service_url: Mapped[str] = mapped_column(String(500))
    conversation_id: Mapped[str] = mapped_column(String(300))
    reference: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class ReportDraftRow(Base):
    """A report form and its checked answers, waiting for «Send»: kept here, not in the card,
    so the review card stays small and the answers survive a restart or another instance."""

    __tablename__ = "report_drafts"

    draft_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    school_id: Mapped[str] = mapped_column(SCHOOL)
    user_id: Mapped[str] = mapped_column(String(64))
    values: Mapped[str] = mapped_column(SEALED)
    updated_at: Mapped[datetime] = mapped_column(index=True)


class ReminderRow(Base):
    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_due", "status", "due_at"),)

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    school_id: Mapped[str] = mapped_column(SCHOOL)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime | None]
    detail: Mapped[dict[str, Any]]


class ObservationRow(Base):
    """Følge med: short dated notes about a pupil (plan 7.3, 8.1). The pupil is found by a keyed
    hash of name and class; the name, class and note themselves are sealed."""

    __tablename__ = "observations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    school_id: Mapped[str] = mapped_column(SCHOOL)
    pupil_key: Mapped[str] = mapped_column(String(64), index=True)
    case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    """The case reported about the pupil afterwards: the note is part of it and kept as long."""
    observed_on: Mapped[date] = mapped_column(Date)
    author_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    sealed: Mapped[str] = mapped_column(SEALED)


class ArchiveDeliveryRow(Base):
    """One document of a case on its way to the archive, in the order it must be sent.

    The ZIP is not kept: it is drawn again from the case when it is sent (the same case and
    `generated_at` give the same bytes), so nothing personal waits here in clear text."""

    __tablename__ = "archive_deliveries"
    __table_args__ = (Index("ix_archive_deliveries_due", "status", "next_attempt_at"),)

    case_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    school_id: Mapped[str] = mapped_column(SCHOOL, index=True)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer)
    queued_at: Mapped[datetime]
    generated_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    first_failure_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    receipt: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(SEALED)
    """The archive's reason for a rejection: it may quote the case's titles."""
    late_reported_at: Mapped[datetime | None]


class ExportLinkRow(Base):
    """A one-time download of a case's PDF, bound to the person who asked for it."""

    __tablename__ = "export_links"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    school_id: Mapped[str] = mapped_column(SCHOOL)
    case_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(64))
    redacted: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(10))
    """`pdf`, or `pack`: the documentation pack (every document as PDF, and an overview)."""
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class CalendarEventRow(Base):
    """The Outlook event that holds a case's evaluation date for one person."""

    __tablename__ = "calendar_events"

    case_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    school_id: Mapped[str] = mapped_column(SCHOOL)
    event_id: Mapped[str] = mapped_column(String(300))
    updated_at: Mapped[datetime]
