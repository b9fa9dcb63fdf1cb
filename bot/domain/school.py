"""The school as its configuration describes it: staff, leaders, the owner, the routines' clocks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.domain.followup import EvaluationBounds
from bot.domain.people import Person, Role
from bot.domain.substitutes import Substitution
from bot.domain.time import SchoolCalendar

SCHOOL_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
"""A school's id: it is stored in every row and travels on cards."""


@dataclass(frozen=True)
class SchoolOwner:
    """Who takes serious cases and every case about the school's leadership (plan 8.3)."""

    name: str
    phone: str
    contact_name: str | None = None
    contact_phone: str | None = None
    people: tuple[Person, ...] = ()
    """The owner's people in Teams (`roles = ["skoleeier"]`); none: the owner is phoned."""

    def person(self, aad_object_id: str) -> Person | None:
        return next((p for p in self.people if p.aad_object_id == aad_object_id), None)


@dataclass(frozen=True)
class Microsoft365:
    """What the school takes from Entra ID and Outlook, when the bot may use Graph."""

    leader_from_manager: bool = False
    only_configured_leaders: bool = True
    """An Entra manager is the nearest leader only when `[[staff]]` names them a leader: alerts
    stay inside the school when Entra's manager data points elsewhere (the safe default)."""
    cache_minutes: int = 60
    calendar: bool = False


@dataclass(frozen=True)
class Privacy:
    """How long personal text stays in chats and who sees a case after it is closed."""

    card_minutes: int = 30
    """A card with a case's free text is replaced by a stub in the chat after this long."""
    closed_visible_days: int = 30
    """After closing, the people it was routed to see a case this long; then rektor alone."""
    privacy_url: str | None = None
    terms_url: str | None = None


@dataclass(frozen=True)
class Klasse:
    """One classification of the case folder: the archive's key (klassifikasjonssystem) and
    the class in it, for example K-kode and a code, or the school's own key."""

    system: str
    klasse_id: str
    tittel: str | None = None


@dataclass(frozen=True)
class ArchiveSettings:
    klassifikasjon: tuple[Klasse, ...] = ()
    administrativ_enhet: str | None = None
    """The unit the case belongs to in the archive; None: the school's name."""
    saksansvarlig: str | None = None
    """Who answers for the case in the archive (a name, or a role such as «Rektor» resolved to
    a name by the caller); None: the leader who took the case, else «Rektor»."""
    journalenhet: str | None = None
    arkivdel: str | None = None
    regel: str | None = None
    """The name of the import rule in the archive's Mottak that sets the archive's defaults."""
    fagsystem: str = "Trygg skole"
    """The system named in every referanseEksternNoekkel: the archive recognises the case by it
    and the case number. Never change it for a school that has archived cases."""


@dataclass(frozen=True)
class Retention:
    """How long the bot keeps what it holds (docs/personvern/lagringstid.md is kept true by a
    test against these defaults): it is a front end to the archive, not an archive."""

    days_after_archive: int = 30
    """A closed case whose final package the archive received is purged this long after."""
    draft_hours: int = 24
    """An abandoned report form's answers are deleted after this long."""
    log_days: int = 180
    """A «logg» note that did not become part of a case is deleted after this long."""
    stale_days: int = 120
    """An open case with no activity this long: rektor is asked to close or continue it."""


@dataclass(frozen=True)
class School:
    name: str
    owner: SchoolOwner
    staff: tuple[Person, ...]
    calendar: SchoolCalendar
    deputy_id: str | None = None
    plan_name: str = "Skolemiljøplanen"
    microsoft365: Microsoft365 = Microsoft365()
    plan_file: Path | None = None
    """The plan as structured data (bot/knowledge/FORMAT.md); None: the bundled Ellingsrud plan."""
    evaluation_weeks: int = 3
    evaluation_min_weeks: int = 1
    evaluation_max_weeks: int = 8
    escalation_hours: float = 2.0
    escalation_hours_12_5: float = 1.0
    """§ 12-5 (an employee suspected): rektor must act *straks*, so the clock is shorter."""
    plan_school_days: int = 5
    plan_rektor_school_days: int = 2
    substitutes: tuple[Substitution, ...] = ()
    """`[[substitutes]]`: periods known in advance (rektor sets others on a card)."""
    investigation_start_school_days: int = 2
    investigation_rektor_school_days: int = 2
    evaluation_overdue_report_school_days: int = 3
    id: str = "skole"
    """`[school] id`, or the name of the school's TOML file: what every stored row carries."""
    privacy: Privacy = Privacy()
    retention: Retention = Retention()
    archive: ArchiveSettings = ArchiveSettings()

    @property
    def evaluation_bounds(self) -> EvaluationBounds:
        return EvaluationBounds(self.evaluation_min_weeks, self.evaluation_max_weeks)


class ConfiguredDirectory:
    """The directory of people as the school configuration gives it.

    Lookups are by Entra ID object id; a later directory may ask Graph first and fall back here.
    """

    def __init__(self, school: School) -> None:
        self._school = school
        # The owner's people are known here too: they see the cases routed to them.
        self._by_id = {p.aad_object_id: p for p in (*school.owner.people, *school.staff)}

    def person(self, aad_object_id: str) -> Person | None:
        return self._by_id.get(aad_object_id)

    def is_staff(self, aad_object_id: str) -> bool:
        return aad_object_id in self._by_id

    def rektor(self) -> Person | None:
        return next((p for p in self._school.staff if p.is_rektor), None)

    def deputy(self) -> Person | None:
        if self._school.deputy_id is None:
            return None
        return self._by_id.get(self._school.deputy_id)

    def nearest_leader(self, person: Person) -> Person | None:
        if person.leader is not None:
            return self._by_id.get(person.leader)
        if person.team is None:
            return None
        return next(
            (
                p
                for p in self._school.staff
                if Role.LEDER in p.roles
                and p.team == person.team
                and p.aad_object_id != person.aad_object_id
            ),
            None,
        )


@dataclass(frozen=True)
class Deployment:
    """Every school one installation serves, and their common owner."""

    schools: tuple[School, ...]
    owner: SchoolOwner

    def school(self, school_id: str) -> School | None:
        return next((s for s in self.schools if s.id == school_id), None)

    def schools_of(self, aad_object_id: str) -> tuple[School, ...]:
        """The schools whose `[[staff]]` lists the person (several for some)."""
        return tuple(
            s for s in self.schools if any(p.aad_object_id == aad_object_id for p in s.staff)
        )
