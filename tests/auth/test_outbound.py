"""What the bot sends carries its own token with MicrosoftAppId, and none in local mode: both hosts.

The Bot Connector refuses a reply without the bot's token; the Playground and the Emulator take
one without. Each host gets its token from its own SDK's credentials (botbuilder's
`AppCredentials`, the Agents SDK's MSAL provider; here the fakes of `fake_credentials`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web

from tests.auth.harness import authenticated_bot
from tests.auth.openid import FakeOpenId, Keys, connector_claims, sign
from tests.conftest import TEACHER_9
from tests.connector import FakeConnector
from tests.teams import activity, conversation_id, running_bot

pytestmark = pytest.mark.usefixtures("sdk")  # on both hosts (tests/conftest.py)


class HeaderConnector(FakeConnector):
    """The local Bot Connector, also keeping the Authorization header of each message."""

    def __init__(self) -> None:
        super().__init__()
        self.authorization: list[str | None] = []

    async def _send(self, request: web.Request) -> web.Response:
        self.authorization.append(request.headers.get("Authorization"))
        return await super()._send(request)


async def test_with_an_app_id_replies_carry_the_bots_token(
    tmp_path: Path, keys: Keys, openid: FakeOpenId,
) -> None:
    connector = HeaderConnector()
    async with authenticated_bot(tmp_path, openid, connector=connector) as bot:
        token = sign(keys.bf, connector_claims(connector.url))
        status, _ = await bot.post(
            activity(TEACHER_9, service_url=connector.url, text="hjelp"), f"Bearer {token}")
        assert status in (200, 201)
        assert len(connector.delivered(conversation_id(TEACHER_9))) == 1
    assert connector.authorization == ["Bearer outbound-test-token"]


async def test_in_local_mode_replies_carry_no_token(tmp_path: Path) -> None:
    connector = HeaderConnector()
    async with running_bot(tmp_path, connector=connector) as bot:
        assert (await bot.say(TEACHER_9, "hjelp")).status in (200, 201)
        assert len(bot.to(TEACHER_9)) == 1
    assert connector.authorization == [None]
