"""A Graph client built from the bot's own Entra ID identity, tuned never to hold up a report.

The SDK's defaults suit scripts, not a bot answering a teacher: a 100 s request timeout and a
retry handler that sleeps through 429/503 for up to three minutes. Here every request has a
short timeout and the SDK never retries; the callers decide (the directory falls back to the
configuration, the outbox retries an install with the answer's Retry-After).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import httpx
from azure.core.credentials_async import AsyncTokenCredential
from azure.identity.aio import ClientSecretCredential, ManagedIdentityCredential
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from kiota_http.middleware.options import RetryHandlerOption
from msgraph.graph_request_adapter import GraphRequestAdapter
from msgraph.graph_request_adapter import options as graph_default_options
from msgraph.graph_service_client import GraphServiceClient

# msgraph-core ships no py.typed; its factory is used for Graph's telemetry middleware only.
from msgraph_core import GraphClientFactory  # type: ignore[import-untyped]

DEFAULT_BASE_URL = "https://graph.microsoft.com/v1.0"
DEFAULT_TIMEOUT_S = 5.0
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class GraphConfigError(ValueError):
    """The settings cannot give a Graph identity; raised at start, phrased for the operator."""


@dataclass(frozen=True)
class GraphSettings:
    """The bot's identity (the same app registration Bot Framework uses) and where Graph is."""

    app_id: str
    app_type: str
    """`SingleTenant`, `MultiTenant` or `UserAssignedMSI`, as in `MicrosoftAppType`."""
    tenant_id: str
    app_password: str = ""
    base_url: str = DEFAULT_BASE_URL
    """Override for tests and national clouds, e.g. `https://graph.microsoft.us/v1.0`."""
    authority: str | None = None
    """The token authority host (`login.microsoftonline.us` for US Gov); None: public cloud."""
    timeout_s: float = DEFAULT_TIMEOUT_S


@dataclass
class GraphConnection:
    """The client and what it owns, so shutdown can close the HTTP sessions it opened."""

    client: GraphServiceClient
    credential: AsyncTokenCredential
    http: httpx.AsyncClient
    timeout_s: float

    async def close(self) -> None:
        await self.http.aclose()
        await self.credential.close()


def graph_scope(base_url: str) -> str:
    """The `.default` scope of the Graph host the base URL names.

    Derived from the host so national clouds get their own audience; a local test server gets
    the public one, since a token for `http://127.0.0.1` means nothing.
    """
    host = urlparse(base_url).hostname or ""
    if not host or host in LOCAL_HOSTS:
        return "https://graph.microsoft.com/.default"
    return f"https://{host}/.default"


def build_credential(
    settings: GraphSettings, *, connection_verify: str | bool | None = None
) -> AsyncTokenCredential:
    """The bot's own credential: client secret, or the user-assigned managed identity.

    `connection_verify` (a CA bundle path) exists for tests that run a token endpoint on a
    local HTTPS server; production uses the system's trust store.
    """
    if not settings.app_id:
        raise GraphConfigError("Microsoft Graph krever MicrosoftAppId.")
    options: dict[str, Any] = {
        # One retry of the token request at most: the caller's timeout is short anyway.
        "retry_total": 1,
        "connection_timeout": settings.timeout_s,
        "read_timeout": settings.timeout_s,
    }
    if connection_verify is not None:
        options["connection_verify"] = connection_verify
    if settings.app_type == "UserAssignedMSI":
        return ManagedIdentityCredential(client_id=settings.app_id, **options)
    if settings.app_type not in ("SingleTenant", "MultiTenant"):
        raise GraphConfigError(f"Ukjent MicrosoftAppType «{settings.app_type}» for Graph.")
    if not settings.tenant_id:
        # Application permissions are granted per tenant: even a multi-tenant bot needs one.
        raise GraphConfigError("Microsoft Graph krever MicrosoftAppTenantId.")
    if not settings.app_password:
        raise GraphConfigError(
            f"Microsoft Graph krever MicrosoftAppPassword for MicrosoftAppType={settings.app_type}."
        )
    if settings.authority:
        options["authority"] = settings.authority
    return ClientSecretCredential(
        settings.tenant_id, settings.app_id, settings.app_password, **options
    )


def build_http_client(base_url: str, timeout_s: float) -> httpx.AsyncClient:
    """An HTTP client as Graph uses it, minus its retries, and a short timeout on each phase."""
    http = httpx.AsyncClient(
        base_url=base_url.rstrip("/"), timeout=httpx.Timeout(timeout_s), http2=True
    )
    options = dict(graph_default_options)
    options[RetryHandlerOption.get_key()] = RetryHandlerOption(
        delay=0, max_retries=0, should_retry=False
    )
    configured: httpx.AsyncClient = GraphClientFactory.create_with_default_middleware(
        client=http, options=options
    )
    return configured


def build_graph(
    settings: GraphSettings,
    *,
    credential: AsyncTokenCredential | None = None,
    connection_verify: str | bool | None = None,
) -> GraphConnection:
    credential = credential or build_credential(settings, connection_verify=connection_verify)
    base_url = settings.base_url.rstrip("/")
    host = urlparse(base_url).hostname
    auth = AzureIdentityAuthenticationProvider(
        credential,
        scopes=[graph_scope(base_url)],
        # The token goes to the Graph host only, never to a URL a response might point at.
        allowed_hosts=[host] if host else [],
    )
    http = build_http_client(base_url, settings.timeout_s)
    adapter = GraphRequestAdapter(auth, client=http)
    adapter.base_url = base_url
    return GraphConnection(
        client=GraphServiceClient(request_adapter=adapter),
        credential=credential,
        http=http,
        timeout_s=settings.timeout_s,
    )
