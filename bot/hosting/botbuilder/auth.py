"""botbuilder's authentication with its inbound check replaced by `bot.hosting.auth`.

`CloudAdapter` asks its `BotFrameworkAuthentication` to authenticate every inbound activity.
botbuilder's own implementation fetches Microsoft's keys with a blocking `requests.get` on the
event loop (see `bot/hosting/auth.py`), so this one validates with `TokenValidator` and builds
the `AuthenticateRequestResult` botbuilder would have built from the same claims: the identity,
the outbound audience, the caller id and the connector factory of the configured
authentication. Everything outbound (connector clients, user tokens, proactive messages) is
still the configured authentication's. Without an app id (local mode) the `Authorization`
header is not looked at at all.
"""

from __future__ import annotations

from botbuilder.schema import Activity, CallerIdConstants
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient

from bot.hosting.auth import Claims, TokenValidator, Unauthorized


class InboundAuthentication(BotFrameworkAuthentication):
    def __init__(self, inner: BotFrameworkAuthentication, validator: TokenValidator | None) -> None:
        self._inner = inner
        self.validator = validator
        """None in local mode: no token is checked, and none is needed."""

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        """Raises `Unauthorized`/`Forbidden` (bot.hosting.auth); nothing is sent before this.

        The endpoint validates before it calls the adapter (`bot.hosting.inbound`) and hands
        over `result(claims)`; this is the same check for callers that pass a header.
        """
        claims = None
        if self.validator is not None:
            claims = await self.validator.validate(
                auth_header or "",
                channel_id=activity.channel_id or "",
                service_url=activity.service_url or "",
            )
        return self.result(claims)

    def result(self, claims: Claims | None) -> AuthenticateRequestResult:
        """What botbuilder builds for the same claims; anonymous without them (local mode)."""
        if claims is None:
            # What botbuilder builds for a request without a header when auth is disabled.
            identity = ClaimsIdentity({}, True, AuthenticationConstants.ANONYMOUS_AUTH_TYPE)
            caller_id = None
        else:
            identity = ClaimsIdentity(dict(claims.values), True)
            # Not a skill (the validator refuses other apps' tokens): the public cloud's caller.
            caller_id = CallerIdConstants.public_azure_channel
        result = AuthenticateRequestResult()
        result.claims_identity = identity
        result.audience = self._inner.get_originating_audience()
        result.caller_id = caller_id
        result.connector_factory = self._inner.create_connector_factory(identity)
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        raise Unauthorized("streaming connections are not served")

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        raise Unauthorized("skill calls are not served")

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self._inner.create_connector_factory(claims_identity)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self._inner.create_user_token_client(claims_identity)

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        result: str = self._inner.get_originating_audience()
        return result
