"""A turn as the conversation layer sees it, and what it answers: no SDK types on either side.

A host (botbuilder, or the Microsoft 365 Agents SDK) turns an incoming activity into a `Turn`
and carries out the `Replies` a dialog returns: messages to send, cards to update in place and,
for a Universal Action, the invoke answer. Dialogs stay testable with plain values, and moving to
another SDK replaces a host, not the conversation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Protocol

from bot.cards.schools import stamped
from bot.cards.stub import closed_case_card
from bot.services.messages import ADAPTIVE, card_activity, text_activity


class TurnKind(StrEnum):
    MESSAGE = "message"
    """Text, or an Action.Submit (`value` then holds the card's data and inputs)."""
    CARD_ACTION = "card_action"
    """An Action.Execute (`adaptiveCard/action` invoke): answered with the refreshed card."""
    INSTALLED = "installed"
    """The bot was added to a chat: time for the welcome."""
    OTHER = "other"


@dataclass(frozen=True)
class Turn:
    kind: TurnKind
    user_id: str | None
    """The sender's Entra ID object id (Teams' `from.aadObjectId`), else the channel's id."""
    user_name: str | None
    conversation_id: str
    personal: bool = True
    text: str | None = None
    value: object = None
    """An Action.Submit's data merged with the card's inputs; anything for a stray client."""
    verb: str | None = None
    """An Action.Execute's verb."""
    action_data: Mapping[str, Any] = field(default_factory=dict)
    """An Action.Execute's data."""
    reply_to_id: str | None = None
    """The message a pressed card button belongs to: the card a reply may update."""
    tenant_id: str | None = None
    service_url: str | None = None
    reference: Mapping[str, Any] | None = None
    """The conversation reference (Bot Framework JSON) a proactive message needs later."""


@dataclass(frozen=True)
class Send:
    activity: dict[str, Any]
    stub: dict[str, Any] | None = None
    """What replaces the message in the chat after `[privacy] card_minutes`: a card with a
    case's free text must not linger in Teams' history."""
    case_id: str | None = None
    """The case the message shows: its stub comes at once when the person leaves the case."""


@dataclass(frozen=True)
class Update:
    """Replaces a message already in the chat, e.g. a form that was sent or cancelled."""

    activity_id: str
    activity: dict[str, Any]
    stub: dict[str, Any] | None = None
    case_id: str | None = None


@dataclass(frozen=True)
class InvokeAnswer:
    """The body of an `adaptiveCard/action` answer (HTTP 200 whatever its `statusCode`)."""

    body: dict[str, Any]

    @classmethod
    def card(cls, card: dict[str, Any]) -> InvokeAnswer:
        return cls({"statusCode": 200, "type": ADAPTIVE, "value": card})

    @classmethod
    def message(cls, text: str) -> InvokeAnswer:
        return cls(
            {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}
        )

    @classmethod
    def bad_request(cls, text: str) -> InvokeAnswer:
        """Universal Actions' error answer: Teams shows `message` on the card."""
        return cls(
            {
                "statusCode": 400,
                "type": "application/vnd.microsoft.error",
                "value": {"code": "BadRequest", "message": text},
            }
        )


class Replies:
    """What a turn answers, in order; the host sends it (and retries it) after the dialog."""

    def __init__(self) -> None:
        self.items: list[Send | Update] = []
        self.invoke: InvokeAnswer | None = None
        self.school: str | None = None
        """The school whose use cases answered (its outbox takes what could not be sent)."""

    def text(self, text: str) -> None:
        self.items.append(Send(text_activity(text)))

    def card(
        self,
        card: dict[str, Any],
        summary: str | None = None,
        *,
        stub: dict[str, Any] | None = None,
        case_id: str | None = None,
    ) -> None:
        """`stub`: the card that takes this one's place after a while (it shows free text)."""
        self.items.append(
            Send(card_activity(card, summary), card_activity(stub) if stub else None, case_id)
        )

    def update(
        self,
        activity_id: str,
        card: dict[str, Any],
        summary: str | None = None,
        *,
        stub: dict[str, Any] | None = None,
    ) -> None:
        self.items.append(
            Update(activity_id, card_activity(card, summary), card_activity(stub) if stub else None)
        )

    def private(self, card: dict[str, Any], summary: str, case_id: str, reference: str) -> None:
        """A card that shows a case's free text: closed in the chat after a while."""
        self.card(card, summary, stub=closed_case_card(case_id, reference), case_id=case_id)

    def stamp(self, school_id: str) -> None:
        """Every button of this turn's cards names the school (for someone at several)."""
        self.items = [
            replace(
                item,
                activity=stamped(item.activity, school_id),
                stub=stamped(item.stub, school_id) if item.stub else None,
            )
            for item in self.items
        ]
        if self.invoke is not None and self.invoke.body.get("type") == ADAPTIVE:
            self.invoke = InvokeAnswer(stamped(self.invoke.body, school_id))


class TurnHandler(Protocol):
    """What a host hands each turn to: the bot's conversation (or, in a benchmark, an echo)."""

    async def handle(self, turn: Turn) -> Replies: ...
