"""Turns a case into the alert card each recipient sees, and queues it for delivery.

Alerts are rendered when they are queued and re-rendered for every recipient whenever the case
changes, so each chat shows who did what and when, without a read from the card's side.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.cards.alert import AlertView, RecipientStatus, alert_card
from bot.domain.case import STATE_LABELS, Case
from bot.domain.people import SYSTEM_NAME
from bot.domain.routing import REASON_LABELS
from bot.services.context import Services
from bot.services.messages import card_activity, outbox_message
from bot.services.people import display_name
from bot.services.ports import MessageKind, MessageStatus, OutboxMessage, UnitOfWork


def _name(svc: Services, person_id: str | None) -> str | None:
    """None when nobody did it yet (e.g. no assignee): the card leaves the line out."""
    return display_name(svc.directory, person_id) if person_id else None


def alert_view(svc: Services, case: Case) -> AlertView:
    return AlertView(
        case_id=case.id,
        reference=case.reference,
        pupil_name=case.report.pupil_name,
        pupil_class=case.report.pupil_class,
        category_label=case.report.category_label,
        reported_at=case.created_at,
        reporter_name=display_name(svc.directory, case.reporter_id),
        urgent=case.urgent,
        about_leadership=case.forwarded_to_owner,
        owner_in_teams=bool(svc.school.owner.people),
        serious=case.report.serious,
        owner_must_be_notified=case.owner_must_be_notified,
        owner_name=svc.school.owner.name,
        owner_phone=svc.school.owner.phone,
        owner_notified_at=case.owner_notified_at,
        owner_notified_by=_name(svc, case.owner_notified_by) or SYSTEM_NAME,
        assignee_name=_name(svc, case.assignee_id),
        state_label=STATE_LABELS[case.state],
        recipients=tuple(
            RecipientStatus(
                name=display_name(svc.directory, r.person_id),
                role_label=REASON_LABELS[r.reason],
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
        viewer_is_rektor=recipient is not None and recipient.reason.heads_case,
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


def alert_message(
    svc: Services, case: Case, person_id: str, key: str, now: datetime
) -> OutboxMessage:
    card = alert_for(svc, case, person_id)
    return outbox_message(
        key,
        MessageKind.ALERT,
        person_id,
        card_activity(card, alert_summary(case)),
        now,
        case_id=case.id,
    )


async def queue_alert(
    uow: UnitOfWork, svc: Services, case: Case, person_id: str, key: str, now: datetime
) -> bool:
    return await uow.outbox.enqueue(alert_message(svc, case, person_id, key, now))


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
            outbox_message(
                f"update:{message.key}",
                MessageKind.CARD_UPDATE,
                message.recipient_id,
                card_activity(card, alert_summary(case)),
                now,
                case_id=case.id,
                target_key=message.key,
            )
        )
        count += 1
    return count
