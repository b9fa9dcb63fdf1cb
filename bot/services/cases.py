"""Reading cases: only the people a case is routed to see its content."""

from __future__ import annotations

from dataclasses import dataclass

from bot.cards.cases import LISTED
from bot.domain.case import STATE_LABELS, Case, CaseEvent, CaseState, EventKind
from bot.domain.people import Person
from bot.services.access import sees
from bot.services.context import Services


@dataclass(frozen=True)
class MyCases:
    routed: list[Case]
    reported: list[Case]


async def my_cases(svc: Services, person: Person) -> MyCases:
    """The list shows each routed case's pupil, so it is a read of each, and audited as one;
    the reporter's own list shows numbers and status only."""
    now = svc.clock.now()
    async with svc.uow() as uow:
        routed = [
            c
            for c in await uow.cases.routed_to(person.aad_object_id)
            if sees(svc, c, person.aad_object_id)
        ]
        routed_ids = {c.id for c in routed}
        reported = [
            c for c in await uow.cases.reported_by(person.aad_object_id) if c.id not in routed_ids
        ]
        await uow.events.append(
            [
                CaseEvent(c.id, EventKind.VIEWED, person.aad_object_id, now, {"via": "mine_saker"})
                for c in routed[:LISTED]
            ]
        )
        await uow.commit()
    return MyCases(routed, reported)


_CLOSED = frozenset({CaseState.AVSLUTTET, CaseState.SKOLEEIER})


async def open_counts(svc: Services, person: Person) -> tuple[int, int]:
    """(open, waiting for me) among the cases routed to `person`: counts only, for the help
    card, so no case is read (nor audited as one)."""
    async with svc.uow() as uow:
        routed = [
            c
            for c in await uow.cases.routed_to(person.aad_object_id)
            if c.state not in _CLOSED and sees(svc, c, person.aad_object_id)
        ]
    return len(routed), sum(1 for c in routed if needs(c, person.aad_object_id))


def state_label(case: Case) -> str:
    return STATE_LABELS[case.state]


def next_step(case: Case) -> str:
    """What the law asks for next in the case (plan 8.4–8.7), as «Mine saker» shows it."""
    if case.state is CaseState.MELDE_FRA:
        return "Neste: start undersøkelsen (snarest)"
    if case.state is CaseState.UNDERSOKE:
        return (
            "Neste: lag aktivitetsplan" if case.investigation else "Neste: dokumenter undersøkelsen"
        )
    if case.state is CaseState.TILTAK:
        due = case.next_evaluation_on
        return f"Neste: evaluering {due:%d.%m.%Y}" if due else "Neste: juster planen"
    if case.state is CaseState.SKOLEEIER:
        return "Hos skoleeier"
    return "Avsluttet"


def needs(case: Case, person_id: str) -> bool:
    recipient = case.recipient(person_id)
    return recipient is not None and recipient.acknowledged_at is None
