"""The botbuilder host built from its parts: the adapter, its authentication, the notifier."""

from __future__ import annotations

from dataclasses import dataclass

from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botframework.connector.auth import ServiceClientCredentialsFactory

from bot.config import Settings
from bot.hosting.auth import TokenValidator
from bot.hosting.botbuilder.auth import InboundAuthentication
from bot.hosting.botbuilder.host import BotbuilderHost, build_adapter_callbacks
from bot.hosting.botbuilder.notifier import BotbuilderProactive
from bot.hosting.host import HostParts


@dataclass
class _AuthConfig:
    """The attribute names `ConfigurationBotFrameworkAuthentication` reads."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


def build_adapter(
    settings: Settings,
    validator: TokenValidator | None = None,
    *,
    credentials: ServiceClientCredentialsFactory | None = None,
) -> CloudAdapter:
    """`credentials`: how outbound calls get their tokens (tests hand in a fake)."""
    auth = ConfigurationBotFrameworkAuthentication(
        _AuthConfig(
            APP_ID=settings.app_id,
            APP_PASSWORD=settings.app_password,
            # Without an app id only the MultiTenant factory accepts empty credentials.
            APP_TYPE=settings.app_type if settings.app_id else "MultiTenant",
            APP_TENANTID=settings.app_tenant_id,
        ),
        credentials_factory=credentials,
    )
    # Local mode looks at no Authorization header, whatever it carries.
    adapter = CloudAdapter(InboundAuthentication(auth, None if settings.local_mode else validator))
    build_adapter_callbacks(adapter)
    return adapter


def build_host(parts: HostParts) -> BotbuilderHost:
    settings = parts.settings
    adapter = build_adapter(settings, parts.validator, credentials=parts.credentials)
    notifier = parts.notifier(BotbuilderProactive(adapter, settings.app_id))
    runner = parts.runner()
    return BotbuilderHost(runner, adapter=adapter, notifier=notifier)
