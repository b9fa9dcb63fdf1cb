"""The notifier port over the Agents SDK: how it sends, updates and opens a chat.

Everything else a proactive send needs is `bot.hosting.proactive`, shared with botbuilder's
host; the references it reads are the JSON botbuilder stores (`tenantID` included).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
from microsoft_agents.activity import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.authorization import AuthenticationConstants

from bot.graph.reference import TEAMS_CHANNEL
from bot.hosting.activity import addressing
from bot.hosting.failures import answered, failed, unreachable
from bot.hosting.proactive import NewChat, in_turn
from bot.services.ports import DeliveryError

Callback = Callable[[TurnContext], Awaitable[None]]


def delivery_error(error: BaseException) -> DeliveryError:
    """Classifies an SDK exception by what the channel answered, never by its text.

    The SDK's connector raises aiohttp's `ClientResponseError` (status and headers) for every
    answer that is not 2xx, and aiohttp's own errors when no answer came.
    """
    if isinstance(error, DeliveryError):
        return error
    if isinstance(error, aiohttp.ClientResponseError):
        return answered(error.status, error.headers)
    if isinstance(error, aiohttp.ClientError | ConnectionError | TimeoutError | OSError):
        return unreachable(error)
    return failed(error)


def conversation_reference(stored: Mapping[str, Any]) -> ConversationReference:
    """A stored reference as the SDK reads it: botbuilder's `tenantID` is its `tenantId`."""
    data = addressing(stored)
    # A fresh message, not a reply to the activity the reference was taken from.
    data.pop("activityId", None)
    conversation = data.get("conversation")
    if conversation is not None and "tenantID" in conversation:
        tenant = conversation.pop("tenantID")
        conversation.setdefault("tenantId", tenant)
    return ConversationReference.model_validate(data)


class AgentsProactive:
    def __init__(self, adapter: CloudAdapter, app_id: str) -> None:
        self._adapter = adapter
        self._app_id = app_id

    def failure(self, error: BaseException) -> DeliveryError:
        return delivery_error(error)

    def _continue(self, stored: Mapping[str, Any]) -> Callable[[Callback], Awaitable[object]]:
        continuation = conversation_reference(stored).get_continuation_activity()
        # The continuation's random id would make every send a reply to a message that does
        # not exist; without it the SDK posts to the conversation itself.
        continuation.id = None

        def start(callback: Callback) -> Awaitable[object]:
            return self._adapter.continue_conversation(self._app_id, continuation, callback)

        return start

    async def send(self, reference: Mapping[str, Any], activity: dict[str, Any]) -> str | None:
        message = Activity.model_validate(activity)

        async def send(context: TurnContext) -> str | None:
            response = await context.send_activity(message)
            return response.id if response is not None else None

        return await in_turn(self._continue(reference), send)

    async def update(
        self, reference: Mapping[str, Any], activity_id: str, activity: dict[str, Any]
    ) -> None:
        update = Activity.model_validate({**activity, "id": activity_id})

        async def replace(context: TurnContext) -> None:
            await context.update_activity(update)

        await in_turn(self._continue(reference), replace)

    async def create(self, chat: NewChat) -> str:
        fields: dict[str, Any] = {
            "is_group": False,
            "agent": ChannelAccount(id=chat.bot_id),
            "members": [ChannelAccount(id=chat.user_id, aad_object_id=chat.user_id)],
        }
        if chat.tenant_id:
            fields["tenant_id"] = chat.tenant_id
            fields["channel_data"] = {"tenant": {"id": chat.tenant_id}}
        parameters = ConversationParameters(**fields)

        async def created(context: TurnContext) -> str:
            return str(context.activity.conversation.id)

        def start(callback: Callback) -> Awaitable[object]:
            return self._adapter.create_conversation(
                self._app_id,
                TEAMS_CHANNEL,
                chat.service_url,
                AuthenticationConstants.AGENTS_SDK_SCOPE,
                parameters,
                callback,
            )

        return await in_turn(start, created)
