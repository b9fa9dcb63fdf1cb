"""The side effects the use cases need, as small protocols.

Storage, Teams and the directory of people live behind these, so the use cases run the same
against the SQL repositories in production and the hand-written fakes in `tests/fakes.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, Protocol

from bot.domain.case import Case, CaseEvent
from bot.domain.followup import Observation
from bot.domain.people import Person
from bot.domain.reminders import Reminder, ReminderStatus


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware, always."""
        ...


class Directory(Protocol):
    def person(self, aad_object_id: str) -> Person | None: ...

    def is_staff(self, aad_object_id: str) -> bool:
        """On the school's staff as configured (or, with Graph, as a leader the school takes
        from Entra ID), or one of the school owner's people: only they ever see a case,
        whoever may report one."""
        ...

    def rektor(self) -> Person | None: ...

    def deputy(self) -> Person | None: ...

    def nearest_leader(self, person: Person) -> Person | None: ...


@dataclass
class ConversationRef:
    """Where to reach a user proactively: the serialized Bot Framework reference, as JSON."""

    user_id: str
    tenant_id: str | None
    service_url: str
    conversation_id: str
    reference: dict[str, Any]
    updated_at: datetime


class MessageKind(StrEnum):
    ALERT = "alert"
    CARD_UPDATE = "card_update"
    NOTICE = "notice"


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SUPERSEDED = "superseded"


@dataclass
class OutboxMessage:
    """A message that must reach a person's chat, kept until it has.

    `key` makes enqueueing idempotent (one alert per case and recipient, whatever retries the
    caller makes). A CARD_UPDATE names in `target_key` the message whose sent activity it
    replaces; `version` lets a newer update win over one being sent.
    """

    id: str
    key: str
    kind: MessageKind
    recipient_id: str
    payload: dict[str, Any]
    created_at: datetime
    next_attempt_at: datetime
    case_id: str | None = None
    target_key: str | None = None
    status: MessageStatus = MessageStatus.PENDING
    attempts: int = 0
    version: int = 1
    activity_id: str | None = None
    conversation_id: str | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
    failure_reported_at: datetime | None = None
    lease_until: datetime | None = None
    lease_owner: str | None = None
    school_id: str = ""
    """Set by the outbox as it reads the message back: the sender serves every school."""
    stub: dict[str, Any] | None = None
    """What the message is replaced by in the chat `[privacy] card_minutes` after it arrived:
    a card with a case's free text does not linger in Teams."""


class CaseRepository(Protocol):
    async def add(self, case: Case) -> None: ...

    async def get(self, case_id: str) -> Case | None: ...

    async def get_for_update(self, case_id: str) -> Case | None:
        """Locks the case row until commit (PostgreSQL), so two presses cannot both win."""
        ...

    async def by_submission(self, submission_id: str) -> Case | None: ...

    async def by_reference(self, year: int, number: int) -> Case | None: ...

    async def save(self, case: Case) -> None: ...

    async def next_number(self, year: int) -> int: ...

    async def routed_to(self, person_id: str) -> Sequence[Case]: ...

    async def reported_by(self, person_id: str) -> Sequence[Case]: ...

    async def awaiting_acknowledgement(self) -> Sequence[Case]:
        """Open cases no recipient has acknowledged and that were not escalated yet."""
        ...

    async def open_cases(self) -> Sequence[Case]:
        """Every case not closed (and not purged): what the stale-case reminder looks at."""
        ...

    async def closed_unpurged(self) -> Sequence[Case]:
        """Closed cases whose personal data is still here: what the purge looks at."""
        ...

    async def purge(self, case_id: str, now: datetime) -> None:
        """The case becomes a tombstone: its sealed document goes, its columns stay."""
        ...


class EventLog(Protocol):
    async def append(self, events: Sequence[CaseEvent]) -> None: ...

    async def for_case(self, case_id: str) -> Sequence[CaseEvent]: ...


class Outbox(Protocol):
    async def enqueue(self, message: OutboxMessage) -> bool:
        """False when a message with the same key exists already (nothing is changed then)."""
        ...

    async def enqueue_many(self, messages: Sequence[OutboxMessage]) -> int:
        """One statement for many (the reminder dispatcher); keys already there are skipped."""
        ...

    async def enqueue_update(self, message: OutboxMessage) -> None:
        """Upsert by key: a pending update takes the newer payload and a bumped version."""
        ...

    async def get(self, key: str) -> OutboxMessage | None: ...

    async def claim_due(
        self, now: datetime, owner: str, lease_until: datetime, limit: int
    ) -> Sequence[OutboxMessage]:
        """Leases due messages to one sender; `SKIP LOCKED` keeps instances apart."""
        ...

    async def save(self, message: OutboxMessage) -> None: ...

    async def finish(self, message: OutboxMessage) -> bool:
        """Stores a send's outcome unless a newer version arrived meanwhile (then False)."""
        ...

    async def failed_unreported(self) -> Sequence[OutboxMessage]: ...

    async def for_case(self, case_id: str) -> Sequence[OutboxMessage]: ...

    async def forget_for_case(self, case_id: str) -> int:
        """Empties the payloads still held for a case's messages (unsent ones are dropped)."""
        ...

    async def hurry_stubs(self, case_id: str, recipient_id: str, now: datetime) -> int:
        """Makes the stubs still pending for a person's cards of a case due `now`: their access
        has ended, so the text must leave their chat at once."""
        ...


