"""The notifier port over Bot Framework: how botbuilder sends, updates and opens a chat.

Everything else a proactive send needs is `bot.hosting.proactive`, shared with the Agents SDK's
host. The SDK's own HTTP retries (msrest: 3 retries on 5xx, none on 429) are switched off for
these calls: the outbox owns the retry policy, so Retry-After is honoured and attempts counted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.graph.reference import TEAMS_CHANNEL
from bot.hosting.failures import CONNECT_TIMEOUT_S, READ_TIMEOUT_S, answered, failed, unreachable
from bot.hosting.proactive import NewChat, in_turn
from bot.services.ports import DeliveryError


def delivery_error(error: BaseException) -> DeliveryError:
    """Classifies an SDK exception by what the channel answered, never by its text."""
    if isinstance(error, DeliveryError):
        return error
    if isinstance(error, HttpOperationError) and error.response is not None:
        return answered(int(error.response.status_code), error.response.headers)
    if isinstance(error, ClientRequestError | ConnectionError | TimeoutError | OSError):
        return unreachable(error)
    return failed(error)


def _prepare(turn_context: TurnContext) -> None:
    """A proactive turn gets a random activity id, which would make every send a reply to a
    message that does not exist; without it the SDK posts to the conversation itself."""
    turn_context.activity.id = None
    tune_connector(turn_context)


def tune_connector(turn_context: TurnContext) -> None:
    """No SDK retries (ours honour Retry-After and count attempts) and short timeouts.

    msrest's defaults are three retries on 5xx, none on 429, and a 100 s timeout: one dead
    serviceUrl would hold a sender thread for most of Teams' 15 s.
    """
    client = turn_context.turn_state.get(CloudAdapter.BOT_CONNECTOR_CLIENT_KEY)
    config = getattr(client, "config", None)
    policy = getattr(config, "retry_policy", None)
    if policy is not None:
        policy.retries = 0
    connection = getattr(config, "connection", None)
    if connection is not None:
        connection.timeout = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)


def _reference(stored: Mapping[str, Any]) -> ConversationReference:
    reference = ConversationReference().deserialize(dict(stored))
    # A fresh message, not a reply to the activity the reference was taken from.
    reference.activity_id = None
    return reference


class BotbuilderProactive:
    def __init__(self, adapter: CloudAdapter, app_id: str) -> None:
        self._adapter = adapter
        self._app_id = app_id

    def failure(self, error: BaseException) -> DeliveryError:
        return delivery_error(error)

    def _continue(self, stored: Mapping[str, Any]) -> Callable[[Any], Any]:
        reference = _reference(stored)
        return lambda callback: self._adapter.continue_conversation(
            reference, callback, self._app_id
        )

    async def send(self, reference: Mapping[str, Any], activity: dict[str, Any]) -> str | None:
        message = Activity().deserialize(activity)

        async def send(turn_context: TurnContext) -> str | None:
            _prepare(turn_context)
            response = await turn_context.send_activity(message)
            return response.id if response else None

        return await in_turn(self._continue(reference), send)

    async def update(
        self, reference: Mapping[str, Any], activity_id: str, activity: dict[str, Any]
    ) -> None:
        update = Activity().deserialize(activity)
        update.id = activity_id

        async def replace(turn_context: TurnContext) -> None:
            _prepare(turn_context)
            await turn_context.update_activity(update)

        await in_turn(self._continue(reference), replace)

    async def create(self, chat: NewChat) -> str:
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=chat.bot_id),
            members=[ChannelAccount(id=chat.user_id, aad_object_id=chat.user_id)],
            tenant_id=chat.tenant_id,
            channel_data={"tenant": {"id": chat.tenant_id}} if chat.tenant_id else None,
        )

        async def created(turn_context: TurnContext) -> str:
            return str(turn_context.activity.conversation.id)

        return await in_turn(
            lambda callback: self._adapter.create_conversation(
                self._app_id, callback, parameters, TEAMS_CHANNEL, chat.service_url
            ),
            created,
        )
