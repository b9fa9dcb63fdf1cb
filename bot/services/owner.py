"""The school owner hears of every serious and § 12-5 case (plan 8.3, opplæringslova § 12-4).

A notice card goes to each of the owner's people through the outbox; when one is delivered,
the case records that the owner was told, by the system and with the time, so «Skoleeier er
varslet» on rektor's card is a fact rather than a button someone must remember. The notice
carries the case number, school and category only: the owner does not see the case unless it
is routed to them (a case about the leadership).
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.cards.owner import owner_notice_card
from bot.domain.case import Case, CaseEvent
from bot.services.alerts import queue_card_updates
from bot.services.context import Services
from bot.services.messages import card_activity, outbox_message, queued_event
from bot.services.ports import MessageKind, OutboxMessage, UnitOfWork

log = logging.getLogger(__name__)

NOTICE_KEY = "owner-notice"


def owner_must_hear(case: Case) -> bool:
    """Serious or § 12-5, and not already the owner's own case (one about the leadership)."""
    return case.owner_must_be_notified and not case.forwarded_to_owner


async def queue_owner_notices(
    uow: UnitOfWork, svc: Services, case: Case, now: datetime
) -> list[CaseEvent]:
    """Queue the notice for each of the owner's people; queueing again is harmless (keys)."""
    if not owner_must_hear(case):
        return []
    card = owner_notice_card(
        case.reference,
        svc.school.name,
        case.report.category_label,
        case.created_at,
        urgent=case.urgent,
        serious=case.serious,
    )
    messages: list[OutboxMessage] = []
    events: list[CaseEvent] = []
    for person in svc.school.owner.people:
        key = f"{NOTICE_KEY}:{case.id}:{person.aad_object_id}"
        messages.append(
            outbox_message(
                key,
                MessageKind.NOTICE,
                person.aad_object_id,
                card_activity(card, f"Skoleeier varsles om sak {case.reference}"),
                now,
                case_id=case.id,
            )
        )
        events.append(queued_event(case.id, person.aad_object_id, key, now))
    await uow.outbox.enqueue_many(messages)
    return events


async def record_notice_delivered(
    uow: UnitOfWork, svc: Services, message: OutboxMessage, now: datetime
) -> None:
    """Called by the sender in the commit that marks an owner notice sent."""
    if not message.key.startswith(f"{NOTICE_KEY}:") or message.case_id is None:
        return
    case = await uow.cases.get_for_update(message.case_id)
    if case is None:
        return  # purged meanwhile: nothing left to record on
    events = case.owner_received_notice(now)
    if not events:
        return
    await uow.cases.save(case)
    await uow.events.append(events)
    await queue_card_updates(uow, svc, case, now)
    log.info("case %s: the school owner's notice was delivered", case.id)
