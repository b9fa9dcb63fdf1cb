"""A case along the five sub-duties of §12-4, and everything that happens to it.

The sub-duties (følge med, gripe inn, melde fra, undersøke, tiltak) are the case's states; a
report enters at *melde fra*. Each change returns the events it caused, so the use case can
store the change and its audit trail in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain.report import Report
from bot.domain.routing import Reason, Routing


class CaseState(StrEnum):
    FOLGE_MED = "folge_med"
    GRIPE_INN = "gripe_inn"
    MELDE_FRA = "melde_fra"
    UNDERSOKE = "undersoke"
    TILTAK = "tiltak"
    AVSLUTTET = "avsluttet"
    SKOLEEIER = "skoleeier"


STATE_LABELS: dict[CaseState, str] = {
    CaseState.FOLGE_MED: "Følge med",
    CaseState.GRIPE_INN: "Gripe inn",
    CaseState.MELDE_FRA: "Meldt fra",
    CaseState.UNDERSOKE: "Undersøkes",
    CaseState.TILTAK: "Tiltak (aktivitetsplan)",
    CaseState.AVSLUTTET: "Avsluttet",
    CaseState.SKOLEEIER: "Sendt til skoleeier",
}

TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.FOLGE_MED: frozenset({CaseState.GRIPE_INN, CaseState.MELDE_FRA}),
    CaseState.GRIPE_INN: frozenset({CaseState.MELDE_FRA}),
    CaseState.MELDE_FRA: frozenset({CaseState.UNDERSOKE, CaseState.SKOLEEIER}),
    CaseState.UNDERSOKE: frozenset({CaseState.TILTAK, CaseState.AVSLUTTET}),
    CaseState.TILTAK: frozenset({CaseState.TILTAK, CaseState.AVSLUTTET}),
    CaseState.AVSLUTTET: frozenset(),
    CaseState.SKOLEEIER: frozenset(),
}


class EventKind(StrEnum):
    REPORTED = "reported"
    ROUTED = "routed"
    FORWARDED_TO_OWNER = "forwarded_to_owner"
    ALERT_QUEUED = "alert_queued"
    ALERT_SENT = "alert_sent"
    ALERT_FAILED = "alert_failed"
    ACKNOWLEDGED = "acknowledged"
    TAKEN = "taken"
    OWNER_NOTIFIED = "owner_notified"
    ESCALATED = "escalated"
    INVESTIGATION_STARTED = "investigation_started"
    STATE_CHANGED = "state_changed"


@dataclass(frozen=True)
class CaseEvent:
    """One line of the audit trail. `detail` holds ids and codes, never a pupil's name or text."""

    case_id: str
    kind: EventKind
    actor_id: str | None
    at: datetime
    detail: dict[str, str] = field(default_factory=dict)


