"""A case along the five sub-duties of §12-4, and everything that happens to it.

The sub-duties (følge med, gripe inn, melde fra, undersøke, tiltak) are the case's states; a
report enters at *melde fra*. Each change returns the events it caused, so the use case can
store the change and its audit trail in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.domain.followup import ActivityPlan, Evaluation, Investigation, Outcome
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
    INVESTIGATION_UPDATED = "investigation_updated"
    PLAN_SAVED = "plan_saved"
    EVALUATED = "evaluated"
    CLOSED = "closed"
    MEMBER_ADDED = "member_added"
    REMINDER_SENT = "reminder_sent"
    VIEWED = "viewed"
    EXPORTED = "exported"
    STATE_CHANGED = "state_changed"
    ACCESS_REFUSED = "access_refused"
    """Someone asked for a case (or a pupil's log) they may not see: that is audited too."""
    LOG_WRITTEN = "log_written"
    LOG_READ = "log_read"
    MEMBER_REMOVED = "member_removed"
    ARCHIVE_QUEUED = "archive_queued"
    ARCHIVED = "archived"
    """The archive answered 201 for one of the case's documents."""
    ARCHIVE_WRITTEN = "archive_written"
    ARCHIVE_REJECTED = "archive_rejected"
    ARCHIVE_IMPORTED = "archive_imported"
    PURGED = "purged"
    """The case's personal data was deleted; its tombstone and trail remain."""


@dataclass(frozen=True)
class CaseEvent:
    """One line of the audit trail. `detail` holds ids and codes, never a pupil's name or text."""

    case_id: str | None
    """None for an event about no case (a pupil's log read, for one)."""
    kind: EventKind
    actor_id: str | None
    at: datetime
    detail: dict[str, str] = field(default_factory=dict)


class DomainError(Exception):
    """A rule of the case was broken; `message` is Norwegian and safe to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


NO_ACCESS = "Ingen tilgang: saken finnes ikke, eller du er ikke blant dem den er sendt til."
"""One answer for a case that does not exist and one that is not yours: it confirms nothing."""


class AccessDenied(DomainError):
    def __init__(self) -> None:
        super().__init__(NO_ACCESS)


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
    investigation: Investigation | None = None
    investigation_history: list[Investigation] = field(default_factory=list)
    """Earlier versions of the investigation, oldest first: a saved one replaces none."""
    plans: list[ActivityPlan] = field(default_factory=list)
    """Every version, oldest first: an adjusted plan never replaces the documentation of the
    old one."""
    evaluations: list[Evaluation] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    """Miljøteam members and others added to the case by rektor or the leader who took it."""
    closed_at: datetime | None = None
    suspected_id: str | None = None
    """§ 12-5: the employee the report is about; never on the case, never told of it."""

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
            # A case about the leadership with nobody at the owner to take it rests «hos skoleeier»
            # (the reporter phones); with the owner's people routed it runs as any other case.
            state=(
                CaseState.SKOLEEIER
                if routing.forwarded_to_owner and not routing.recipients
                else CaseState.MELDE_FRA
            ),
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
        """Rektor, the leaders alerted, the one who took the case, and added members."""
        return (
            self.recipient(person_id) is not None
            or self.assignee_id == person_id
            or person_id in self.members
        )

    def can_view(self, person_id: str) -> bool:
        """The routed people, and the staff responsible for a measure in the current plan."""
        plan = self.current_plan
        return self.is_routed_to(person_id) or (
            plan is not None and person_id in plan.responsible_ids
        )

    @property
    def current_plan(self) -> ActivityPlan | None:
        return self.plans[-1] if self.plans else None

    @property
    def next_evaluation_on(self) -> date | None:
        """The plan's evaluation date, moved on by each «videreføre»; None when closed."""
        plan = self.current_plan
        if plan is None or self.state is CaseState.AVSLUTTET:
            return None
        after = [e for e in self.evaluations if e.plan_version == plan.version]
        if after and after[-1].next_evaluation_on is not None:
            return after[-1].next_evaluation_on
        if after and after[-1].outcome is Outcome.ADJUST:
            return None  # waiting for the adjusted plan
        return plan.evaluate_on

    def evaluated_since(self, moment: datetime) -> bool:
        return any(e.at >= moment for e in self.evaluations)

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

    def owner_received_notice(self, now: datetime) -> list[CaseEvent]:
        """The owner's notice card reached the owner's people.

        «Skoleeier er varslet» is then a fact the system recorded, with its time, rather than
        something rektor must remember to press; `owner_notified_by` stays None (the system).
        """
        if self.owner_notified_at is not None:
            return []
        self.owner_notified_at = now
        self.owner_notified_by = None
        return [CaseEvent(self.id, EventKind.OWNER_NOTIFIED, None, now, {"by": "system"})]

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

    def _require_actor(self, person_id: str) -> None:
        if not self.is_routed_to(person_id):
            raise AccessDenied()

    def record_investigation(
        self, investigation: Investigation, person_id: str, now: datetime
    ) -> list[CaseEvent]:
        """Delplikt 4, documented: which methods were used, the findings, barnets beste."""
        self._require_actor(person_id)
        if self.state in (CaseState.AVSLUTTET, CaseState.SKOLEEIER):
            raise InvalidTransition("Saken er avsluttet.")
        events: list[CaseEvent] = []
        if self.state is CaseState.MELDE_FRA:
            events += (
                self.start_investigation(person_id, now)
                if self.recipient(person_id)
                else self._start_as_member(person_id, now)
            )
        if self.investigation is not None:
            self.investigation_history.append(self.investigation)
        self.investigation = investigation
        events.append(
            CaseEvent(
                self.id,
                EventKind.INVESTIGATION_UPDATED,
                person_id,
                now,
                {
                    "methods": ",".join(s.method.value for s in investigation.steps),
                    "completed": str(investigation.completed).lower(),
                },
            )
        )
        return events

    def _start_as_member(self, person_id: str, now: datetime) -> list[CaseEvent]:
        events = self._move(CaseState.UNDERSOKE, person_id, now)
        self.investigation_started_at = now
        events.append(CaseEvent(self.id, EventKind.INVESTIGATION_STARTED, person_id, now))
        return events

    def save_plan(self, plan: ActivityPlan, person_id: str, now: datetime) -> list[CaseEvent]:
        """The first plan moves the case to *tiltak*; a later one is a new version."""
        self._require_actor(person_id)
        if self.state not in (CaseState.UNDERSOKE, CaseState.TILTAK):
            raise InvalidTransition(
                "Start undersøkelsen før du lager aktivitetsplan."
                if self.state is CaseState.MELDE_FRA
                else "Saken er avsluttet."
            )
        if plan.version != len(self.plans) + 1:
            raise DomainError("Planen er endret av en annen i mellomtiden. Åpne saken på nytt.")
        events = self._move(CaseState.TILTAK, person_id, now)
        self.plans.append(plan)
        events.append(
            CaseEvent(
                self.id,
                EventKind.PLAN_SAVED,
                person_id,
                now,
                {"version": str(plan.version), "evaluate_on": plan.evaluate_on.isoformat()},
            )
        )
        return events

    def evaluate(self, evaluation: Evaluation, person_id: str, now: datetime) -> list[CaseEvent]:
        """Plan 8.7: videreføre, justere (then a new plan version) or avslutte."""
        if not self.can_view(person_id):
            raise AccessDenied()
        plan = self.current_plan
        if self.state is not CaseState.TILTAK or plan is None:
            raise InvalidTransition("Det finnes ingen aktivitetsplan å evaluere.")
        if evaluation.plan_version != plan.version:
            raise DomainError("Planen er endret etter at kortet ble sendt. Åpne saken på nytt.")
        self.evaluations.append(evaluation)
        events = [
            CaseEvent(
                self.id,
                EventKind.EVALUATED,
                person_id,
                now,
                {"version": str(plan.version), "outcome": evaluation.outcome.value},
            )
        ]
        if evaluation.outcome is Outcome.CLOSE:
            events += self._move(CaseState.AVSLUTTET, person_id, now)
            self.closed_at = now
            events.append(CaseEvent(self.id, EventKind.CLOSED, person_id, now))
        return events

    def _manages(self, person_id: str) -> bool:
        recipient = self.recipient(person_id)
        heads = recipient is not None and recipient.reason.heads_case
        return heads or self.assignee_id == person_id

    def add_member(self, member_id: str, person_id: str, now: datetime) -> list[CaseEvent]:
        """Rektor and the leader who took the case bring in the miljøteam (plan 8.3)."""
        if not self._manages(person_id):
            raise DomainError("Bare rektor og den som har tatt saken kan legge til personer.")
        if member_id == self.suspected_id:
            raise DomainError(
                "Den ansatte meldingen gjelder, kan ikke legges til i saken (§ 12-5)."
            )
        if self.is_routed_to(member_id):
            return []
        self.members.append(member_id)
        return [CaseEvent(self.id, EventKind.MEMBER_ADDED, person_id, now, {"member": member_id})]

    def remove_member(self, member_id: str, person_id: str, now: datetime) -> list[CaseEvent]:
        """Access that ends: a member who no longer needs the case is taken off it."""
        if not self._manages(person_id):
            raise DomainError("Bare rektor og den som har tatt saken kan fjerne personer.")
        if member_id not in self.members:
            return []
        self.members.remove(member_id)
        return [CaseEvent(self.id, EventKind.MEMBER_REMOVED, person_id, now, {"member": member_id})]

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