class Conversations(Protocol):
    async def upsert(self, ref: ConversationRef) -> None: ...

    async def get(self, user_id: str) -> ConversationRef | None: ...

    async def delete(self, user_id: str) -> None: ...

    async def latest(self) -> ConversationRef | None:
        """The newest reference: its service URL opens chats with users never seen yet."""
        ...


class Drafts(Protocol):
    """Report forms and their checked answers, waiting for «Send»; one row per form.

    A draft belongs to the person its form was made for: only they can fill, read or delete it.
    """

    async def open(self, draft_id: str, user_id: str, now: datetime) -> None:
        """A new form, empty, owned by `user_id`; an id already taken is left as it is."""
        ...

    async def owner(self, draft_id: str) -> str | None: ...

    async def save(
        self, draft_id: str, user_id: str, values: dict[str, str], now: datetime
    ) -> None:
        """Changes nothing when the draft belongs to someone else."""
        ...

    async def get(self, draft_id: str, user_id: str) -> dict[str, str] | None: ...

    async def delete(self, draft_id: str, user_id: str) -> None: ...

    async def purge(self, before: datetime) -> int: ...


class Reminders(Protocol):
    async def add(self, reminder: Reminder) -> bool:
        """False when a reminder with that key exists (planning twice is harmless)."""
        ...

    async def add_many(self, reminders: Sequence[Reminder]) -> int:
        """One statement for many; returns how many were new."""
        ...

    async def claim_due(self, now: datetime, limit: int) -> Sequence[Reminder]:
        """Due reminders, locked to this transaction (`SKIP LOCKED`: other dispatchers get
        others); they are marked in the same transaction, so each fires once."""
        ...

    async def save(self, reminder: Reminder) -> None: ...

    async def mark(
        self, keys: Sequence[str], status: ReminderStatus, sent_at: datetime | None
    ) -> None:
        """One statement for a batch of claimed reminders."""
        ...

    async def for_case(self, case_id: str) -> Sequence[Reminder]: ...

    async def delete_for_case(self, case_id: str) -> int: ...


class Observations(Protocol):
    async def add(self, observation: Observation) -> None: ...

    async def for_pupil(self, pupil_key: str) -> Sequence[Observation]: ...

    async def link(self, pupil_key: str, case_id: str) -> int:
        """The pupil's notes become part of a case reported about them: kept as long as it."""
        ...

    async def purge(self, before: datetime) -> int:
        """Notes written before `before` that did not become part of a case."""
        ...

    async def delete_for_case(self, case_id: str) -> int: ...


@dataclass
class ExportLink:
    token: str
    case_id: str
    user_id: str
    redacted: bool
    expires_at: datetime
    used_at: datetime | None = None
    kind: str = "pdf"
    """`pdf` (the case as one PDF) or `pack` (the documentation pack, a ZIP)."""


class ArchiveStatus(StrEnum):
    PENDING = "pending"
    RECEIVED = "received"
    """The archive answered 201: never send this document again (Mottak does not de-duplicate)."""
    REJECTED = "rejected"
    """The archive refused it (400/422): nothing more of the case goes until someone acts."""
    WRITTEN = "written"
    """No archive API: the ZIP lies in ARCHIVE_DIR for manual import."""
    IMPORTED = "imported"
    """Rektor confirmed the written package was imported in Websak."""
    SUPERSEDED = "superseded"
    """A document replaced before it went (an investigation saved again): its newer version
    is queued instead."""


ARCHIVED = frozenset({ArchiveStatus.RECEIVED, ArchiveStatus.IMPORTED})


@dataclass
class ArchiveEntry:
    """One document of a case on its way to the archive."""

    case_id: str
    key: str
    position: int
    queued_at: datetime
    generated_at: datetime
    """When the document's PDF says it was made: the same ZIP is drawn again at every try."""
    next_attempt_at: datetime
    status: ArchiveStatus = ArchiveStatus.PENDING
    attempts: int = 0
    first_failure_at: datetime | None = None
    delivered_at: datetime | None = None
    receipt: str | None = None
    reason: str | None = None
    late_reported_at: datetime | None = None


