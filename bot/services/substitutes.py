"""Substitutes while rektor or a leader is away: who stands in today, and rektor setting one.

The school's TOML (`[[substitutes]]`) and rektor's card («Vikar for rektor/leder fra–til») are
read together; a period ends by itself when its last day is past.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date

from bot.domain.case import CaseEvent, EventKind
from bot.domain.people import Person
from bot.domain.substitutes import Substitution, stands_in_for, substitution_problem
from bot.services.context import Services
from bot.services.ports import UnitOfWork

log = logging.getLogger(__name__)


async def active_substitutions(svc: Services, uow: UnitOfWork, day: date) -> list[Substitution]:
    stored = await uow.substitutions.current(day)
    return [s for s in (*svc.school.substitutes, *stored) if s.active(day)]


async def current_and_coming(svc: Services, day: date) -> list[Substitution]:
    """What the card lists: every period not over yet, soonest first."""
    async with svc.uow() as uow:
        stored = await uow.substitutions.current(day)
    found = [s for s in (*svc.school.substitutes, *stored) if s.ends_on >= day]
    return sorted(found, key=lambda s: (s.starts_on, s.ends_on))


async def acts_for_rektor(svc: Services, person_id: str, day: date) -> bool:
    """The configured deputy always; a substitute for rektor in the period."""
    deputy = svc.directory.deputy()
    if deputy is not None and deputy.aad_object_id == person_id:
        return True
    rektor = svc.directory.rektor()
    if rektor is None:
        return False
    async with svc.uow() as uow:
        found = await active_substitutions(svc, uow, day)
    return rektor.aad_object_id in stands_in_for(found, person_id, day)


def may_set_substitutes(svc: Services, person: Person) -> bool:
    rektor = svc.directory.rektor()
    return rektor is not None and rektor.aad_object_id == person.aad_object_id


async def set_substitute(
    svc: Services,
    person: Person,
    absent_id: str,
    substitute_id: str,
    starts_on: date,
    ends_on: date,
) -> Substitution | str:
    """Rektor sets a period; the answer is the substitution, or why not (Norwegian)."""
    if not may_set_substitutes(svc, person):
        return "Bare rektor kan sette vikar."
    absent, substitute = svc.directory.person(absent_id), svc.directory.person(substitute_id)
    if absent is None or not absent.is_leadership:
        return "Velg rektor eller en leder som er borte."
    if substitute is None or not svc.directory.is_staff(substitute_id):
        return "Velg en ansatt som vikar."
    problem = substitution_problem(absent_id, substitute_id, starts_on, ends_on, svc.today())
    if problem is not None:
        return problem
    now = svc.clock.now()
    made = Substitution(
        absent_id, substitute_id, starts_on, ends_on, person.aad_object_id, uuid.uuid4().hex
    )
    async with svc.uow() as uow:
        await uow.substitutions.add(made, now)
        await uow.events.append(
            [
                CaseEvent(
                    None,
                    EventKind.SUBSTITUTE_SET,
                    person.aad_object_id,
                    now,
                    {
                        "absent": absent_id,
                        "substitute": substitute_id,
                        "from": starts_on.isoformat(),
                        "to": ends_on.isoformat(),
                    },
                )
            ]
        )
        await uow.commit()
    log.info("substitute %s for %s set by %s", substitute_id, absent_id, person.aad_object_id)
    return made