class DomainError(Exception):
    """A rule of the case was broken; `message` is Norwegian and safe to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AccessDenied(DomainError):
    def __init__(self) -> None:
        super().__init__("Du har ikke tilgang til denne saken.")


class InvalidTransition(DomainError):
    pass


@dataclass
class CaseRecipient:
    person_id: str
    reason: Reason
    acknowledged_at: datetime | None = None


@dataclass
class Case:
    id: str
    number: int
    submission_id: str
    reporter_id: str
    report: Report
    state: CaseState
    created_at: datetime
    urgent: bool
    owner_must_be_notified: bool
    forwarded_to_owner: bool
    recipients: list[CaseRecipient] = field(default_factory=list)
    assignee_id: str | None = None
    taken_at: datetime | None = None
    owner_notified_at: datetime | None = None
    owner_notified_by: str | None = None
    investigation_started_at: datetime | None = None
    escalated_at: datetime | None = None

    @property
    def reference(self) -> str:
        """The case number as people say it on the phone."""
        return f"{self.created_at.year}-{self.number:04d}"

    @classmethod
    def open(
        cls,
        *,
        case_id: str,
        number: int,
        submission_id: str,
        reporter_id: str,
        report: Report,
        routing: Routing,
        now: datetime,
    ) -> tuple[Case, list[CaseEvent]]:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        case = cls(
            id=case_id,
            number=number,
            submission_id=submission_id,
            reporter_id=reporter_id,
            report=report,
            state=CaseState.SKOLEEIER if routing.forwarded_to_owner else CaseState.MELDE_FRA,
            created_at=now,
            urgent=routing.urgent,
            owner_must_be_notified=routing.owner_must_be_notified,
            forwarded_to_owner=routing.forwarded_to_owner,
            recipients=[
                # Rektor reporting a case receives it, so it counts as acknowledged at once.
                CaseRecipient(
                    r.person.aad_object_id,
                    r.reason,
                    now if r.person.aad_object_id == reporter_id else None,
                )
                for r in routing.recipients
            ],
        )
        events = [
            CaseEvent(
                case_id,
                EventKind.REPORTED,
                reporter_id,
                now,
                {
                    "category": report.category,
                    "source": report.source.value,
                    "urgent": str(routing.urgent).lower(),
                    "serious": str(report.serious).lower(),
                },
            ),
            CaseEvent(
                case_id,
                EventKind.ROUTED,
                None,
                now,
                {
                    "recipients": ",".join(routing.recipient_ids),
                    "warnings": ",".join(routing.warnings),
                },
            ),
        ]
        if routing.forwarded_to_owner:
            events.append(CaseEvent(case_id, EventKind.FORWARDED_TO_OWNER, reporter_id, now))
        return case, events

    def recipient(self, person_id: str) -> CaseRecipient | None:
        return next((r for r in self.recipients if r.person_id == person_id), None)

    def is_routed_to(self, person_id: str) -> bool:
        return self.recipient(person_id) is not None or self.assignee_id == person_id

    def _require_routed(self, person_id: str) -> CaseRecipient:
        recipient = self.recipient(person_id)
        if recipient is None:
            raise AccessDenied()
        return recipient

    def acknowledge(self, person_id: str, now: datetime) -> list[CaseEvent]:
        """Idempotent: a second press changes nothing and records nothing."""
        recipient = self._require_routed(person_id)
        if recipient.acknowledged_at is not None:
            return []
        recipient.acknowledged_at = now
        return [CaseEvent(self.id, EventKind.ACKNOWLEDGED, person_id, now)]

    def take(self, person_id: str, now: datetime) -> list[CaseEvent]:
        """The first to take the case owns it; taking implies acknowledging."""
        events = self.acknowledge(person_id, now)
        if self.assignee_id == person_id:
            return events
        if self.assignee_id is not None:
            raise DomainError("Saken er allerede tatt av en annen.")
        self.assignee_id = person_id
        self.taken_at = now
        events.append(CaseEvent(self.id, EventKind.TAKEN, person_id, now))
        return events

    def record_owner_notified(self, person_id: str, now: datetime) -> list[CaseEvent]:
        recipient = self._require_routed(person_id)
        if recipient.reason is not Reason.REKTOR:
            raise DomainError("Bare rektor registrerer at skoleeier er varslet.")
        if self.owner_notified_at is not None:
            return []
        events = self.acknowledge(person_id, now)
        self.owner_notified_at = now
        self.owner_notified_by = person_id
        events.append(CaseEvent(self.id, EventKind.OWNER_NOTIFIED, person_id, now))
        return events

    def start_investigation(self, person_id: str, now: datetime) -> list[CaseEvent]:
        """Delplikt 4: the school must investigate *snarest*. Starting twice changes nothing."""
        self._require_routed(person_id)
        if self.state is CaseState.UNDERSOKE or self.investigation_started_at is not None:
            return []
        events = self.take(person_id, now) if self.assignee_id is None else []
        events += self._move(CaseState.UNDERSOKE, person_id, now)
        self.investigation_started_at = now
        events.append(CaseEvent(self.id, EventKind.INVESTIGATION_STARTED, person_id, now))
        return events

    def _move(self, target: CaseState, actor_id: str, now: datetime) -> list[CaseEvent]:
        if target not in TRANSITIONS[self.state]:
            raise InvalidTransition(
                f"Saken kan ikke gå fra «{STATE_LABELS[self.state]}» til «{STATE_LABELS[target]}»."
            )
        previous = self.state
        self.state = target
        return [
            CaseEvent(
                self.id,
                EventKind.STATE_CHANGED,
                actor_id,
                now,
                {"from": previous.value, "to": target.value},
            )
        ]

    @property
    def unacknowledged(self) -> bool:
        return bool(self.recipients) and all(r.acknowledged_at is None for r in self.recipients)
