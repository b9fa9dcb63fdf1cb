"""The two hosts side by side: the same stored chats, the same failures, a switch that loses none.

A deployment moves from botbuilder to the Microsoft 365 Agents SDK (or back) by setting
BOT_SDK and restarting: every conversation reference the one stored, the other sends into, and
both store the same JSON for the same chat. Proactive failures are classified the same on both
(status, Retry-After, unreachable), and Teams' 403 for a user without the app leads both to
the Graph installer.
"""

from __future__ import annotations

import gc
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from bot.cards.actions import DRAFT, VERB, Verb
from bot.hosting.proactive import NewChat, created_reference
from bot.services.ports import ConversationRef, DeliveryError
from tests.conftest import LEADER_9, REKTOR, T0, TEACHER_9
from tests.connector import Failure, FakeConnector
from tests.fakes import FakeClock
from tests.samples import form_values
from tests.teams import SDKS, TENANT, Harness, conversation_id, installation, running_bot

OTHER = {"botbuilder": "agents", "agents": "botbuilder"}
ALERT = "Bekymring for en elev"


async def _report(bot: Harness, draft: str) -> None:
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft, **form_values()})
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})


async def _stored(bot: Harness, user: str) -> ConversationRef:
    async with bot.runtime.services.uow() as uow:
        found = await uow.conversations.get(user)
    assert found is not None
    return found


def _alerts(connector: FakeConnector, conversation: str) -> int:
    return sum(ALERT in r.card_json for r in connector.delivered(conversation))


async def _restarted(connector: FakeConnector) -> None:
    """The same Bot Connector, on the same port: the serviceUrl the chats were stored with."""
    await connector.start(connector.port)


@pytest.mark.parametrize("first", SDKS)
async def test_a_deployment_switches_sdk_and_keeps_its_chats(tmp_path: Path, first: str) -> None:
    second = OTHER[first]
    database = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    connector = FakeConnector()
    async with running_bot(tmp_path, database_url=database, connector=connector,
                           sdk=first, clock=FakeClock(T0)) as bot:
        for person in (TEACHER_9, REKTOR):  # the leader never opened the bot
            await bot.post(installation(person, service_url=connector.url))
        await _report(bot, "a" * 32)
        assert await bot.deliver() == 2
    assert len(connector.created) == 1  # the leader's chat, opened by `first`

    await _restarted(connector)
    async with running_bot(tmp_path, database_url=database, connector=connector,
                           sdk=second, clock=FakeClock(T0)) as bot:
        assert bot.runtime.host.name == second
        await _report(bot, "b" * 32)
        assert await bot.deliver() == 2
    # `second` wrote into the chats `first` stored: the one a turn gave and the one it opened.
    assert len(connector.created) == 1
    assert _alerts(connector, conversation_id(REKTOR)) == 2
    assert _alerts(connector, f"a:created-{LEADER_9}") == 2


async def test_both_hosts_store_the_same_references(tmp_path: Path) -> None:
    connector = FakeConnector()
    stored: dict[str, tuple[ConversationRef, ConversationRef]] = {}
    for sdk in SDKS:
        async with running_bot(tmp_path / sdk, connector=connector, sdk=sdk,
                               clock=FakeClock(T0)) as bot:
            for person in (TEACHER_9, REKTOR):
                await bot.post(installation(person, service_url=connector.url))
            await _report(bot, "a" * 32)
            assert await bot.deliver() == 2
            stored[sdk] = (await _stored(bot, REKTOR), await _stored(bot, LEADER_9))
        await _restarted(connector)
    await connector.stop()
    assert stored["botbuilder"] == stored["agents"]
    turn, opened = stored["agents"]
    assert turn.reference["conversation"]["id"] == conversation_id(REKTOR)
    assert opened.reference == {
        "bot": {"id": "bot"},
        "conversation": {"id": f"a:created-{LEADER_9}", "tenantID": TENANT},
        "channelId": "msteams",
        "serviceUrl": connector.url,
    }


