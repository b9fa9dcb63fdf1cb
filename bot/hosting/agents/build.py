"""The Agents SDK host built from its parts: the adapter, its outbound tokens, the notifier."""

from __future__ import annotations

from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration, AuthTypes

from bot.config import Settings
from bot.hosting.agents.connector import ConnectorFactory, TokenProvider
from bot.hosting.agents.host import AgentsHost, build_adapter_callbacks
from bot.hosting.agents.notifier import AgentsProactive
from bot.hosting.host import HostParts

MULTI_TENANT_AUTHORITY_TENANT = "botframework.com"
"""Where a MultiTenant bot gets its Bot Framework token, as botbuilder asks for it."""


def msal_tokens(settings: Settings) -> TokenProvider:
    """The bot's Entra ID credentials as MSAL uses them (`MicrosoftApp*`, as for botbuilder)."""
    if settings.app_type == "UserAssignedMSI":
        configuration = AgentAuthConfiguration(
            AuthTypes.user_managed_identity, settings.app_id, settings.app_tenant_id
        )
    else:
        tenant = settings.app_tenant_id
        if settings.app_type == "MultiTenant" or not tenant:
            tenant = MULTI_TENANT_AUTHORITY_TENANT
        configuration = AgentAuthConfiguration(
            AuthTypes.client_secret, settings.app_id, tenant, settings.app_password
        )
    manager = MsalConnectionManager({"SERVICE_CONNECTION": configuration})
    return manager.get_default_connection()


def build_adapter(settings: Settings, *, tokens: TokenProvider | None = None) -> CloudAdapter:
    """`tokens`: how outbound calls get theirs (tests hand in a fake; local mode needs none)."""
    if tokens is None and not settings.local_mode:
        tokens = msal_tokens(settings)
    adapter = CloudAdapter(channel_service_client_factory=ConnectorFactory(tokens, settings.app_id))
    build_adapter_callbacks(adapter)
    return adapter


def build_host(parts: HostParts) -> AgentsHost:
    settings = parts.settings
    adapter = build_adapter(settings, tokens=parts.credentials)
    return AgentsHost(
        parts.runner(),
        adapter=adapter,
        notifier=parts.notifier(AgentsProactive(adapter, settings.app_id)),
        validator=None if settings.local_mode else parts.validator,
    )
