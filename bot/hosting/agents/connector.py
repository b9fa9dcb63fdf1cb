"""Outbound calls to the channel (the activity's serviceUrl) on the Agents SDK, on our terms.

The SDK's `RestChannelServiceClientFactory` asks for a token before every turn (a turn that
sends nothing, or whose token endpoint is slow, would wait or fail before the conversation
ran), opens its sessions with aiohttp's 5-minute default timeout, without HTTPS_PROXY or
REQUESTS_CA_BUNDLE, and builds a user-token client with a token of its own. This factory gives
the SDK's own `TeamsConnectorClient` a session from `bot.hosting.http` instead: short connect
and read timeouts, no retries (aiohttp makes none; ours honour Retry-After), the proxy and CAs,
and the Bot Framework token fetched only when a request is actually sent, so a failure to get
one is a failed send (retried through the outbox), never a lost turn.

The SDK's connector (1.9.0) needs three repairs. A proactive message or an update goes out
with `"id": null, "recipient": null, "locale": null` where it has none, which the Agents
Playground refuses (400): such fields are left out, as botbuilder and the SDK's own replies do.
Opening a chat, it refuses an answer whose `activityId` is null, and it leaves the session open
when the channel refuses (Teams' 403 for a user without the app, the way to Graph's installer).
"""

from __future__ import annotations

import asyncio
from typing import Protocol

import aiohttp
from microsoft_agents.activity import (
    Activity,
    ConversationParameters,
    ConversationResourceResponse,
    ResourceResponse,
)
from microsoft_agents.hosting.core import (
    ChannelServiceClientFactoryBase,
    ClaimsIdentity,
    TurnContext,
)
from microsoft_agents.hosting.core.authorization import AuthenticationConstants
from microsoft_agents.hosting.core.connector import ConnectorClientBase, UserTokenClientBase
from microsoft_agents.hosting.core.connector.client import UserTokenClient
from microsoft_agents.hosting.core.connector.client.connector_client import ConversationsOperations
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

from bot.hosting.failures import CONNECT_TIMEOUT_S, READ_TIMEOUT_S
from bot.hosting.http import client_session

BOT_FRAMEWORK = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPE = f"{BOT_FRAMEWORK}/.default"
TOKEN_TIMEOUT_S = 10.0
"""MSAL runs in a thread without a timeout of its own; a send does not wait longer for it."""


class TokenProvider(Protocol):
    """The bot's outbound token (MSAL's `MsalAuth`; tests hand in their own)."""

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str: ...


def _bearer(tokens: TokenProvider) -> aiohttp.ClientMiddlewareType:
    async def authorize(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        token = await asyncio.wait_for(
            tokens.get_access_token(BOT_FRAMEWORK, [BOT_FRAMEWORK_SCOPE]), TOKEN_TIMEOUT_S
        )
        request.headers["Authorization"] = f"Bearer {token}"
        return await handler(request)

    return authorize


def _without_nulls(activity: Activity) -> Activity:
    return Activity.model_validate(
        activity.model_dump(by_alias=True, exclude_none=True, mode="json")
    )


class _Conversations(ConversationsOperations):
    async def send_to_conversation(self, conversation_id: str, body: Activity) -> ResourceResponse:
        return await super().send_to_conversation(conversation_id, _without_nulls(body))

    async def update_activity(
        self, conversation_id: str, activity_id: str, body: Activity
    ) -> ResourceResponse:
        return await super().update_activity(conversation_id, activity_id, _without_nulls(body))

    async def create_conversation(
        self, body: ConversationParameters
    ) -> ConversationResourceResponse:
        try:
            async with self.client.post(
                "v3/conversations",
                json=body.model_dump(by_alias=True, exclude_unset=True, mode="json"),
            ) as response:
                if response.status not in (200, 201, 202):
                    raise aiohttp.ClientResponseError(
                        response.request_info,
                        response.history,
                        status=response.status,
                        message="conversation not created",
                        headers=response.headers,
                    )
                data = await response.json()
        except BaseException:
            await self.client.close()  # the SDK would leave it open
            raise
        if not isinstance(data, dict):
            raise aiohttp.ContentTypeError(response.request_info, response.history)
        return ConversationResourceResponse.model_validate(
            {key: value for key, value in data.items() if value is not None}
        )


class _TeamsClient(TeamsConnectorClient):
    def __init__(self, endpoint: str, session: aiohttp.ClientSession) -> None:
        super().__init__(endpoint, "", session=session)
        self._conversations = _Conversations(self.client)


class ConnectorFactory(ChannelServiceClientFactoryBase):
    def __init__(self, tokens: TokenProvider | None, app_id: str) -> None:
        self._tokens = tokens
        """None in local mode: the Playground and the Emulator take requests without one."""
        self._app_id = app_id or "bot"

    async def create_connector_client(
        self,
        context: TurnContext | None,
        claims_identity: ClaimsIdentity,
        service_url: str,
        audience: str,
        scopes: list[str] | None = None,
        use_anonymous: bool = False,
    ) -> ConnectorClientBase:
        base_url = service_url if service_url.endswith("/") else f"{service_url}/"
        session = client_session(
            aiohttp.ClientTimeout(total=None, connect=CONNECT_TIMEOUT_S, sock_read=READ_TIMEOUT_S),
            base_url=base_url,
            middlewares=(_bearer(self._tokens),) if self._tokens is not None else (),
        )
        return _TeamsClient(base_url, session)

    async def create_user_token_client(
        self,
        context: TurnContext,
        claims_identity: ClaimsIdentity,
        use_anonymous: bool = False,
    ) -> UserTokenClientBase:
        """Never called on: the bot signs no user in. Made without a token, so it costs none."""
        return UserTokenClient(
            AuthenticationConstants.AGENTS_SDK_OAUTH_URL, "", app_id=self._app_id
        )