def test_an_opened_chat_is_stored_as_botbuilder_serializes_it() -> None:
    """`created_reference` is what botbuilder's own serializer makes of the chat it opened, so
    a reference stored before the shared code existed reads the same."""
    chat = NewChat(LEADER_9, TENANT, "https://smba.trafficmanager.net/emea/", "28:app")
    opened = Activity(
        type="event", name="CreateConversation", id="x", channel_id="msteams",
        service_url=chat.service_url, recipient=ChannelAccount(id=chat.bot_id),
        conversation=ConversationAccount(id="a:1", tenant_id=TENANT),
    )
    reference = TurnContext.get_conversation_reference(opened)
    reference.activity_id = None
    assert created_reference("a:1", chat) == reference.serialize()


@pytest.mark.usefixtures("sdk")
async def test_the_notifier_classifies_what_the_channel_answers(tmp_path: Path) -> None:
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        await bot.post(installation(REKTOR, service_url=bot.connector.url))
        ref = await _stored(bot, REKTOR)
        notifier = bot.runtime.notifier
        message: dict[str, Any] = {"type": "message", "text": "Ny melding"}

        delivered = await notifier.send(REKTOR, ref, message)
        assert delivered.activity_id is not None and delivered.conversation is None
        await notifier.update(ref, delivered.activity_id, {"type": "message", "text": "Endret"})
        [sent] = [r for r in bot.connector.delivered(ref.conversation_id)
                  if r.text == "Ny melding"]
        assert sent.activity_id == delivered.activity_id
        assert "replyToId" not in sent.body  # a new message, not a reply
        [updated] = bot.connector.delivered(ref.conversation_id, "PUT")
        assert (updated.activity_id, updated.text) == (delivered.activity_id, "Endret")
        # Nothing goes out as null (the Agents Playground answers 400 to `"recipient": null`).
        assert [k for r in (sent, updated) for k, v in r.body.items() if v is None] == []

        answers = {
            (429, "POST"): (True, 7.0), (503, "POST"): (True, None),
            (403, "POST"): (False, None), (404, "PUT"): (False, None),
        }
        for (status, method), (retryable, retry_after) in answers.items():
            headers = {"Retry-After": "7"} if retry_after else {}
            bot.connector.failures = [Failure(status, headers)]
            attempt = (notifier.send(REKTOR, ref, message) if method == "POST"
                       else notifier.update(ref, delivered.activity_id, message))
            with pytest.raises(DeliveryError) as failed:
                await attempt
            assert (failed.value.status, failed.value.retryable,
                    failed.value.retry_after) == (status, retryable, retry_after)

        port = bot.connector.port
        await bot.connector.stop()  # nothing listens at the serviceUrl now
        started = time.monotonic()
        with pytest.raises(DeliveryError) as failed:
            await notifier.send(REKTOR, ref, message)
        assert (failed.value.status, failed.value.retryable) == (None, True)
        assert time.monotonic() - started < 5
        await bot.connector.start(port)


class FakeInstaller:
    """Graph's side of it: installs the app for the user, answers with their chat's id."""

    def __init__(self) -> None:
        self.installed: list[str] = []

    async def install_and_get_chat(self, user_id: str) -> str:
        self.installed.append(user_id)
        return f"19:{user_id}_app@unq.gbl.spaces"


@pytest.mark.usefixtures("sdk")
async def test_a_user_without_the_app_gets_it_installed_and_the_alert(tmp_path: Path) -> None:
    installer = FakeInstaller()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        async with running_bot(tmp_path, clock=FakeClock(T0), installer=installer) as bot:
            for person in (TEACHER_9, REKTOR):
                await bot.post(installation(person, service_url=bot.connector.url))
            bot.connector.create_status = 403  # Teams: the app is not installed for the leader
            await _report(bot, "a" * 32)
            assert await bot.deliver() == 2
            chat = f"19:{LEADER_9}_app@unq.gbl.spaces"
            assert installer.installed == [LEADER_9]
            assert _alerts(bot.connector, chat) == 1
            stored = await _stored(bot, LEADER_9)
            assert stored.conversation_id == chat
            assert stored.reference["conversation"]["tenantID"] == TENANT
        gc.collect()
    # The refused «create conversation» left no HTTP session open (the Agents SDK would).
    assert [str(w.message) for w in caught if w.category is ResourceWarning] == []
