"""Installing the app for a user who never opened it, and finding the chat to write into."""

from __future__ import annotations

import logging

import pytest

from bot.graph.client import GraphConnection
from bot.graph.installer import AppInstallError, GraphAppInstaller
from bot.services.ports import DeliveryError
from tests.graph.fake_graph import CATALOG_APP_ID, FakeGraph

LEADER = "00000000-0000-0000-0000-0000000000b9"


@pytest.fixture
def installer(graph: FakeGraph, connection: GraphConnection) -> GraphAppInstaller:
    graph.add_user(LEADER, "Avdelingsleder Berit")
    return GraphAppInstaller(
        connection, catalog_app_id=CATALOG_APP_ID, graph_base_url=graph.base_url
    )


async def test_a_new_install_gives_the_chat(graph: FakeGraph, installer: GraphAppInstaller) -> None:
    chat_id = await installer.install_and_get_chat(LEADER)

    installation_id = graph.installations[LEADER][CATALOG_APP_ID]
    assert chat_id == graph.chats[installation_id]
    assert chat_id.startswith("19:") and chat_id.endswith("@unq.gbl.spaces")
    post = graph.graph_requests("/teamwork/installedApps$", method="POST")
    assert len(post) == 1 and post[0].status == 201
    assert post[0].body is not None
    assert post[0].body["teamsApp@odata.bind"] == (
        f"{graph.base_url}/appCatalogs/teamsApps/{CATALOG_APP_ID}"
    )
    # Real Graph answers the install with no body: the installation is looked up.
    listed = graph.graph_requests("/teamwork/installedApps$", method="GET")
    assert len(listed) == 1
    assert listed[0].query["$filter"] == f"teamsApp/id eq '{CATALOG_APP_ID}'"
    assert listed[0].query["$expand"] == "teamsApp"
    assert graph.graph_requests(f"/installedApps/{installation_id}/chat$", method="GET")


async def test_an_install_that_returns_its_id_needs_no_lookup(
    graph: FakeGraph, installer: GraphAppInstaller
) -> None:
    graph.post_returns_body = True

    chat_id = await installer.install_and_get_chat(LEADER)

    assert chat_id == graph.chats[graph.installations[LEADER][CATALOG_APP_ID]]
    assert graph.graph_requests("/teamwork/installedApps$", method="GET") == []


async def test_already_installed_409_finds_the_installation(
    graph: FakeGraph, installer: GraphAppInstaller
) -> None:
    graph.installations[LEADER] = {"other-app": "inst-other", CATALOG_APP_ID: "inst-ours"}
    graph.chats["inst-ours"] = "19:ours@unq.gbl.spaces"
    graph.chats["inst-other"] = "19:other@unq.gbl.spaces"

    chat_id = await installer.install_and_get_chat(LEADER)

    assert chat_id == "19:ours@unq.gbl.spaces"
    post = graph.graph_requests("/teamwork/installedApps$", method="POST")
    assert [r.status for r in post] == [409]


async def test_install_twice_is_one_installation(
    graph: FakeGraph, installer: GraphAppInstaller
) -> None:
    first = await installer.install_and_get_chat(LEADER)
    second = await installer.install_and_get_chat(LEADER)
    assert first == second
    assert len(graph.installations[LEADER]) == 1


async def test_a_refused_install_is_final_and_says_why(
    graph: FakeGraph, installer: GraphAppInstaller, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    graph.install_forbidden = True

    with pytest.raises(AppInstallError) as caught:
        await installer.install_and_get_chat(LEADER)

    error = caught.value
    assert isinstance(error, DeliveryError)  # the outbox knows what to do with it
    assert error.retryable is False
    assert error.status == 403
    assert "TeamsAppInstallation.ReadWriteSelfForUser.All" in str(error)
    assert "an administrator must act" in caplog.text
    assert LEADER in caplog.text


@pytest.mark.parametrize(
    ("status", "headers", "retry_after"),
    [(429, {"Retry-After": "17"}, 17.0), (503, {"Retry-After": "5"}, 5.0), (503, {}, None)],
)
async def test_throttling_is_retryable_with_retry_after(
    graph: FakeGraph,
    installer: GraphAppInstaller,
    status: int,
    headers: dict[str, str],
    retry_after: float | None,
) -> None:
    graph.fail(status, "/teamwork/installedApps$", method="POST", headers=headers)

    with pytest.raises(AppInstallError) as caught:
        await installer.install_and_get_chat(LEADER)

    assert caught.value.retryable is True
    assert caught.value.retry_after == retry_after
    assert caught.value.status == status
    # The outbox's next attempt succeeds.
    assert (await installer.install_and_get_chat(LEADER)).startswith("19:")


async def test_an_unknown_user_is_final(graph: FakeGraph, installer: GraphAppInstaller) -> None:
    with pytest.raises(AppInstallError) as caught:
        await installer.install_and_get_chat("00000000-0000-0000-0000-00000000dead")
    assert caught.value.retryable is False
    assert caught.value.status == 404


async def test_a_chat_not_visible_yet_is_retryable(
    graph: FakeGraph, installer: GraphAppInstaller
) -> None:
    graph.fail(404, "/chat$")

    with pytest.raises(AppInstallError) as caught:
        await installer.install_and_get_chat(LEADER)
    assert caught.value.retryable is True

    assert (await installer.install_and_get_chat(LEADER)).startswith("19:")


async def test_an_installation_not_listed_yet_is_retryable(
    graph: FakeGraph, installer: GraphAppInstaller
) -> None:
    graph.installations[LEADER] = {CATALOG_APP_ID: "inst-1"}
    graph.fail(200, "/teamwork/installedApps$", method="GET", message="not a list")

    with pytest.raises(AppInstallError) as caught:
        await installer.install_and_get_chat(LEADER)
    assert caught.value.retryable is True


async def test_a_timeout_is_retryable(graph: FakeGraph, installer: GraphAppInstaller) -> None:
    graph.fail(504, "/teamwork/installedApps$", method="POST", stall_s=2.0)  # client waits 1 s

    with pytest.raises(AppInstallError) as caught:
        await installer.install_and_get_chat(LEADER)
    assert caught.value.retryable is True
    assert caught.value.status is None


def test_the_catalog_id_cannot_smuggle_odata(connection: GraphConnection) -> None:
    with pytest.raises(ValueError, match="catalog app id"):
        GraphAppInstaller(connection, catalog_app_id="x' or 1 eq 1", graph_base_url="https://graph")
