"""The client as production builds it: real credential, real SDK, a local Graph."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity.aio import ClientSecretCredential, ManagedIdentityCredential
from kiota_abstractions.api_error import APIError

from bot.graph.client import (
    GraphConfigError,
    GraphConnection,
    GraphSettings,
    build_credential,
    build_graph,
    graph_scope,
)
from tests.graph.conftest import settings_for
from tests.graph.fake_graph import APP_ID, SECRET, TENANT, FakeGraph

USER = "00000000-0000-0000-0000-0000000000c1"


async def test_the_bot_gets_a_token_for_graph_and_sends_it(
    graph: FakeGraph, connection: GraphConnection
) -> None:
    graph.add_user(USER, "Lærer Lise")

    user = await connection.client.users.by_user_id(USER).get()

    assert user is not None and user.display_name == "Lærer Lise"
    assert len(graph.token_requests) == 1
    token = graph.token_requests[0]
    assert token.tenant == TENANT
    assert token.form["grant_type"] == "client_credentials"
    assert token.form["client_id"] == APP_ID
    assert token.form["client_secret"] == SECRET
    assert token.form["scope"] == "https://graph.microsoft.com/.default"
    assert graph.requests[0].authorization == "Bearer token-1"

    await connection.client.users.by_user_id(USER).get()
    assert len(graph.token_requests) == 1  # cached by the credential


async def test_a_refused_secret_fails_the_call_without_retrying_graph(graph: FakeGraph) -> None:
    connection = build_graph(
        settings_for(graph, secret="wrong"), connection_verify=str(graph.cert_path)
    )
    try:
        with pytest.raises(ClientAuthenticationError):
            await connection.client.users.by_user_id(USER).get()
    finally:
        await connection.close()
    assert graph.requests == []


async def test_the_sdk_never_retries_on_its_own(
    graph: FakeGraph, connection: GraphConnection
) -> None:
    """Its default handler would sleep through Retry-After and ask again: the callers own
    retries. Graph would fail the retries too, so one request seen is no sleep and no retry
    (the handler sleeps only before a retry)."""
    graph.add_user(USER, "Lærer Lise")
    graph.fail(503, f"/users/{USER}$", headers={"Retry-After": "1"}, times=3)

    with pytest.raises(APIError) as caught:
        await connection.client.users.by_user_id(USER).get()

    assert caught.value.response_status_code == 503
    assert len(graph.graph_requests(f"/users/{USER}$")) == 1


async def test_a_request_never_outlives_the_timeout(graph: FakeGraph) -> None:
    graph.add_user(USER, "Lærer Lise")
    connection = build_graph(
        settings_for(graph, timeout_s=0.3), connection_verify=str(graph.cert_path)
    )
    await connection.client.users.by_user_id(USER).get()  # the token first
    answer = asyncio.Event()
    graph.fail(504, f"/users/{USER}$", release=answer)  # Graph answers when the test says
    try:
        with pytest.raises(httpx.TimeoutException):
            # Only the client's timeout can end this call (the bound guards against a hang).
            await asyncio.wait_for(connection.client.users.by_user_id(USER).get(), 30)
        [stalled] = graph.graph_requests(f"/users/{USER}$")[1:]
        assert stalled.status == 0  # Graph had not answered when the client gave up
    finally:
        answer.set()
        await connection.close()


def test_the_token_goes_to_the_graph_host_only(graph: FakeGraph) -> None:
    connection = build_graph(settings_for(graph), connection_verify=str(graph.cert_path))
    provider = connection.client.request_adapter._authentication_provider  # type: ignore[attr-defined]
    validator = provider.access_token_provider.get_allowed_hosts_validator()
    assert validator.get_allowed_hosts() == ["127.0.0.1"]
    assert not validator.is_url_host_valid("https://evil.example/v1.0/users")


@pytest.mark.parametrize(
    ("base_url", "scope"),
    [
        ("https://graph.microsoft.com/v1.0", "https://graph.microsoft.com/.default"),
        ("https://graph.microsoft.us/v1.0/", "https://graph.microsoft.us/.default"),
        ("http://127.0.0.1:5555/v1.0", "https://graph.microsoft.com/.default"),
    ],
)
def test_the_scope_follows_the_cloud(base_url: str, scope: str) -> None:
    assert graph_scope(base_url) == scope


async def test_the_credential_follows_the_app_type() -> None:
    secret = build_credential(
        GraphSettings(app_id=APP_ID, app_type="SingleTenant", tenant_id=TENANT, app_password="s")
    )
    msi = build_credential(
        GraphSettings(app_id=APP_ID, app_type="UserAssignedMSI", tenant_id=TENANT)
    )
    try:
        assert isinstance(secret, ClientSecretCredential)
        assert isinstance(msi, ManagedIdentityCredential)
    finally:
        await secret.close()
        await msi.close()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (GraphSettings(app_id="", app_type="SingleTenant", tenant_id=TENANT), "MicrosoftAppId"),
        (
            GraphSettings(app_id=APP_ID, app_type="MultiTenant", tenant_id="", app_password="s"),
            "MicrosoftAppTenantId",
        ),
        (
            GraphSettings(app_id=APP_ID, app_type="SingleTenant", tenant_id=TENANT),
            "MicrosoftAppPassword",
        ),
    ],
)
def test_missing_settings_stop_the_start(settings: GraphSettings, message: str) -> None:
    with pytest.raises(GraphConfigError, match=message):
        build_credential(settings)
