"""The notifier port over any bot SDK: proactive sends and card updates in personal chats.

What is the same on every host lives here: where a chat with someone new is opened (the newest
serviceUrl and tenant seen), Teams' 403 for a user who does not have the app (installed for
them through Graph, then written to in the chat that gives), the timeout, and the
classification of whatever the SDK raised into a `DeliveryError`. A host only says how its
SDK sends, updates and creates a conversation (`Proactive`).

Conversation references are stored as Bot Framework `ConversationReference` JSON, as botbuilder
serializes it, whichever host took them: a deployment can switch `BOT_SDK` and keep its chats.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from bot.graph.reference import TEAMS_CHANNEL, chat_conversation_ref
from bot.services.ports import AppInstaller, ConversationRef, Delivered, DeliveryError

log = logging.getLogger(__name__)

T = TypeVar("T")
C = TypeVar("C")


@dataclass(frozen=True)
class NewChat:
    """A 1:1 chat to open with the user whose Entra ID object id is `user_id`."""

    user_id: str
    tenant_id: str | None
    service_url: str
    bot_id: str


def created_reference(conversation_id: str, chat: NewChat) -> dict[str, Any]:
    """The reference of a chat the bot opened, as botbuilder serializes the one it made for it.

    botbuilder's schema spells the tenant `tenantID`; both hosts read either spelling.
    """
    conversation: dict[str, Any] = {"id": conversation_id}
    if chat.tenant_id:
        conversation["tenantID"] = chat.tenant_id
    return {
        "bot": {"id": chat.bot_id},
        "conversation": conversation,
        "channelId": TEAMS_CHANNEL,
        "serviceUrl": chat.service_url,
    }


class Proactive(Protocol):
    """What a host's SDK does outside a turn; each call raises the SDK's own exceptions."""

    def failure(self, error: BaseException) -> DeliveryError:
        """The SDK's exception, classified by what the channel answered."""
        ...

    async def send(self, reference: Mapping[str, Any], activity: dict[str, Any]) -> str | None:
        """Posts `activity` as a new message (not a reply); the id the channel gave it."""
        ...

    async def update(
        self, reference: Mapping[str, Any], activity_id: str, activity: dict[str, Any]
    ) -> None: ...

    async def create(self, chat: NewChat) -> str:
        """Opens the chat; the conversation id the channel gave it."""
        ...


async def in_turn(
    start: Callable[[Callable[[C], Awaitable[None]]], Awaitable[object]],
    body: Callable[[C], Awaitable[T]],
) -> T:
    """Runs `body` in the turn `start` opens, and returns what it returns or raises what it raises.

    Both SDKs hand an exception raised in a turn to their `on_turn_error`, which logs and
    swallows it; a failed alert must reach the outbox as a failure instead, so it is retried.
    """
    done: list[T] = []
    failed: list[Exception] = []

    async def callback(context: C) -> None:
        try:
            done.append(await body(context))
        except Exception as error:
            failed.append(error)

    await start(callback)
    if failed:
        raise failed[0]
    if not done:
        raise DeliveryError("the SDK ran no turn", retryable=True)
    return done[0]


@dataclass(frozen=True)
class ProactiveNotifier:
    """The notifier port over one host's SDK; it holds nothing but what it is given."""

    proactive: Proactive
    _: KW_ONLY
    # A chat with someone new: where it is opened, in which tenant, with which bot; and what
    # to do when Teams answers 403 for it.
    latest: Callable[[], ConversationRef | None]
    """The newest conversation seen: its service URL opens the chat."""
    tenant_id: str | None
    """The deployment's tenant; None: the newest conversation's."""
    app_id: str
    installer: AppInstaller | None = None
    """Installs the app for the user (Graph) on a 403; None: the 403 is the outcome."""
    clock_now: Callable[[], datetime]
    timeout: float = 30.0

    async def send(
        self, recipient_id: str, conversation: ConversationRef | None, payload: dict[str, Any]
    ) -> Delivered:
        if conversation is None:
            return await self._create_and_send(recipient_id, payload)
        return Delivered(await self._call(self.proactive.send(conversation.reference, payload)))

    async def update(
        self, conversation: ConversationRef, activity_id: str, payload: dict[str, Any]
    ) -> None:
        await self._call(self.proactive.update(conversation.reference, activity_id, payload))

    async def _create_and_send(self, recipient_id: str, payload: dict[str, Any]) -> Delivered:
        """No stored conversation: open the 1:1 chat by the user's Entra ID object id.

        Teams answers 403 when the app is not installed for the user; with an installer
        (Graph) the app is installed for them, and the message goes to the chat that gives.
        """
        latest = self.latest()
        if latest is None:
            raise DeliveryError("no service URL known yet to open a chat", retryable=True)
        tenant = self.tenant_id or latest.tenant_id
        chat = NewChat(recipient_id, tenant, latest.service_url, self.app_id or "bot")
        try:
            conversation_id = await self._call(self.proactive.create(chat))
        except DeliveryError as error:
            if self.installer is None or error.status != 403:
                raise
            log.info("app not installed for user %s; installing it through Graph", recipient_id)
            chat_id = await self.installer.install_and_get_chat(recipient_id)
            ref = chat_conversation_ref(
                chat_id=chat_id,
                service_url=chat.service_url,
                tenant_id=tenant,
                bot_app_id=self.app_id,
                user_id=recipient_id,
                now=self.clock_now(),
            )
        else:
            ref = ConversationRef(
                user_id=recipient_id,
                tenant_id=tenant,
                service_url=chat.service_url,
                conversation_id=conversation_id,
                reference=created_reference(conversation_id, chat),
                updated_at=self.clock_now(),
            )
        delivered = await self.send(recipient_id, ref, payload)
        return Delivered(delivered.activity_id, ref)

    async def _call(self, operation: Awaitable[T]) -> T:
        try:
            return await asyncio.wait_for(operation, self.timeout)
        except DeliveryError:
            raise
        except Exception as error:
            raise self.proactive.failure(error) from error
