"""Who must hear about a report (plan 8.3, opplæringslova §12-4 and §12-5).

The rules are here, apart from any transport, so each can be tested on its own and read by a
school leader: ordinary reports go to rektor and the reporter's nearest leader; a report that an
employee offends a pupil goes to rektor at once; a report about the school's leadership never
reaches the leadership and goes to the school owner's people instead (when the deployment names
them; otherwise the reporter phones the owner).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.domain.people import Person
from bot.domain.report import Report


class Reason(StrEnum):
    REKTOR = "rektor"
    NEAREST_LEADER = "naermeste_leder"
    DEPUTY = "stedfortreder"
    SKOLEEIER = "skoleeier"
    """One of the school owner's people, on a case about the school's leadership."""

    @property
    def heads_case(self) -> bool:
        """Who decides in the case: rektor, or the owner where the leadership is suspected."""
        return self in _HEADS


_HEADS = frozenset({Reason.REKTOR, Reason.SKOLEEIER})

REASON_LABELS: dict[Reason, str] = {
    Reason.REKTOR: "Rektor",
    Reason.NEAREST_LEADER: "Nærmeste leder",
    Reason.DEPUTY: "Stedfortreder",
    Reason.SKOLEEIER: "Skoleeier",
}


class Warning(StrEnum):
    NO_LEADER = "no_nearest_leader"
    NO_REKTOR = "no_rektor"


class StaffView(Protocol):
    """What routing needs to know about the staff; the directory port provides it."""

    def rektor(self) -> Person | None: ...

    def nearest_leader(self, person: Person) -> Person | None: ...


@dataclass(frozen=True)
class Recipient:
    person: Person
    reason: Reason


@dataclass(frozen=True)
class Routing:
    recipients: tuple[Recipient, ...]
    urgent: bool
    """§12-5: an employee is suspected; rektor must act *straks* and tell the school owner."""
    owner_must_be_notified: bool
    """Rektor's card asks for UDA to be told (serious cases, §12-5), with a button to record it."""
    forwarded_to_owner: bool
    """The leadership is suspected: nobody at school is told; the owner's people are, if any."""
    reporter_is_recipient: bool
    warnings: tuple[Warning, ...]

    @property
    def recipient_ids(self) -> tuple[str, ...]:
        return tuple(r.person.aad_object_id for r in self.recipients)


def route(
    report: Report,
    reporter: Person,
    staff: StaffView,
    owner_people: Sequence[Person] = (),
) -> Routing:
    if report.leadership_suspected:
        return Routing(
            recipients=tuple(
                Recipient(person, Reason.SKOLEEIER)
                for person in owner_people
                if person.aad_object_id != reporter.aad_object_id
            ),
            urgent=True,
            owner_must_be_notified=False,
            forwarded_to_owner=True,
            reporter_is_recipient=False,
            warnings=(),
        )

    warnings: list[Warning] = []
    recipients: list[Recipient] = []
    rektor = staff.rektor()
    if rektor is None:
        warnings.append(Warning.NO_REKTOR)
    else:
        recipients.append(Recipient(rektor, Reason.REKTOR))

    # A leader's report goes to rektor alone; so does rektor's own (rektor is then the receiver).
    if not reporter.is_leadership:
        leader = staff.nearest_leader(reporter)
        if leader is None:
            warnings.append(Warning.NO_LEADER)
        elif (
            leader.aad_object_id not in {r.person.aad_object_id for r in recipients}
            and leader.aad_object_id != reporter.aad_object_id
        ):
            recipients.append(Recipient(leader, Reason.NEAREST_LEADER))

    return Routing(
        recipients=tuple(recipients),
        urgent=report.staff_suspected,
        owner_must_be_notified=report.serious or report.staff_suspected,
        forwarded_to_owner=False,
        reporter_is_recipient=reporter.aad_object_id
        in {r.person.aad_object_id for r in recipients},
        warnings=tuple(warnings),
    )
