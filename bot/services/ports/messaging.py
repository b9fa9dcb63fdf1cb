"""Reaching a person's chat: the outbox that outlives a restart, the conversation references,
and the notifier and installer behind them (bot/services/delivery.py, replies.py, alerts.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


@dataclass
class ConversationRef:
    """Where to reach a user proactively: the serialized Bot Framework reference, as JSON."""

    user_id: str
    tenant_id: str | None
    service_url: str
    conversation_id: str
    reference: dict[str, Any]
    updated_at: datetime


class MessageKind(StrEnum):
    ALERT = "alert"
    CARD_UPDATE = "card_update"
    NOTICE = "notice"


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SUPERSEDED = "superseded"


@dataclass
class OutboxMessage:
    """A message that must reach a person's chat, kept until it has.

    `key` makes enqueueing idempotent (one alert per case and recipient, whatever retries the
    caller makes). A CARD_UPDATE names in `target_key` the message whose sent activity it
    replaces; `version` lets a newer update win over one being sent.
    """

    id: str
    key: str
    kind: MessageKind
    recipient_id: str
    payload: dict[str, Any]
    created_at: datetime
    next_attempt_at: datetime
    case_id: str | None = None
    target_key: str | None = None
    status: MessageStatus = MessageStatus.PENDING
    attempts: int = 0
    version: int = 1
    activity_id: str | None = None
    conversation_id: str | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
    failure_reported_at: datetime | None = None
    lease_until: datetime | None = None
    lease_owner: str | None = None
    school_id: str = ""
    """Set by the outbox as it reads the message back: the sender serves every school."""
    stub: dict[str, Any] | None = None
    """What the message is replaced by in the chat `[privacy] card_minutes` after it arrived:
    a card with a case's free text does not linger in Teams."""


class Outbox(Protocol):
    async def enqueue(self, message: OutboxMessage) -> bool:
        """False when a message with the same key exists already (nothing is changed then)."""
        ...

    async def enqueue_many(self, messages: Sequence[OutboxMessage]) -> int:
        """One statement for many (the reminder dispatcher); keys already there are skipped."""
        ...

    async def enqueue_update(self, message: OutboxMessage) -> None:
        """Upsert by key: a pending update takes the newer payload and a bumped version."""
        ...

    async def get(self, key: str) -> OutboxMessage | None: ...

    async def claim_due(
        self, now: datetime, owner: str, lease_until: datetime, limit: int
    ) -> Sequence[OutboxMessage]:
        """Leases due messages to one sender; `SKIP LOCKED` keeps instances apart."""
        ...

    async def save(self, message: OutboxMessage) -> None: ...

    async def finish(self, message: OutboxMessage) -> bool:
        """Stores a send's outcome unless a newer version arrived meanwhile (then False)."""
        ...

    async def failed_unreported(self) -> Sequence[OutboxMessage]: ...

    async def for_case(self, case_id: str) -> Sequence[OutboxMessage]: ...

    async def forget_for_case(self, case_id: str) -> int:
        """Empties the payloads still held for a case's messages (unsent ones are dropped)."""
        ...

    async def hurry_stubs(self, case_id: str, recipient_id: str, now: datetime) -> int:
        """Makes the stubs still pending for a person's cards of a case due `now`: their access
        has ended, so the text must leave their chat at once."""
        ...


class Conversations(Protocol):
    async def upsert(self, ref: ConversationRef) -> None: ...

    async def get(self, user_id: str) -> ConversationRef | None: ...

    async def delete(self, user_id: str) -> None: ...

    async def latest(self) -> ConversationRef | None:
        """The newest reference: its service URL opens chats with users never seen yet."""
        ...


class DeliveryError(Exception):
    """A send that failed; `retryable` and `retry_after` come from the channel's answer."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


@dataclass
class Delivered:
    activity_id: str | None
    conversation: ConversationRef | None = None
    """Set when the notifier had to create the conversation; the caller stores it."""


class Notifier(Protocol):
    async def send(
        self, recipient_id: str, conversation: ConversationRef | None, payload: dict[str, Any]
    ) -> Delivered: ...

    async def update(
        self, conversation: ConversationRef, activity_id: str, payload: dict[str, Any]
    ) -> None: ...


class AppInstaller(Protocol):
    """Installs the app for a user who never opened it (Graph), so an alert can reach them."""

    async def install_and_get_chat(self, user_id: str) -> str:
        """The personal chat's id; raises a `DeliveryError` (retryable or not) when it cannot."""
        ...
