"""A flood of malformed activities over real HTTP: the bot answers 4xx or Norwegian, never 5xx.

Seeded and bounded (loopback only): each case starts from an activity Teams would send (a
message, a form submit with every verb, an Action.Execute) and breaks it the way a client bug,
a stale card or an attacker would: wrong types anywhere, any Unicode, any depth, any size.
Afterwards the bot is alive, healthy, and a normal report still works.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.cards.actions import CASE, DRAFT, MEMBER, PUPIL, SECTION, VERB, VERSION, Verb
from tests.conftest import LEADER_9, REKTOR, T0, TEACHER_9
from tests.fakes import FakeClock
from tests.samples import form_values
from tests.teams import activity, installation, invoke, running_bot

pytestmark = pytest.mark.usefixtures("sdk")  # on both hosts (tests/conftest.py)

SEED = 20261201
CASES = {"botbuilder": 3000, "agents": 1000}
"""Fewer on the second host: the input checks before either SDK are the same code."""

NASTY_STRINGS = [
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\u202eevil", "\u200b", "\ufeff",
    "\n2026-12-01 10:00:00,000 INFO bot.services.reporting: case FORGED reported by rektor",
    "\r\n", "\x1b[31mred", "💥" * 50, "ا" * 30, "../../etc/passwd", "' OR 1=1 --",
    "<script>alert(1)</script>", "[x](https://evil.example)", "${jndi:ldap://x}",
    "%s%s%s%n", "A" * 5000, "Ø" * 70000, "0" * 32, "f" * 32, "F" * 32, "1.2.3.4.5",
    "2026-0001", "-1", "99999", "1e309", "NaN", "true", "null",
]
ODD_VALUES: list[Any] = [None, True, False, 0, -1, 2**63, 1.5, float("1e300"), [], {},
                         [1, 2], {"a": 1}, {"id": None}, {"id": 5}]


def nested(depth: int) -> Any:
    value: Any = "bunn"
    for n in range(depth):
        value = [value] if n % 2 else {"x": value}
    return value


def anything(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(NASTY_STRINGS)
    if roll < 0.85:
        return rng.choice(ODD_VALUES)
    return nested(rng.choice([3, 40, 70, 200]))


def _card_data(rng: random.Random) -> dict[str, Any]:
    data: dict[str, Any] = {VERB: rng.choice([*list(Verb), "case.nuke", ""])}
    for key in (CASE, DRAFT, SECTION, VERSION, PUPIL, MEMBER):
        if rng.random() < 0.5:
            data[key] = rng.choice([anything(rng), "0" * 32, "a" * 32])
    if rng.random() < 0.5:
        data.update(form_values())
    if rng.random() < 0.5:
        for key in rng.sample(sorted(form_values()), 3):
            data[key] = anything(rng)
    return data


def _base(rng: random.Random, url: str) -> dict[str, Any]:
    # Many senders: Teams' per-chat limit (60 in 30 s) would otherwise pace the flood.
    known = rng.random() < 0.15
    user = rng.choice([TEACHER_9, REKTOR, LEADER_9]) if known else f"ukjent-{rng.randrange(2000)}"
    kind = rng.random()
    if kind < 0.3:
        return activity(user, service_url=url, text=rng.choice(
            ["meld fra", "hjelp", "mine saker", "logg", "hvordan melder jeg fra?",
             *NASTY_STRINGS[:20]]))
    if kind < 0.65:
        return activity(user, service_url=url, value=_card_data(rng))
    if kind < 0.9:
        return invoke(user, service_url=url, verb=rng.choice([*list(Verb), "x"]),
                      data=_card_data(rng))
    return installation(user, service_url=url)


MUTATIONS: list[Callable[[random.Random, dict[str, Any]], None]] = []


def mutation(fn: Callable[[random.Random, dict[str, Any]], None]
             ) -> Callable[[random.Random, dict[str, Any]], None]:
    MUTATIONS.append(fn)
    return fn


@mutation
def _replace_top_field(rng: random.Random, body: dict[str, Any]) -> None:
    body[rng.choice(["from", "conversation", "channelData", "value", "text", "recipient",
                     "id", "replyToId", "timestamp", "locale", "name", "entities",
                     "attachments", "channelId", "membersAdded"])] = anything(rng)


@mutation
def _replace_nested_field(rng: random.Random, body: dict[str, Any]) -> None:
    target, key = rng.choice([("from", "id"), ("from", "aadObjectId"), ("from", "name"),
                              ("conversation", "id"), ("conversation", "conversationType"),
                              ("conversation", "tenantId"), ("channelData", "tenant")])
    if isinstance(body.get(target), dict):
        body[target][key] = anything(rng)


@mutation
def _drop_field(rng: random.Random, body: dict[str, Any]) -> None:
    body.pop(rng.choice(["from", "conversation", "type", "serviceUrl", "value", "id",
                         "channelData"]), None)


@mutation
def _invoke_value(rng: random.Random, body: dict[str, Any]) -> None:
    body["type"] = "invoke"
    body["name"] = rng.choice(["adaptiveCard/action", "task/fetch", "x", anything(rng)])
    body["value"] = rng.choice([anything(rng), {"action": anything(rng)},
                                {"action": {"verb": anything(rng), "data": anything(rng)}}])


@mutation
def _type(rng: random.Random, body: dict[str, Any]) -> None:
    body["type"] = rng.choice(["message", "invoke", "conversationUpdate", "installationUpdate",
                               "event", "typing", "delay", "trace", "", "x" * 100,
                               anything(rng)])


@mutation
def _nothing(rng: random.Random, body: dict[str, Any]) -> None:
    """Some well-formed turns in the mix, so the flood also drives real use cases."""


def raw_case(rng: random.Random) -> bytes | None:
    """A body that is not JSON of an object at all (None: use the mutated activity)."""
    roll = rng.random()
    if roll < 0.02:
        return b"[" * 5000 + b"]" * 5000
    if roll < 0.04:
        return b'{"type": "message", "text": ' + b'{"a":' * 3000 + b"1" + b"}" * 3001
    if roll < 0.05:
        return rng.choice([b"", b"null", b"[]", b"\xff\xfe", b'"x"', b"{", b'{"type": 1}'])
    return None


async def test_fuzzed_activities_never_get_a_5xx(tmp_path: Path, sdk: str,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    cases = CASES[sdk]
    rng = random.Random(SEED)
    statuses: dict[int, int] = {}
    invoke_5xx: list[str] = []
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        url = bot.connector.url
        for person in (TEACHER_9, REKTOR, LEADER_9):
            await bot.post(installation(person, service_url=url))
        caplog.clear()
        caplog.set_level(logging.INFO)
        for n in range(cases):
            raw = raw_case(rng)
            body = _base(rng, url)
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                rng.choice(MUTATIONS)(rng, body)
            data = raw if raw is not None else json.dumps(body, ensure_ascii=rng.random() < 0.5,
                                                          allow_nan=True).encode("utf-8",
                                                                                 "surrogatepass")
            async with bot.session.post(bot.server.make_url("/api/messages"), data=data,
                                        headers={"Content-Type": "application/json"}) as response:
                await response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1
                if response.status >= 500:
                    invoke_5xx.append(f"case {n}: {response.status} {data[:300]!r}")
        assert invoke_5xx == [], invoke_5xx[:5]
        assert sum(statuses.values()) == cases
        tracebacks = [r for r in caplog.records if r.exc_info]
        assert tracebacks == [], [logging.Formatter().formatException(r.exc_info)
                                  for r in tracebacks[:2] if r.exc_info]

        async with bot.session.get(bot.server.make_url("/healthz")) as response:
            assert response.status == 200
        # A normal report still goes through, from form to alerts.
        draft = "d" * 32
        await bot.say(TEACHER_9, "meld fra")
        await bot.say(TEACHER_9, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft, **form_values()})
        await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})
        assert "Kvittering" in json.dumps(bot.to(TEACHER_9)[-1].body, ensure_ascii=False)
        await bot.deliver()
        assert any("Ola Nordmann" in r.card_json for r in bot.to(REKTOR))
    print(f"fuzz statuses: {dict(sorted(statuses.items()))}")
