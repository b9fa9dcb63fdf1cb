"""Turns a case into the alert card each recipient sees, and queues it for delivery.

Alerts are rendered when they are queued and re-rendered for every recipient whenever the case
changes, so each chat shows who did what and when, without a read from the card's side.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from bot.cards.alert import AlertView, RecipientStatus, alert_card
from bot.domain.case import STATE_LABELS, Case
from bot.domain.routing import Reason
from bot.services.context import Services
from bot.services.ports import MessageKind, MessageStatus, OutboxMessage, UnitOfWork

ROLE_LABELS: dict[Reason, str] = {
    Reason.REKTOR: "Rektor",
    Reason.NEAREST_LEADER: "Nærmeste leder",
    Reason.DEPUTY: "Stedfortreder",
}

ADAPTIVE = "application/vnd.microsoft.card.adaptive"


def card_activity(card: dict[str, Any], summary: str) -> dict[str, Any]:
    """A Bot Framework message activity carrying one card; `summary` is the notification text."""
    return {
        "type": "message",
        "summary": summary,
        "attachments": [{"contentType": ADAPTIVE, "content": card}],
    }


def text_activity(text: str) -> dict[str, Any]:
    return {"type": "message", "text": text}


def _name(svc: Services, person_id: str | None) -> str | None:
    if person_id is None:
        return None
    person = svc.directory.person(person_id)
    return person.name if person else "Ukjent ansatt"


def alert_view(svc: Services, case: Case) -> AlertView:
    return AlertView(
        case_id=case.id,
        reference=case.reference,
        pupil_name=case.report.pupil_name,
        pupil_class=case.report.pupil_class,
        category_label=case.report.category_label,
        reported_at=case.created_at,
        reporter_name=_name(svc, case.reporter_id) or "Ukjent ansatt",
        urgent=case.urgent,
        serious=case.report.serious,
        owner_must_be_notified=case.owner_must_be_notified,
        owner_name=svc.school.owner.name,
        owner_phone=svc.school.owner.phone,
        owner_notified_at=case.owner_notified_at,
        owner_notified_by=_name(svc, case.owner_notified_by),
        assignee_name=_name(svc, case.assignee_id),
        state_label=STATE_LABELS[case.state],
        recipients=tuple(
            RecipientStatus(
                name=_name(svc, r.person_id) or "Ukjent ansatt",
                role_label=ROLE_LABELS[r.reason],
                acknowledged_at=r.acknowledged_at,
            )
            for r in case.recipients
        ),
        escalated=case.escalated_at is not None,
    )


def alert_for(
    svc: Services, case: Case, person_id: str, *, notice: str | None = None
) -> dict[str, Any]:
    """The card as `person_id` sees it; `notice` explains why a press changed nothing."""
    recipient = case.recipient(person_id)
    card = alert_card(
        alert_view(svc, case),
        viewer_is_rektor=recipient is not None and recipient.reason is Reason.REKTOR,
        viewer_id=person_id,
        recipient_ids=[r.person_id for r in case.recipients],
    )
    if notice:
        card["body"].insert(
            0,
            {
                "type": "TextBlock",
                "text": notice,
                "wrap": True,
                "color": "attention",
                "weight": "bolder",
            },
        )
    return card


def alert_summary(case: Case) -> str:
    prefix = "Skjerpet aktivitetsplikt: " if case.urgent else ""
    return f"{prefix}Ny bekymringsmelding, sak {case.reference}"


async def queue_alert(
    uow: UnitOfWork, svc: Services, case: Case, person_id: str, key: str, now: datetime
) -> bool:
    card = alert_for(svc, case, person_id)
    return await uow.outbox.enqueue(
        OutboxMessage(
            id=uuid.uuid4().hex,
            key=key,
            kind=MessageKind.ALERT,
            recipient_id=person_id,
            payload=card_activity(card, alert_summary(case)),
            created_at=now,
            next_attempt_at=now,
            case_id=case.id,
        )
    )


async def queue_card_updates(
    uow: UnitOfWork, svc: Services, case: Case, now: datetime, *, skip_key: str | None = None
) -> int:
    """Every alert already queued for the case gets the case's current card."""
    count = 0
    for message in await uow.outbox.for_case(case.id):
        if message.kind is not MessageKind.ALERT or message.key == skip_key:
            continue
        if message.status in (MessageStatus.FAILED, MessageStatus.SUPERSEDED):
            continue
        card = alert_for(svc, case, message.recipient_id)
        await uow.outbox.enqueue_update(
            OutboxMessage(
                id=uuid.uuid4().hex,
                key=f"update:{message.key}",
                kind=MessageKind.CARD_UPDATE,
                recipient_id=message.recipient_id,
                payload=card_activity(card, alert_summary(case)),
                created_at=now,
                next_attempt_at=now,
                case_id=case.id,
                target_key=message.key,
            )
        )
        count += 1
    return count
