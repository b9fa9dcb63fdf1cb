"""The chat Graph found becomes a conversation reference the real notifier sends into."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from botbuilder.schema import ConversationReference

from bot.config import REPO_ROOT, Settings
from bot.graph.reference import chat_conversation_ref, chat_reference, teams_bot_id
from bot.hosting.botbuilder.build import build_adapter
from bot.hosting.botbuilder.notifier import BotbuilderProactive
from bot.hosting.proactive import ProactiveNotifier
from tests.connector import FakeConnector
from tests.schools import TEST_SCHOOL_CONFIG

APP_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
TENANT = "11111111-2222-3333-4444-555555555555"
USER = "00000000-0000-0000-0000-0000000000b9"
CHAT = "19:00000000-0000-0000-0000-0000000000b9_aaaaaaaa@unq.gbl.spaces"
ROOT = REPO_ROOT
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Europe/Oslo"))
THE_CHAT = {"chat_id": CHAT, "tenant_id": TENANT, "bot_app_id": APP_ID, "user_id": USER}
"""Who and where: the one chat every reference here is for (the service URL varies)."""


def test_the_reference_is_what_botbuilder_reads() -> None:
    ref = chat_reference(service_url="https://smba.trafficmanager.net/emea/", **THE_CHAT)

    assert ref == {
        "channelId": "msteams",
        "serviceUrl": "https://smba.trafficmanager.net/emea/",
        "bot": {"id": f"28:{APP_ID}"},
        "user": {"id": USER, "aadObjectId": USER},
        "conversation": {
            "id": CHAT,
            "conversationType": "personal",
            "isGroup": False,
            "tenantID": TENANT,  # botbuilder's spelling
        },
    }
    parsed = ConversationReference().deserialize(ref)
    assert parsed.conversation.id == CHAT
    assert parsed.conversation.tenant_id == TENANT
    assert parsed.service_url == "https://smba.trafficmanager.net/emea/"
    assert parsed.channel_id == "msteams"
    assert parsed.activity_id is None
    assert parsed.serialize() == ref  # stored and read back unchanged


def test_without_a_tenant_the_key_is_left_out() -> None:
    ref = chat_reference(
        chat_id=CHAT, service_url="https://s/", tenant_id=None, bot_app_id=APP_ID, user_id=USER
    )
    assert "tenantID" not in ref["conversation"]


@pytest.mark.parametrize(
    ("app_id", "bot_id"), [(APP_ID, f"28:{APP_ID}"), (f"28:{APP_ID}", f"28:{APP_ID}")]
)
def test_the_bot_id_is_prefixed_once(app_id: str, bot_id: str) -> None:
    assert teams_bot_id(app_id) == bot_id


def test_the_row_to_store() -> None:
    row = chat_conversation_ref(service_url="https://s/", now=NOW, **THE_CHAT)
    assert (row.user_id, row.conversation_id, row.tenant_id, row.service_url) == (
        USER,
        CHAT,
        TENANT,
        "https://s/",
    )
    assert row.updated_at == NOW
    assert row.reference["conversation"]["id"] == CHAT


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    server = FakeConnector()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_the_notifier_sends_and_updates_in_the_chat(
    connector: FakeConnector, tmp_path: object
) -> None:
    settings = Settings.from_env({"SCHOOL_CONFIG": str(TEST_SCHOOL_CONFIG)})
    notifier = ProactiveNotifier(
        BotbuilderProactive(build_adapter(settings), settings.app_id),
        app_id=settings.app_id,
        tenant_id=TENANT,
        latest=lambda: None,
        clock_now=lambda: NOW,
    )
    row = chat_conversation_ref(service_url=connector.url, now=NOW, **THE_CHAT)

    delivered = await notifier.send(USER, row, {"type": "message", "text": "Ny melding"})
    await notifier.update(row, delivered.activity_id or "", {"type": "message", "text": "Endret"})

    sent, updated = connector.requests
    assert (sent.method, sent.conversation_id) == ("POST", CHAT)
    assert sent.activity_id == delivered.activity_id
    assert sent.text == "Ny melding"
    assert sent.body["conversation"]["id"] == CHAT
    assert (updated.method, updated.conversation_id) == ("PUT", CHAT)
    assert updated.activity_id == delivered.activity_id


def test_the_reference_module_stays_light() -> None:
    """The notifier imports it in every mode; msgraph-sdk must load only when Graph is on."""
    code = (
        "import sys, bot.graph, bot.graph.reference\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'msgraph', 'msgraph_core', 'kiota_abstractions', 'azure', 'httpx'})\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
