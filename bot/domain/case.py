"""A case along the five sub-duties of §12-4, and everything that happens to it.

The sub-duties (følge med, gripe inn, melde fra, undersøke, tiltak) are the case's states; a
report enters at *melde fra*. Each change returns the events it caused, so the use case can
store the change and its audit trail in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.domain.followup import ActivityPlan, Conclusion, Evaluation, Investigation, Outcome
from bot.domain.report import Report
from bot.domain.routing import Reason, Routing
from bot.domain.substitutes import Substitution, substitutes_for


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
    CONCLUDED = "concluded"
    """The investigation concluded that no measures are needed (closing without a plan)."""
    CLOSE_OVERRIDDEN = "close_overridden"
    """Rektor closed a plan before it was evaluated on or after its evaluation date."""
    SUBSTITUTE_SET = "substitute_set"
    """Rektor set «vikar for rektor/leder fra–til» (no case)."""
    SUBSTITUTE_ADDED = "substitute_added"
    """A substitute joined the case in the absent person's place (and beside them)."""
    MARKED_SERIOUS = "marked_serious"
    """Rektor (or the deputy, or a substitute) found the case serious after intake: the school
    owner must be told."""


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
    conclusion: Conclusion | None = None
    """Closed after the investigation without measures: the conclusion and its reasons."""
    marked_serious_at: datetime | None = None
    marked_serious_by: str | None = None
    substitutes: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Substitute's id → (the absent person's id, the period as shown): why a «vikar» is on
    the case, for the cards."""

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
                # § 12-5: the employee the report is about is never told of it.
                if not report.suspected_id or r.person.aad_object_id != report.suspected_id
            ],
            suspected_id=report.suspected_id or None,
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

    def add_substitutes(
        self, substitutions: Sequence[Substitution], day: date, now: datetime
    ) -> list[CaseEvent]:
        """Each recipient away on `day` gets their substitutes beside them on the case; never
        the employee a § 12-5 report is about."""
        events: list[CaseEvent] = []
        for recipient in list(self.recipients):
            if recipient.reason is Reason.SUBSTITUTE:
                continue
            for sub in substitutes_for(substitutions, recipient.person_id, day):
                person = sub.substitute_id
                if person == self.suspected_id or self.recipient(person) is not None:
                    continue
                self.recipients.append(CaseRecipient(person, Reason.SUBSTITUTE))
                self.substitutes[person] = (recipient.person_id, sub.period)
                events.append(
                    CaseEvent(
                        self.id,
                        EventKind.SUBSTITUTE_ADDED,
                        None,
                        now,
                        {"substitute": person, "for": recipient.person_id},
                    )
                )
        return events

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

    @property
    def serious(self) -> bool:
        """Serious as reported, or marked so later by rektor."""
        return self.report.serious or self.marked_serious_at is not None

    def _require_rektor_side(self, person_id: str, acting_for_rektor: bool, what: str) -> None:
        """Rektor, the deputy on the case, or someone acting for rektor (a substitute or the
        configured deputy, as the service decides)."""
        recipient = self._require_routed(person_id)
        reason = recipient.reason
        if not reason.heads_case and reason is not Reason.DEPUTY and not acting_for_rektor:
            raise DomainError(f"Bare rektor eller rektors stedfortreder {what}.")

    def mark_serious(
        self, person_id: str, now: datetime, *, acting_for_rektor: bool = False
    ) -> list[CaseEvent]:
        """A case found serious after intake: the owner must now be told (plan 8.3)."""
        self._require_rektor_side(person_id, acting_for_rektor, "kan markere saken som alvorlig")
        if self.state in (CaseState.AVSLUTTET, CaseState.SKOLEEIER):
            raise InvalidTransition("Saken er avsluttet.")
        if self.serious:
            return []
        self.marked_serious_at = now
        self.marked_serious_by = person_id
        self.owner_must_be_notified = True
        return [CaseEvent(self.id, EventKind.MARKED_SERIOUS, person_id, now)]

    def record_owner_notified(
        self, person_id: str, now: datetime, *, acting_for_rektor: bool = False
    ) -> list[CaseEvent]:
        self._require_rektor_side(
            person_id, acting_for_rektor, "registrerer at skoleeier er varslet"
        )
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
        if self.suspected_id is not None and self.suspected_id in plan.responsible_ids:
            raise DomainError(
                "Den ansatte meldingen gjelder, kan ikke være ansvarlig for et tiltak (§ 12-5)."
            )
        if not self.investigation_documented:
            raise DomainError(
                "Dokumenter undersøkelsen med barnets beste-vurdering før du lager "
                "aktivitetsplan (plan 8.4–8.5)."
            )
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

    @property
    def investigation_documented(self) -> bool:
        """At least one method used, and the barnets beste assessment written."""
        found = self.investigation
        return found is not None and bool(found.steps) and bool(found.best_interest.strip())

    def _is_rektor(self, person_id: str) -> bool:
        recipient = self.recipient(person_id)
        return recipient is not None and recipient.reason.heads_case

    def evaluate(
        self, evaluation: Evaluation, person_id: str, now: datetime, *, today: date | None = None
    ) -> list[CaseEvent]:
        """Plan 8.7: videreføre, justere (then a new plan version) or avslutte.

        Closing needs an evaluation of the current plan on or after its first evaluation date
        (this one counts): a plan closed minutes after it was made was never tried. Rektor may
        close earlier with a written reason, which is audited."""
        if not self.can_view(person_id):
            raise AccessDenied()
        plan = self.current_plan
        if self.state is not CaseState.TILTAK or plan is None:
            raise InvalidTransition("Det finnes ingen aktivitetsplan å evaluere.")
        if evaluation.plan_version != plan.version:
            raise DomainError("Planen er endret etter at kortet ble sendt. Åpne saken på nytt.")
        day = today or now.date()
        closing = evaluation.outcome is Outcome.CLOSE
        override = closing and day < plan.evaluate_on
        if override and not evaluation.override_reason:
            raise DomainError(
                f"Planen kan avsluttes etter at den er evaluert på eller etter "
                f"evalueringsdatoen ({plan.evaluate_on:%d.%m.%Y}). Rektor kan avslutte før, "
                "med en skriftlig begrunnelse."
            )
        if override and not self._is_rektor(person_id):
            raise DomainError("Bare rektor kan avslutte saken før evalueringsdatoen.")
        if not override and evaluation.override_reason:
            evaluation = Evaluation(
                evaluation.plan_version,
                evaluation.outcome,
                evaluation.note,
                evaluation.at,
                evaluation.by,
                evaluation.next_evaluation_on,
            )
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
        if override:
            events.append(
                CaseEvent(
                    self.id,
                    EventKind.CLOSE_OVERRIDDEN,
                    person_id,
                    now,
                    {"version": str(plan.version), "evaluate_on": plan.evaluate_on.isoformat()},
                )
            )
        if closing:
            events += self._close(person_id, now, "evaluated_plan")
        return events

    def _close(self, person_id: str, now: datetime, path: str) -> list[CaseEvent]:
        events = self._move(CaseState.AVSLUTTET, person_id, now)
        self.closed_at = now
        events.append(CaseEvent(self.id, EventKind.CLOSED, person_id, now, {"path": path}))
        return events

    def close_without_measures(
        self, conclusion: Conclusion, person_id: str, now: datetime
    ) -> list[CaseEvent]:
        """The investigation concluded that the pupil has a safe and good environment: the law
        then asks for no plan, but for the conclusion, the pupil's view and barnets beste to be
        documented. A path of its own, apart from closing an evaluated plan."""
        if not self._manages(person_id):
            raise DomainError("Bare rektor og den som har tatt saken kan avslutte den.")
        if self.state is not CaseState.UNDERSOKE:
            raise InvalidTransition(
                "Saken har en aktivitetsplan: den avsluttes ved evaluering."
                if self.state is CaseState.TILTAK
                else "Saken kan avsluttes uten tiltak bare etter en undersøkelse."
            )
        if not self.investigation_documented or not (
            self.investigation and self.investigation.completed
        ):
            raise DomainError(
                "Fullfør undersøkelsen med barnets beste-vurdering før saken avsluttes uten tiltak."
            )
        self.conclusion = conclusion
        events = [
            CaseEvent(
                self.id,
                EventKind.CONCLUDED,
                person_id,
                now,
                {"pupil_heard": str(bool(conclusion.pupil_view)).lower()},
            )
        ]
        return events + self._close(person_id, now, "no_measures")

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
