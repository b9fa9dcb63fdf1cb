"""Tables. The domain's dataclasses are mapped to these by hand in `storage.repositories`.

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


class CaseRow(Base):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("year", "number", name="uq_cases_year_number"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    reporter_id: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime]
    urgent: Mapped[bool] = mapped_column(Boolean)
    owner_must_be_notified: Mapped[bool] = mapped_column(Boolean)
    forwarded_to_owner: Mapped[bool] = mapped_column(Boolean)
    assignee_id: Mapped[str | None] = mapped_column(String(64), index=True)
    taken_at: Mapped[datetime | None]
    owner_notified_at: Mapped[datetime | None]
    owner_notified_by: Mapped[str | None] = mapped_column(String(64))
    investigation_started_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    report: Mapped[dict[str, Any]]
    investigation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    plans: Mapped[list[Any]] = mapped_column(JSON, default=list)
    evaluations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    members: Mapped[list[Any]] = mapped_column(JSON, default=list)
    closed_at: Mapped[datetime | None]


class CaseRecipientRow(Base):
    __tablename__ = "case_recipients"

    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    reason: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    acknowledged_at: Mapped[datetime | None]


class CaseEventRow(Base):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]
    detail: Mapped[dict[str, Any]]


class CaseCounterRow(Base):
    __tablename__ = "case_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    recipient_id: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    target_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]]
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
    __tablename__ = "conversations"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    service_url: Mapped[str] = mapped_column(String(500))
    conversation_id: Mapped[str] = mapped_column(String(300))
    reference: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class ReportDraftRow(Base):
    """A checked report waiting for «Send»: kept here, not in the card, so the review card
    stays small and the answers survive a restart or another bot instance."""

    __tablename__ = "report_drafts"

    draft_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(index=True)


class ReminderRow(Base):
    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_due", "status", "due_at"),)

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime | None]
    detail: Mapped[dict[str, Any]]


class ObservationRow(Base):
    """Følge med: short dated notes about a pupil (plan 7.3, 8.1)."""

    __tablename__ = "observations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pupil_key: Mapped[str] = mapped_column(String(200), index=True)
    pupil_name: Mapped[str] = mapped_column(String(120))
    pupil_class: Mapped[str] = mapped_column(String(40))
    observed_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ExportLinkRow(Base):
    """A one-time download of a case's PDF, bound to the person who asked for it."""

    __tablename__ = "export_links"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(64))
    redacted: Mapped[bool] = mapped_column(Boolean)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class CalendarEventRow(Base):
    """The Outlook event that holds a case's evaluation date for one person."""

    __tablename__ = "calendar_events"

    case_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(300))
    updated_at: Mapped[datetime]
