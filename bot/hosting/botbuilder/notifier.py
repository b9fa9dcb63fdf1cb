"""The notifier port over Bot Framework: proactive sends and card updates in personal chats.

The SDK's own HTTP retries (msrest: 3 retries on 5xx, none on 429) are switched off for these
calls: the outbox owns the retry policy, so Retry-After is honoured and attempts are counted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
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

from bot.graph.reference import chat_conversation_ref
from bot.services.ports import AppInstaller, ConversationRef, Delivered, DeliveryError

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 412, 429, 500, 502, 503, 504})


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def delivery_error(error: BaseException) -> DeliveryError:
    """Classifies an SDK exception by what the channel answered, never by its text."""
    if isinstance(error, DeliveryError):
        return error
    if isinstance(error, HttpOperationError) and error.response is not None:
        status = int(error.response.status_code)
        return DeliveryError(
            f"channel answered {status}",
            retryable=status in RETRYABLE_STATUS or status >= 500,
            retry_after=_retry_after(error.response.headers),
            status=status,
        )
    if isinstance(error, ClientRequestError | ConnectionError | TimeoutError | OSError):
        return DeliveryError(f"channel unreachable ({type(error).__name__})", retryable=True)
    return DeliveryError(f"send failed ({type(error).__name__})", retryable=True)


CONNECT_TIMEOUT_S = 3.05
READ_TIMEOUT_S = 5.0
"""A serviceUrl that does not answer fails fast; Teams itself answers within a second or two."""


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


def conversation_ref(turn_context: TurnContext, user_id: str, now: datetime) -> ConversationRef:
    """The reference of the turn's conversation, as JSON from the schema's own serializer."""
    reference = TurnContext.get_conversation_reference(turn_context.activity)
    reference.activity_id = None
    activity = turn_context.activity
    tenant = None
    if activity.conversation is not None and activity.conversation.tenant_id:
        tenant = activity.conversation.tenant_id
    elif isinstance(activity.channel_data, dict):
        found = activity.channel_data.get("tenant")
        tenant = found.get("id") if isinstance(found, dict) else None
    return ConversationRef(
        user_id=user_id,
        tenant_id=tenant,
        service_url=activity.service_url,
        conversation_id=activity.conversation.id,
        reference=reference.serialize(),
        updated_at=now,
    )


class TeamsNotifier:
    def __init__(
        self,
        adapter: CloudAdapter,
        *,
        app_id: str,
        tenant_id: str | None,
        latest: Callable[[], ConversationRef | None],
        clock_now: Callable[[], datetime],
        timeout: float = 30.0,
        installer: AppInstaller | None = None,
    ) -> None:
        self._installer = installer
        self._adapter = adapter
        self._app_id = app_id
        self._tenant_id = tenant_id
        self._latest = latest
        self._now = clock_now
        self._timeout = timeout

    async def send(
        self, recipient_id: str, conversation: ConversationRef | None, payload: dict[str, Any]
    ) -> Delivered:
        if conversation is None:
            return await self._create_and_send(recipient_id, payload)
        activity = Activity().deserialize(payload)
        reference = ConversationReference().deserialize(conversation.reference)
        # A fresh message, not a reply to the activity the reference was taken from.
        reference.activity_id = None
        sent: dict[str, Any] = {}

        async def callback(turn_context: TurnContext) -> None:
            _prepare(turn_context)
            response = await _captured(sent, turn_context.send_activity(activity))
            sent["id"] = response.id if response else None

        await self._call(
            self._adapter.continue_conversation(reference, callback, self._app_id), sent
        )
        return Delivered(sent.get("id"))

    async def update(
        self, conversation: ConversationRef, activity_id: str, payload: dict[str, Any]
    ) -> None:
        activity = Activity().deserialize(payload)
        activity.id = activity_id
        reference = ConversationReference().deserialize(conversation.reference)
        reference.activity_id = None

        outcome: dict[str, Any] = {}

        async def callback(turn_context: TurnContext) -> None:
            _prepare(turn_context)
            await _captured(outcome, turn_context.update_activity(activity))

        await self._call(
            self._adapter.continue_conversation(reference, callback, self._app_id), outcome
        )

    async def _create_and_send(self, recipient_id: str, payload: dict[str, Any]) -> Delivered:
        """No stored conversation: open the 1:1 chat by the user's Entra ID object id.

        Teams answers 403 when the app is not installed for the user; with an installer
        (Graph) the app is installed for them, and the message goes to the chat that gives.
        """
        activity = Activity().deserialize(payload)
        latest = self._latest()
        if latest is None:
            raise DeliveryError("no service URL known yet to open a chat", retryable=True)
        service_url = latest.service_url
        tenant = self._tenant_id or latest.tenant_id
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=self._app_id or "bot"),
            members=[ChannelAccount(id=recipient_id, aad_object_id=recipient_id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}} if tenant else None,
        )
        sent: dict[str, Any] = {}

        async def callback(turn_context: TurnContext) -> None:
            _prepare(turn_context)
            sent["ref"] = conversation_ref(turn_context, recipient_id, self._now())
            response = await _captured(sent, turn_context.send_activity(activity))
            sent["id"] = response.id if response else None

        try:
            await self._call(
                self._adapter.create_conversation(
                    self._app_id, callback, parameters, "msteams", service_url
                ),
                sent,
            )
        except DeliveryError as error:
            if self._installer is None or error.status != 403 or "ref" in sent:
                raise
            log.info("app not installed for user %s; installing it through Graph", recipient_id)
            chat_id = await self._installer.install_and_get_chat(recipient_id)
            ref = chat_conversation_ref(
                chat_id=chat_id,
                service_url=service_url,
                tenant_id=tenant,
                bot_app_id=self._app_id,
                user_id=recipient_id,
                now=self._now(),
            )
            delivered = await self.send(recipient_id, ref, payload)
            return Delivered(delivered.activity_id, ref)
        return Delivered(sent.get("id"), sent.get("ref"))

    async def _call(self, operation: Any, outcome: dict[str, Any]) -> None:
        try:
            await asyncio.wait_for(operation, self._timeout)
        except DeliveryError:
            raise
        except Exception as error:
            raise delivery_error(error) from error
        failure = outcome.get("error")
        if isinstance(failure, BaseException):
            raise delivery_error(failure) from failure


async def _captured(outcome: dict[str, Any], operation: Any) -> Any:
    """Runs a send inside a proactive turn and keeps its exception for the caller.

    The adapter hands exceptions raised in a turn to `on_turn_error`, which logs and swallows
    them; a failed alert must reach the outbox as a failure instead, so it is retried.
    """
    try:
        return await operation
    except Exception as error:
        outcome["error"] = error
        return None
