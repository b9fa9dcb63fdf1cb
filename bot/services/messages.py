"""What the bot sends, as plain Bot Framework activity JSON, and the one way to queue it.

Both hosts (botbuilder and the Microsoft 365 Agents SDK) speak the same activity schema, so a
card or a text is built once here and each host only deserializes it into its own model.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from bot.domain.case import CaseEvent, EventKind
from bot.services.ports import MessageKind, OutboxMessage

ADAPTIVE = "application/vnd.microsoft.card.adaptive"


def card_activity(card: dict[str, Any], summary: str | None = None) -> dict[str, Any]:
    """A message carrying one card; `summary` is what a notification or the chat list shows."""
    activity: dict[str, Any] = {
        "type": "message",
        "attachments": [{"contentType": ADAPTIVE, "content": card}],
    }
    if summary:
        activity["summary"] = summary
    return activity


def text_activity(text: str) -> dict[str, Any]:
    return {"type": "message", "text": text}


def outbox_message(
    key: str,
    kind: MessageKind,
    recipient_id: str,
    payload: dict[str, Any],
    now: datetime,
    *,
    case_id: str | None = None,
    target_key: str | None = None,
    activity_id: str | None = None,
    not_before: datetime | None = None,
    stub: dict[str, Any] | None = None,
) -> OutboxMessage:
    """A message due now (or at `not_before`); `key` makes queueing it twice harmless."""
    return OutboxMessage(
        id=uuid.uuid4().hex,
        key=key,
        kind=kind,
        recipient_id=recipient_id,
        payload=payload,
        created_at=now,
        next_attempt_at=not_before or now,
        case_id=case_id,
        target_key=target_key,
        activity_id=activity_id,
        stub=stub,
    )


def stub_update(
    recipient_id: str,
    activity_id: str,
    stub: dict[str, Any],
    now: datetime,
    minutes: int,
    *,
    case_id: str | None = None,
) -> OutboxMessage:
    """The stub that replaces a card with free text in a chat, `minutes` after it arrived.

    Keyed by the message it replaces: a card updated with new free text meanwhile pushes its
    stub on rather than getting a second one.
    """
    return outbox_message(
        f"stub:{activity_id}",
        MessageKind.CARD_UPDATE,
        recipient_id,
        stub,
        now,
        activity_id=activity_id,
        not_before=now + timedelta(minutes=minutes),
        case_id=case_id,
    )


def queued_event(case_id: str, recipient_id: str, key: str, now: datetime) -> CaseEvent:
    """The trail's line for a message queued to someone: its outbox key ties the two together."""
    return CaseEvent(
        case_id, EventKind.ALERT_QUEUED, None, now, {"recipient": recipient_id, "key": key}
    )
