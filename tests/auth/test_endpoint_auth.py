"""POST /api/messages with MicrosoftAppId set, through the real app over HTTP.

Every token case is answered 401 or 403 with a short JSON body and never 500, nothing goes to
a forged request's serviceUrl, valid tokens are served end to end, and a silent OpenID endpoint
stalls nobody else.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest

from bot.hosting import auth
from bot.logs import SafeFormatter
from tests.auth.cases import ACCEPTED, CASES
from tests.auth.conftest import MonotonicClock, validator_for
from tests.auth.harness import AuthenticatedBot, authenticated_bot
from tests.auth.openid import FakeOpenId, Keys, connector_claims, entra_claims, sign
from tests.conftest import TEACHER_9
from tests.teams import activity

pytestmark = pytest.mark.usefixtures("sdk")  # on both hosts (tests/conftest.py)


def _message(bot: AuthenticatedBot, conversation: str, *, channel: str = "msteams",
             text: str = "hjelp") -> dict[str, object]:
    body = activity(TEACHER_9, service_url=bot.connector.url, text=text, channelId=channel)
    body["conversation"] = {"id": conversation, "conversationType": "personal",
                            "tenantId": "11111111-2222-3333-4444-555555555555"}
    return body


def _sent_to(bot: AuthenticatedBot) -> set[str]:
    return {r.conversation_id for r in bot.connector.requests}


async def test_every_token_case_gets_its_answer_and_forged_ones_send_nothing(
    tmp_path: Path, keys: Keys, openid: FakeOpenId,
) -> None:
    async with authenticated_bot(tmp_path, openid) as bot:
        answers: dict[str, int] = {}
        bodies: dict[str, str] = {}
        for number, case in enumerate(CASES):
            header = case.header(keys, bot.connector.url)
            status, text = await bot.post(
                _message(bot, f"a:case-{number}", channel=case.channel), header)
            answers[case.name] = status
            bodies[case.name] = text
        expected = {c.name: c.expected for c in CASES}
        # aiohttp's parser refuses a header line over 8190 bytes before any handler runs.
        expected["oversized token"] = 400
        accepted = {name for name, status in expected.items() if status == ACCEPTED}
        assert {n: (ACCEPTED if n in accepted and s in (200, 201) else s)
                for n, s in answers.items()} == expected
        for name, status in answers.items():
            if status in (401, 403):
                assert json.loads(bodies[name]) == {
                    "error": "unauthorized" if status == 401 else "forbidden"}
        # Only the accepted requests were answered in their conversations; the outbox is empty.
        assert _sent_to(bot) == {f"a:case-{n}" for n, c in enumerate(CASES) if c.name in accepted}
        assert await bot.runtime.worker.run_until_idle() == 0
        assert await bot.healthz() == 200


async def test_a_refusal_says_how_to_authenticate_and_logs_no_token(
    tmp_path: Path, keys: Keys, openid: FakeOpenId, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    forged = sign(keys.attacker, connector_claims("https://evil.example/"))
    async with authenticated_bot(tmp_path, openid) as bot:
        body = _message(bot, "a:forged\nINFO bot: FORGED line")
        body["id"] = "f:1\n2026 INFO bot.services.reporting: case FORGED"
        async with bot.session.post(bot.server.make_url("/api/messages"), json=body,
                                    headers={"Authorization": f"Bearer {forged}"}) as response:
            assert response.status == 401
            assert response.headers["WWW-Authenticate"] == "Bearer"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert forged[:40] not in logged and forged[-20:] not in logged
    # As the bot's log handler writes them (bot/logs.py escapes what came from input).
    formatter = SafeFormatter("%(message)s")
    refusals = [formatter.format(r) for r in caplog.records if "refused" in r.getMessage()]
    assert refusals and all("\n" not in line for line in refusals)
    assert "f:1\\n2026" in refusals[0]


async def test_valid_tokens_are_served_end_to_end(tmp_path: Path, keys: Keys,
                                                  openid: FakeOpenId) -> None:
    async with authenticated_bot(tmp_path, openid) as bot:
        for number, (key, claims) in enumerate([
            (keys.bf, connector_claims(bot.connector.url)),
            (keys.entra, entra_claims("1.0")),
            (keys.entra, entra_claims("2.0")),
        ]):
            status, _ = await bot.post(_message(bot, f"a:ok-{number}", text="hva kan du?"),
                                       f"Bearer {sign(key, claims)}")
            assert status in (200, 201)
            [reply] = bot.connector.delivered(f"a:ok-{number}")
            assert reply.card is not None and "Meld fra" in reply.card_json


async def test_no_token_is_refused_before_the_body_is_read(tmp_path: Path,
                                                           openid: FakeOpenId) -> None:
    async with authenticated_bot(tmp_path, openid) as bot:
        for body, content_type in ((b"not json", "application/json"),
                                   (b"{" + b" " * 600_000 + b"}", "application/json"),
                                   (b"{}", "text/plain")):
            async with bot.session.post(bot.server.make_url("/api/messages"), data=body,
                                        headers={"Content-Type": content_type}) as response:
                assert response.status == 401


FETCH_TIMEOUT_S = 3.0
"""How long a fetch from a silent OpenID endpoint hangs: six times issue 9's bound (other
requests answer in under 0.5 s meanwhile), so that answering before it ends is a generous
bound, and an order the test can see rather than a time it measures."""


async def test_a_silent_openid_endpoint_stalls_nobody_else(
    tmp_path: Path, keys: Keys, openid: FakeOpenId, monotonic: MonotonicClock,
) -> None:
    """Keys cached, then Microsoft goes silent and a forged token asks for a refresh: /healthz
    and Teams' own requests answer while that fetch still hangs; forged ones wait for the
    fetch to time out, then get 401, and start no new fetch during the back-off."""
    validator = validator_for(openid, monotonic, timeout_s=FETCH_TIMEOUT_S)
    async with authenticated_bot(tmp_path, openid, validator=validator) as bot:
        teams = f"Bearer {sign(keys.bf, connector_claims(bot.connector.url))}"
        assert (await bot.post(_message(bot, "a:warm"), teams))[0] in (200, 201)
        fetches = len(openid.requests)

        openid.silent = True
        monotonic.advance(auth.UNKNOWN_KID_INTERVAL_S + 1)
        forged = f"Bearer {sign(keys.attacker, connector_claims(bot.connector.url))}"
        pending = asyncio.create_task(bot.post(_message(bot, "a:forged-1"), forged))
        await openid.wait_for_requests(fetches + 1)  # the refresh is now hanging

        assert await bot.healthz() == 200
        assert (await bot.post(_message(bot, "a:teams"), teams))[0] in (200, 201)
        assert (await bot.post(_message(bot, "a:none"), None))[0] == 401
        assert await bot.healthz() == 200
        # All of them answered while the forged request still waited for the silent fetch.
        assert not pending.done()
        second = await bot.post(_message(bot, "a:forged-2"), forged)  # joins the same fetch
        assert second[0] == 401
        assert (await pending)[0] == 401
        assert not pending.cancelled()
        assert validator.connector_keys is not None
        assert validator.connector_keys.refresh_due_in() > 0  # the fetch failed: a back-off

        assert (await bot.post(_message(bot, "a:forged-3"), forged))[0] == 401
        assert len(openid.requests) == fetches + 1  # one hanging fetch, no storm
        assert _sent_to(bot) == {"a:warm", "a:teams"}


async def test_a_bot_starts_and_answers_while_microsoft_is_silent(
    tmp_path: Path, keys: Keys, openid: FakeOpenId, monotonic: MonotonicClock,
) -> None:
    """Cold start against a silent endpoint: the keys are not there yet, so tokens wait for
    the one fetch until its timeout and get 401; everything else answers meanwhile."""
    openid.silent = True
    validator = validator_for(openid, monotonic, timeout_s=FETCH_TIMEOUT_S)
    keys_for_teams = validator.connector_keys
    assert keys_for_teams is not None
    async with authenticated_bot(tmp_path, openid, validator=validator) as bot:
        teams = f"Bearer {sign(keys.bf, connector_claims(bot.connector.url))}"
        waiting = [asyncio.create_task(bot.post(_message(bot, f"a:{n}"), teams))
                   for n in range(5)]
        await openid.wait_for_requests(1)
        assert await bot.healthz() == 200
        # The start and /healthz came while the first fetch still hangs: nothing has come of
        # it yet (a fetch that ended would have failed and set a back-off).
        assert keys_for_teams.refresh_due_in() == 0
        assert not any(task.done() for task in waiting)
        # The bound guards against a hang; the fetch's own timeout ends the wait.
        results = await asyncio.wait_for(asyncio.gather(*waiting), 30)
        assert [status for status, _ in results] == [401] * 5
        assert keys_for_teams.refresh_due_in() > 0
        assert len([p for p in openid.requests if p.startswith("/bf")]) == 1
        assert bot.connector.requests == []
