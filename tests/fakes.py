"""Hand-written fakes of the ports: in-memory, with the same semantics as the SQL versions.

`tests/test_repository_contract.py` runs one suite against these and the SQL repositories, so a
fake that drifts from the real thing fails there first.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Any

from bot.domain.case import Case, CaseEvent, CaseState, EventKind
from bot.domain.followup import Observation
from bot.domain.reminders import Reminder, ReminderStatus
from bot.domain.routing import Reason
from bot.domain.substitutes import Substitution
from bot.services.ports import (
    ArchiveEntry,
    ArchiveStatus,
    CaseFacts,
    ConversationRef,
    Delivered,
    DeliveryError,
    DuplicateSubmission,
    EvaluationFact,
    ExportLink,
    MessageStatus,
    OutboxMessage,
    PlanFact,
)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        assert now.tzinfo is not None
        self._now = now

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)

    def set(self, now: datetime) -> None:
        assert now.tzinfo is not None
        self._now = now


@dataclass
class FakeStore:
    """The committed state, shared by all units of work of one fake database."""

    cases: dict[str, Case] = field(default_factory=dict)
    events: list[CaseEvent] = field(default_factory=list)
    outbox: dict[str, OutboxMessage] = field(default_factory=dict)
    conversations: dict[str, ConversationRef] = field(default_factory=dict)
    counters: dict[int, int] = field(default_factory=dict)
    drafts: dict[str, tuple[str, dict[str, str], datetime]] = field(default_factory=dict)
    reminders: dict[str, Reminder] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)
    export_links: dict[str, ExportLink] = field(default_factory=dict)
    calendar_events: dict[tuple[str, str], str] = field(default_factory=dict)
    archive: dict[tuple[str, str], ArchiveEntry] = field(default_factory=dict)
    note_cases: dict[str, str] = field(default_factory=dict)
    """Observation id → the case it became part of."""
    tombstones: dict[str, datetime] = field(default_factory=dict)
    """Purged case id → when: its Case is gone, as the sealed document is in SQL."""
    substitutions: list[Substitution] = field(default_factory=list)
    columns: dict[str, Case] = field(default_factory=dict)
    """A purged case as its columns and recipients stay in SQL: only `_Stats` reads it."""


class _Cases:
    def __init__(self, work: FakeStore) -> None:
        self._w = work

    async def add(self, case: Case) -> None:
        if any(c.submission_id == case.submission_id for c in self._w.cases.values()):
            raise DuplicateSubmission()
        self._w.cases[case.id] = copy.deepcopy(case)

    async def get(self, case_id: str) -> Case | None:
        case = self._w.cases.get(case_id)
        return copy.deepcopy(case) if case else None

    async def get_for_update(self, case_id: str) -> Case | None:
        return await self.get(case_id)

    async def by_submission(self, submission_id: str) -> Case | None:
        found = next((c for c in self._w.cases.values() if c.submission_id == submission_id),
                     None)
        return copy.deepcopy(found) if found else None

    async def by_reference(self, year: int, number: int) -> Case | None:
        found = next((c for c in self._w.cases.values()
                      if c.created_at.year == year and c.number == number), None)
        return copy.deepcopy(found) if found else None

    async def save(self, case: Case) -> None:
        self._w.cases[case.id] = copy.deepcopy(case)

    async def next_number(self, year: int) -> int:
        self._w.counters[year] = self._w.counters.get(year, 0) + 1
        return self._w.counters[year]

    async def routed_to(self, person_id: str) -> Sequence[Case]:
        found = [c for c in self._w.cases.values() if c.can_view(person_id)]
        return [copy.deepcopy(c) for c in sorted(found, key=lambda c: c.created_at,
                                                 reverse=True)]

    async def reported_by(self, person_id: str) -> Sequence[Case]:
        found = [c for c in self._w.cases.values() if c.reporter_id == person_id]
        return [copy.deepcopy(c) for c in sorted(found, key=lambda c: c.created_at,
                                                 reverse=True)]

    async def awaiting_acknowledgement(self) -> Sequence[Case]:
        return [
            copy.deepcopy(c) for c in self._w.cases.values()
            if c.state is CaseState.MELDE_FRA and c.escalated_at is None and c.unacknowledged
        ]

    async def open_cases(self) -> Sequence[Case]:
        return [copy.deepcopy(c) for c in self._w.cases.values() if c.closed_at is None]

    async def closed_unpurged(self) -> Sequence[Case]:
        return [copy.deepcopy(c) for c in self._w.cases.values() if c.closed_at is not None]

    async def purge(self, case_id: str, now: datetime) -> None:
        gone = self._w.cases.pop(case_id, None)
        if gone is not None:
            self._w.tombstones[case_id] = now
            self._w.columns[case_id] = gone


class _Events:
    def __init__(self, work: FakeStore) -> None:
        self._w = work

    async def append(self, events: Sequence[CaseEvent]) -> None:
        self._w.events.extend(events)

    async def for_case(self, case_id: str | None) -> Sequence[CaseEvent]:
        return [e for e in self._w.events if e.case_id == case_id]


class _Outbox:
    def __init__(self, work: FakeStore) -> None:
        self._w = work

    async def enqueue(self, message: OutboxMessage) -> bool:
        if message.key in self._w.outbox:
            return False
        self._w.outbox[message.key] = copy.deepcopy(message)
        return True

    async def enqueue_many(self, messages: Sequence[OutboxMessage]) -> int:
        return sum([await self.enqueue(m) for m in messages])

    async def enqueue_update(self, message: OutboxMessage) -> None:
        existing = self._w.outbox.get(message.key)
        if existing is None:
            self._w.outbox[message.key] = copy.deepcopy(message)
            return
        existing.payload = copy.deepcopy(message.payload)
        existing.stub = copy.deepcopy(message.stub)
        existing.version += 1
        existing.status = MessageStatus.PENDING
        existing.attempts = 0
        existing.next_attempt_at = message.next_attempt_at
        existing.last_error = None

    async def get(self, key: str) -> OutboxMessage | None:
        found = self._w.outbox.get(key)
        return copy.deepcopy(found) if found else None

    async def claim_due(self, now: datetime, owner: str, lease_until: datetime, limit: int
                        ) -> Sequence[OutboxMessage]:
        due = sorted(
            (m for m in self._w.outbox.values()
             if m.status is MessageStatus.PENDING and m.next_attempt_at <= now
             and (m.lease_until is None or m.lease_until < now)),
            key=lambda m: (m.next_attempt_at, m.created_at),
        )[:limit]
        for m in due:
            m.lease_until, m.lease_owner = lease_until, owner
        return [copy.deepcopy(m) for m in due]

    def _by_id(self, message_id: str) -> OutboxMessage:
        return next(m for m in self._w.outbox.values() if m.id == message_id)

    async def save(self, message: OutboxMessage) -> None:
        stored = self._by_id(message.id)
        self._w.outbox[stored.key] = copy.deepcopy(message)

    async def finish(self, message: OutboxMessage) -> bool:
        stored = self._by_id(message.id)
        if stored.version != message.version:
            stored.lease_until = stored.lease_owner = None
            stored.activity_id = message.activity_id
            stored.conversation_id = message.conversation_id
            return False
        updated = copy.deepcopy(message)
        updated.payload = stored.payload
        updated.lease_until = updated.lease_owner = None
        self._w.outbox[stored.key] = updated
        return True

    async def failed_unreported(self) -> Sequence[OutboxMessage]:
        return [copy.deepcopy(m) for m in sorted(self._w.outbox.values(),
                                                 key=lambda m: m.created_at)
                if m.status is MessageStatus.FAILED and m.failure_reported_at is None]

    async def for_case(self, case_id: str) -> Sequence[OutboxMessage]:
        return [copy.deepcopy(m) for m in sorted(self._w.outbox.values(),
                                                 key=lambda m: (m.created_at, m.key))
                if m.case_id == case_id]

    async def forget_for_case(self, case_id: str) -> int:
        forgotten = 0
        for message in self._w.outbox.values():
            if message.case_id == case_id and (message.payload or message.stub):
                message.payload, message.stub = {}, None
                if message.status is MessageStatus.PENDING:
                    message.status = MessageStatus.SUPERSEDED
                forgotten += 1
        return forgotten

    async def hurry_stubs(self, case_id: str, recipient_id: str, now: datetime) -> int:
        hurried = [
            m for m in self._w.outbox.values()
            if m.case_id == case_id and m.recipient_id == recipient_id
            and m.key.startswith("stub:") and m.status is MessageStatus.PENDING
        ]
        for message in hurried:
            message.next_attempt_at = now
        return len(hurried)


class _Conversations:
    def __init__(self, work: FakeStore) -> None:
        self._w = work

    async def upsert(self, ref: ConversationRef) -> None:
        self._w.conversations[ref.user_id] = copy.deepcopy(ref)

    async def get(self, user_id: str) -> ConversationRef | None:
        found = self._w.conversations.get(user_id)
        return copy.deepcopy(found) if found else None

    async def delete(self, user_id: str) -> None:
        self._w.conversations.pop(user_id, None)

    async def latest(self) -> ConversationRef | None:
        if not self._w.conversations:
            return None
        return copy.deepcopy(max(self._w.conversations.values(), key=lambda r: r.updated_at))


class _Drafts:
    def __init__(self, work: FakeStore) -> None:
        self._w = work

    async def save(self, draft_id: str, user_id: str, values: dict[str, str],
                   now: datetime) -> None:
        existing = self._w.drafts.get(draft_id)
        if existing is not None and existing[0] != user_id:
            return
        self._w.drafts[draft_id] = (user_id, dict(values), now)

    async def get(self, draft_id: str, user_id: str) -> dict[str, str] | None:
        found = self._w.drafts.get(draft_id)
        if found is None or found[0] != user_id:
            return None
        return dict(found[1])

    async def open(self, draft_id: str, user_id: str, now: datetime) -> None:
        self._w.drafts.setdefault(draft_id, (user_id, {}, now))

    async def owner(self, draft_id: str) -> str | None:
        found = self._w.drafts.get(draft_id)
        return found[0] if found else None

    async def delete(self, draft_id: str, user_id: str) -> None:
        found = self._w.drafts.get(draft_id)
        if found is not None and found[0] == user_id:
            del self._w.drafts[draft_id]

    async def purge(self, before: datetime) -> int:
        old = [k for k, (_, _, at) in self._w.drafts.items() if at < before]
        for key in old:
            del self._w.drafts[key]
        return len(old)


class _Reminders:
    def __init__(self, work: FakeStore) -> None:
        self._w = work

    async def add(self, reminder: Reminder) -> bool:
        if reminder.key in self._w.reminders:
            return False
        self._w.reminders[reminder.key] = copy.deepcopy(reminder)
        return True

    async def add_many(self, reminders: Sequence[Reminder]) -> int:
        return sum([await self.add(r) for r in reminders])

    async def claim_due(self, now: datetime, limit: int) -> Sequence[Reminder]:
        due = sorted((r for r in self._w.reminders.values()
                      if r.status is ReminderStatus.PENDING and r.due_at <= now),
                     key=lambda r: (r.due_at, r.key))[:limit]
        return [copy.deepcopy(r) for r in due]

    async def save(self, reminder: Reminder) -> None:
        self._w.reminders[reminder.key] = copy.deepcopy(reminder)

    async def mark(self, keys: Sequence[str], status: ReminderStatus,
                   sent_at: datetime | None) -> None:
        for key in keys:
            self._w.reminders[key].status = status
            self._w.reminders[key].sent_at = sent_at

    async def for_case(self, case_id: str) -> Sequence[Reminder]:
        return [copy.deepcopy(r) for r in sorted(self._w.reminders.values(),
                                                 key=lambda r: (r.due_at, r.key))
                if r.case_id == case_id]

    async def delete_for_case(self, case_id: str) -> int:
        gone = [k for k, r in self._w.reminders.items() if r.case_id == case_id]
        for key in gone:
            del self._w.reminders[key]
        return len(gone)


class _Observations:
    def __init__(self, work: FakeStore) -> None:
        self._w = work

    async def add(self, observation: Observation) -> None:
        self._w.observations.append(observation)

    async def for_pupil(self, pupil_key: str) -> Sequence[Observation]:
        return sorted((o for o in self._w.observations if o.pupil_key == pupil_key),
                      key=lambda o: (o.observed_on, o.created_at), reverse=True)

    async def purge(self, before: datetime) -> int:
        gone = [o for o in self._w.observations
                if o.created_at < before and o.id not in self._w.note_cases]
        self._w.observations = [o for o in self._w.observations if o not in gone]
        return len(gone)

    async def delete_for_case(self, case_id: str) -> int:
        ids = {i for i, c in self._w.note_cases.items() if c == case_id}
        before = len(self._w.observations)
        self._w.observations = [o for o in self._w.observations if o.id not in ids]
        return before - len(self._w.observations)

    async def link(self, pupil_key: str, case_id: str) -> int:
        linked = 0
        for o in self._w.observations:
            if o.pupil_key == pupil_key and o.id not in self._w.note_cases:
                self._w.note_cases[o.id] = case_id
                linked += 1
        return linked


class _Archive:
    def __init__(self, work: FakeStore) -> None:
        self._w = work

    async def add(self, entries: Sequence[ArchiveEntry]) -> None:
        for entry in entries:
            self._w.archive.setdefault((entry.case_id, entry.key), copy.deepcopy(entry))

    async def for_case(self, case_id: str) -> Sequence[ArchiveEntry]:
        return sorted((copy.deepcopy(e) for (c, _), e in self._w.archive.items()
                       if c == case_id), key=lambda e: e.position)

    async def due_cases(self, now: datetime, limit: int) -> Sequence[str]:
        due = {e.case_id for e in self._w.archive.values()
               if e.status is ArchiveStatus.PENDING and e.next_attempt_at <= now}
        return sorted(due)[:limit]

    async def pending_cases(self) -> Sequence[str]:
        return sorted({e.case_id for e in self._w.archive.values() if e.status in (
            ArchiveStatus.PENDING, ArchiveStatus.REJECTED, ArchiveStatus.WRITTEN)})

    async def save(self, entry: ArchiveEntry) -> None:
        self._w.archive[(entry.case_id, entry.key)] = copy.deepcopy(entry)

    async def forget_for_case(self, case_id: str) -> None:
        for (case, _), entry in self._w.archive.items():
            if case == case_id:
                entry.reason = None


class _ExportLinks:
    def __init__(self, work: FakeStore) -> None:
        self._w = work

    async def add(self, link: ExportLink) -> None:
        self._w.export_links[link.token] = copy.deepcopy(link)

    async def use(self, token: str, now: datetime) -> ExportLink | None:
        link = self._w.export_links.get(token)
        if link is None or link.used_at is not None or link.expires_at <= now:
            return None
        link.used_at = now
        return copy.deepcopy(link)

    async def delete_for_case(self, case_id: str) -> int:
        gone = [t for t, link in self._w.export_links.items() if link.case_id == case_id]
        for token in gone:
            del self._w.export_links[token]
        return len(gone)


class _CalendarEvents:
    def __init__(self, work: FakeStore) -> None:
        self._w = work

    async def get(self, case_id: str, user_id: str) -> str | None:
        return self._w.calendar_events.get((case_id, user_id))

    async def put(self, case_id: str, user_id: str, event_id: str, now: datetime) -> None:
        self._w.calendar_events[(case_id, user_id)] = event_id

    async def delete_for_case(self, case_id: str) -> int:
        gone = [k for k in self._w.calendar_events if k[0] == case_id]
        for key in gone:
            del self._w.calendar_events[key]
        return len(gone)


def case_facts(case: Case, events: Sequence[CaseEvent]) -> CaseFacts:
    """The facts as the SQL read builds them: plans and evaluations from the audit trail."""
    acknowledged = [r.acknowledged_at for r in case.recipients if r.acknowledged_at]
    rektor = next((r for r in case.recipients if r.reason is Reason.REKTOR), None)
    mine = [e for e in events if e.case_id == case.id]
    return CaseFacts(
        case_id=case.id,
        reported_at=case.created_at,
        category=case.report.category,
        state=case.state.value,
        section_12_5=case.urgent and not case.report.leadership_suspected,
        leadership=case.report.leadership_suspected,
        serious=case.report.serious,
        routed=bool(case.recipients),
        acknowledged_at=min(acknowledged) if acknowledged else None,
        rektor_acknowledged_at=rektor.acknowledged_at if rektor else None,
        investigation_started_at=case.investigation_started_at,
        closed_at=case.closed_at,
        plans=tuple(
            PlanFact(int(e.detail["version"]), e.at, date.fromisoformat(e.detail["evaluate_on"]))
            for e in mine if e.kind is EventKind.PLAN_SAVED
        ),
        evaluations=tuple(
            EvaluationFact(int(e.detail["version"]), e.at, e.detail["outcome"])
            for e in mine if e.kind is EventKind.EVALUATED
        ),
    )


class _Stats:
    def __init__(self, work: FakeStore) -> None:
        self._w = work

    async def facts(self, since: datetime, until: datetime) -> Sequence[CaseFacts]:
        every = [*self._w.cases.values(), *self._w.columns.values()]
        found = sorted((c for c in every if since <= c.created_at < until),
                       key=lambda c: (c.created_at, c.id))
        return [case_facts(c, self._w.events) for c in found]


class _Substitutions:
    def __init__(self, work: FakeStore) -> None:
        self._w = work

    async def add(self, substitution: Substitution, now: datetime) -> None:
        self._w.substitutions.append(substitution)

    async def current(self, day: date) -> list[Substitution]:
        return sorted((s for s in self._w.substitutions if s.ends_on >= day),
                      key=lambda s: s.starts_on)


class FakeUnitOfWork:
    """Works on a copy of the store and publishes it on commit, like a transaction."""

    def __init__(self, store: FakeStore) -> None:
        self._store = store
        self.commits = 0

    async def __aenter__(self) -> FakeUnitOfWork:
        self._work = copy.deepcopy(self._store)
        self.cases = _Cases(self._work)
        self.events = _Events(self._work)
        self.outbox = _Outbox(self._work)
        self.conversations = _Conversations(self._work)
        self.drafts = _Drafts(self._work)
        self.reminders = _Reminders(self._work)
        self.observations = _Observations(self._work)
        self.export_links = _ExportLinks(self._work)
        self.calendar_events = _CalendarEvents(self._work)
        self.archive = _Archive(self._work)
        self.substitutions = _Substitutions(self._work)
        self.stats = _Stats(self._work)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        self._work = FakeStore()

    async def commit(self) -> None:
        for name in ("cases", "events", "outbox", "conversations", "counters", "drafts",
                     "reminders", "observations", "export_links", "calendar_events",
                     "archive", "note_cases", "tombstones", "columns", "substitutions"):
            setattr(self._store, name, copy.deepcopy(getattr(self._work, name)))
        self.commits += 1

    async def rollback(self) -> None:
        self._work = copy.deepcopy(self._store)


@dataclass
class SentMessage:
    recipient_id: str
    payload: dict[str, Any]
    activity_id: str


class FakeNotifier:
    """Records what would reach Teams; `fail_with` makes the next sends fail as scripted."""

    def __init__(self) -> None:
        self.sent: list[SentMessage] = []
        self.updates: list[tuple[str, str, dict[str, Any]]] = []
        self.fail_with: list[DeliveryError] = []
        self._counter = 0

    async def send(self, recipient_id: str, conversation: ConversationRef | None,
                   payload: dict[str, Any]) -> Delivered:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self._counter += 1
        activity_id = f"act-{self._counter}"
        self.sent.append(SentMessage(recipient_id, copy.deepcopy(payload), activity_id))
        return Delivered(activity_id)

    async def update(self, conversation: ConversationRef, activity_id: str,
                     payload: dict[str, Any]) -> None:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.updates.append((conversation.user_id, activity_id, copy.deepcopy(payload)))