class ArchiveQueue(Protocol):
    async def add(self, entries: Sequence[ArchiveEntry]) -> None:
        """Entries already there (same case and key) are left as they are."""
        ...

    async def for_case(self, case_id: str) -> Sequence[ArchiveEntry]:
        """In the order they are sent."""
        ...

    async def due_cases(self, now: datetime, limit: int) -> Sequence[str]:
        """Cases with a pending document due now."""
        ...

    async def pending_cases(self) -> Sequence[str]: ...

    async def save(self, entry: ArchiveEntry) -> None: ...

    async def forget_for_case(self, case_id: str) -> None:
        """The archive's reasons (they may quote the case) go with the case's personal data."""
        ...


class ExportLinks(Protocol):
    async def add(self, link: ExportLink) -> None: ...

    async def use(self, token: str, now: datetime) -> ExportLink | None:
        """Marks the link used; None when unknown, used already or expired."""
        ...

    async def delete_for_case(self, case_id: str) -> int: ...


@dataclass(frozen=True)
class PlanFact:
    """A saved plan version as the audit trail keeps it after the purge: dates, no content."""

    version: int
    saved_at: datetime
    evaluate_on: date


@dataclass(frozen=True)
class EvaluationFact:
    version: int
    at: datetime
    outcome: str


@dataclass(frozen=True)
class CaseFacts:
    """What the figures need of one case: flags and dates, never a name or a free text.

    Everything here outlives the purge (columns of the case, its recipients' acknowledgements
    and the audit trail), so a year's figures can be drawn after its cases were emptied."""

    case_id: str
    reported_at: datetime
    category: str
    state: str
    section_12_5: bool
    """An employee is suspected (the report goes to rektor *straks*); the leadership: below."""
    leadership: bool
    serious: bool
    routed: bool
    """Someone at the school received it (a case about the leadership reaches nobody there)."""
    acknowledged_at: datetime | None
    """The first acknowledgement by anyone it was routed to."""
    rektor_acknowledged_at: datetime | None
    investigation_started_at: datetime | None
    closed_at: datetime | None
    plans: tuple[PlanFact, ...] = ()
    evaluations: tuple[EvaluationFact, ...] = ()


class StatsSource(Protocol):
    async def facts(self, since: datetime, until: datetime) -> Sequence[CaseFacts]:
        """The facts of the cases reported in [since, until), oldest first, purged ones too."""
        ...


class UnitOfWork(Protocol):
    """One transaction: what a use case changes is committed together or not at all."""

    # Read-only, so an implementation may narrow them to its own repository classes.
    @property
    def cases(self) -> CaseRepository: ...

    @property
    def events(self) -> EventLog: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def conversations(self) -> Conversations: ...

    @property
    def drafts(self) -> Drafts: ...

    @property
    def reminders(self) -> Reminders: ...

    @property
    def observations(self) -> Observations: ...

    @property
    def export_links(self) -> ExportLinks: ...

    @property
    def calendar_events(self) -> CalendarEvents: ...

    @property
    def archive(self) -> ArchiveQueue: ...

    @property
    def stats(self) -> StatsSource: ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class DuplicateSubmission(Exception):
    """Raised by a repository when a concurrent turn stored the same draft first."""


class DeliveryError(Exception):
    """A send that failed; `retryable` and `retry_after` come from the channel's answer."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


@dataclass
class Delivered:
    activity_id: str | None
    conversation: ConversationRef | None = None
    """Set when the notifier had to create the conversation; the caller stores it."""


class Notifier(Protocol):
    async def send(
        self, recipient_id: str, conversation: ConversationRef | None, payload: dict[str, Any]
    ) -> Delivered: ...

    async def update(
        self, conversation: ConversationRef, activity_id: str, payload: dict[str, Any]
    ) -> None: ...


class AppInstaller(Protocol):
    """Installs the app for a user who never opened it (Graph), so an alert can reach them."""

    async def install_and_get_chat(self, user_id: str) -> str:
        """The personal chat's id; raises a `DeliveryError` (retryable or not) when it cannot."""
        ...


class Calendar(Protocol):
    async def upsert_event(
        self,
        user_id: str,
        event_id: str | None,
        subject: str,
        start: datetime,
        end: datetime,
        body_text: str,
    ) -> str:
        """Subject and body carry the case number only, never the pupil's name."""
        ...


class CalendarEvents(Protocol):
    """Which calendar event holds a case's evaluation date for a person."""

    async def get(self, case_id: str, user_id: str) -> str | None: ...

    async def put(self, case_id: str, user_id: str, event_id: str, now: datetime) -> None: ...

    async def delete_for_case(self, case_id: str) -> int: ...


class Locator(Protocol):
    """The one read across schools, returning school ids only: a turn about a case or a draft
    goes to its school's use cases, and the sender asks once which schools have work due."""

    async def school_of_case(self, case_id: str) -> str | None: ...

    async def school_of_draft(self, draft_id: str) -> str | None: ...

    async def schools_with_mail(self, now: datetime) -> set[str]: ...

    async def schools_with_archive_work(self, now: datetime) -> set[str]: ...

    async def schools_with_due_work(self, now: datetime) -> set[str]: ...

    async def schools_of_person(self, person_id: str) -> set[str]: ...
