"""The real app with MicrosoftAppId set, over HTTP, against local Microsoft stand-ins.

Inbound tokens are checked against `FakeOpenId`; replies go to `FakeConnector` with an
outbound token from `fake_credentials` (either SDK would ask Entra ID for one), on the host the
`sdk` fixture chose (botbuilder without it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from bot.bootstrap import build_runtime
from bot.config import Settings
from bot.hosting.auth import TokenValidator
from bot.hosting.runtime import Runtime
from bot.hosting.web import RUNTIME, create_app
from tests.auth.openid import APP_ID, TENANT, FakeOpenId, fake_credentials
from tests.connector import FakeConnector
from tests.keys import TEST_KEY
from tests.schools import TEST_SCHOOL_CONFIG
from tests.teams import Hosts


def authenticated_settings(tmp_path: Path, openid: FakeOpenId, **env: str) -> Settings:
    return Settings.from_env({
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}",
        "SCHOOL_CONFIG": str(TEST_SCHOOL_CONFIG),
        "BOT_SDK": Hosts.default,
        "MicrosoftAppId": APP_ID,
        "MicrosoftAppPassword": "secret",
        "MicrosoftAppType": "SingleTenant",
        "MicrosoftAppTenantId": TENANT,
        "BOT_OPENID_METADATA_URL": openid.metadata_url("bf"),
        "ENTRA_OPENID_METADATA_URL": openid.metadata_url("entra"),
        "OPENID_TIMEOUT_SECONDS": "2",
        "DATA_ENCRYPTION_KEY": TEST_KEY,
        **env,
    })


class AuthenticatedBot:
    def __init__(self, server: TestServer, session: aiohttp.ClientSession, runtime: Runtime,
                 connector: FakeConnector) -> None:
        self.server = server
        self.session = session
        self.runtime = runtime
        self.connector = connector

    async def post(self, body: dict[str, Any], authorization: str | None
                   ) -> tuple[int, Any]:
        headers = {"Authorization": authorization} if authorization is not None else {}
        async with self.session.post(self.server.make_url("/api/messages"), json=body,
                                     headers=headers) as response:
            text = await response.text()
            return response.status, text

    async def healthz(self) -> int:
        async with self.session.get(self.server.make_url("/healthz")) as response:
            await response.read()
            return response.status


@asynccontextmanager
async def authenticated_bot(
    tmp_path: Path, openid: FakeOpenId, *, validator: TokenValidator | None = None,
    connector: FakeConnector | None = None, **env: str
) -> AsyncIterator[AuthenticatedBot]:
    connector = connector or FakeConnector()
    await connector.start()
    settings = authenticated_settings(tmp_path, openid, **env)
    app = create_app(
        settings,
        lambda s: build_runtime(s, credentials=fake_credentials(s.bot_sdk), validator=validator),
        background=False,
    )
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    session = aiohttp.ClientSession()
    try:
        yield AuthenticatedBot(server, session, app[RUNTIME], connector)
    finally:
        await session.close()
        await server.close()
        await connector.stop()
