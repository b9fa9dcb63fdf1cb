"""Activities shaped as Teams sends them, and a harness running the real app over HTTP."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from bot.bootstrap import build_runtime
from bot.config import Settings
from bot.hosting.runtime import Runtime
from bot.hosting.web import RUNTIME, create_app
from bot.services.ports import AppInstaller, Clock
from tests.connector import FakeConnector, Recorded
from tests.keys import TEST_KEY
from tests.schools import TEST_SCHOOL_CONFIG

TENANT = "11111111-2222-3333-4444-555555555555"
SDKS = ("botbuilder", "agents")
_ids = itertools.count(1)


class Hosts:
    """The SDK `running_bot` runs on when a test names none: the `sdk` fixture sets it."""

    default = "botbuilder"


def conversation_id(user_id: str) -> str:
    return f"a:personal-{user_id}"


def activity(
    user_id: str,
    *,
    service_url: str,
    text: str | None = None,
    value: Any = None,
    kind: str = "message",
    sender_name: str = "Ansatt",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": kind,
        "id": f"f:{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "timestamp": "2026-11-26T09:00:00.000Z",
        "from": {"id": f"29:{user_id}", "name": sender_name, "aadObjectId": user_id},
        "recipient": {"id": "28:bot", "name": "Trygg skole"},
        "conversation": {"id": conversation_id(user_id), "conversationType": "personal",
                         "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
        "locale": "nb-NO",
    }
    if text is not None:
        body["text"] = text
    if value is not None:
        body["value"] = value
    body.update(extra)
    return body


def invoke(user_id: str, *, service_url: str, verb: str, data: dict[str, Any]) -> dict[str, Any]:
    return activity(
        user_id, service_url=service_url, kind="invoke", name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": verb, "data": data},
               "trigger": "manual"},
    )


def installation(user_id: str, *, service_url: str) -> dict[str, Any]:
    return activity(user_id, service_url=service_url, kind="installationUpdate", action="add")


def local_settings(database_url: str, **env: str) -> Settings:
    return Settings.from_env({"DATABASE_URL": database_url, "BOT_SDK": Hosts.default,
                              "DATA_ENCRYPTION_KEY": TEST_KEY,
                              "SCHOOL_CONFIG": str(TEST_SCHOOL_CONFIG), **env})


@dataclass
class Harness:
    connector: FakeConnector
    server: TestServer
    session: aiohttp.ClientSession
    runtime: Runtime

    async def post(self, body: dict[str, Any]) -> aiohttp.ClientResponse:
        response = await self.session.post(self.server.make_url("/api/messages"), json=body)
        await response.read()
        return response

    async def say(self, user_id: str, text: str | None = None, value: Any = None
                  ) -> aiohttp.ClientResponse:
        return await self.post(activity(user_id, service_url=self.connector.url, text=text,
                                        value=value))

    async def press(self, user_id: str, verb: str, data: dict[str, Any]) -> dict[str, Any]:
        response = await self.session.post(
            self.server.make_url("/api/messages"),
            json=invoke(user_id, service_url=self.connector.url, verb=verb, data=data),
        )
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
        return body

    def to(self, user_id: str) -> list[Recorded]:
        return self.connector.delivered(conversation_id(user_id))

    async def deliver(self) -> int:
        """One full pass of the outbox sender, as the background task would run it."""
        return await self.runtime.worker.run_until_idle()

    async def deliver_all(self) -> int:
        """`deliver` at every school of the deployment."""
        return sum([await w.run_until_idle() for w in self.runtime.every_worker])


@asynccontextmanager
async def running_bot(
    tmp_path: Path, *, clock: Clock | None = None, database_url: str | None = None,
    background: bool = False, connector: FakeConnector | None = None, sdk: str | None = None,
    installer: AppInstaller | None = None, env: dict[str, str] | None = None,
) -> AsyncIterator[Harness]:
    """The bot on `sdk` (botbuilder or agents; by default the `sdk` fixture's, else botbuilder)."""
    connector = connector or FakeConnector()
    if connector.port == 0:
        await connector.start()
    url = database_url or f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    settings = local_settings(url, BOT_SDK=sdk or Hosts.default, **(env or {}))
    app = create_app(settings, lambda s: build_runtime(s, clock=clock, installer=installer),
                     background=background)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    session = aiohttp.ClientSession()
    try:
        yield Harness(connector, server, session, app[RUNTIME])
    finally:
        await session.close()
        await server.close()
        await connector.stop()
