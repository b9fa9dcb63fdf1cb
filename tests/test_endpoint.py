"""POST /api/messages: bad input gets a 4xx and the process keeps serving; auth; invoke."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from sqlalchemy.ext.asyncio import create_async_engine

from bot.bootstrap import build_runtime
from bot.cards.actions import CASE, Verb
from bot.config import Settings
from bot.hosting.botbuilder.host import BotbuilderHost
from bot.hosting.web import RUNTIME, create_app
from bot.services.reporting import submit_report
from tests.auth.openid import FakeOpenId
from tests.conftest import REKTOR, TEACHER_9
from tests.keys import TEST_KEY
from tests.samples import report
from tests.schools import TEST_SCHOOL_CONFIG
from tests.teams import activity, invoke, running_bot

pytestmark = pytest.mark.usefixtures("sdk")  # on both hosts (tests/conftest.py)


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"not json", {"Content-Type": "application/json"}, 400),
        (b"[1, 2]", {"Content-Type": "application/json"}, 400),
        (b'{"text": "no type"}', {"Content-Type": "application/json"}, 400),
        (b'{"type": "message"}', {"Content-Type": "application/json"}, 400),
        (b'{"type": 5, "conversation": {"id": "x"}, "serviceUrl": "http://x"}',
         {"Content-Type": "application/json"}, 400),
        (b'{"type": "message"}', {"Content-Type": "text/plain"}, 415),
        (b"{" + b" " * 600_000 + b"}", {"Content-Type": "application/json"}, 413),
        (b"\xff\xfe", {"Content-Type": "application/json"}, 400),
        (b"[" * 5000 + b"]" * 5000, {"Content-Type": "application/json"}, 400),
        (b'{"type": "message", "x": ' + b'{"a":' * 5000 + b"1" + b"}" * 5001,
         {"Content-Type": "application/json"}, 400),
    ],
)
async def test_malformed_requests_get_4xx_and_the_bot_keeps_serving(
    tmp_path: Path, body: bytes, headers: dict[str, str], status: int,
) -> None:
    async with running_bot(tmp_path) as bot:
        response = await bot.session.post(bot.server.make_url("/api/messages"), data=body,
                                          headers=headers)
        assert response.status == status
        after = await bot.say(TEACHER_9, "hjelp")
        assert after.status in (200, 201)
        assert len(bot.to(TEACHER_9)) == 1


async def test_healthz_reports_the_database_and_the_host(tmp_path: Path, sdk: str) -> None:
    async with running_bot(tmp_path) as bot:
        response = await bot.session.get(bot.server.make_url("/healthz"))
        body = await response.json()
        assert response.status == 200
        assert body == {"status": "ok", "database": "ok", "mode": "local", "host": sdk,
                        "school": "Ellingsrud skole", "archive": "directory"}

        working = bot.runtime.engine
        # A database that does not answer: a PostgreSQL URL on a port where nothing listens.
        bot.runtime.engine = create_async_engine("postgresql+asyncpg://x@127.0.0.1:9/none")
        try:
            response = await bot.session.get(bot.server.make_url("/healthz"))
            assert response.status == 503
            assert (await response.json())["status"] == "degraded"
        finally:
            await bot.runtime.engine.dispose()
            bot.runtime.engine = working


async def _authenticated_app(tmp_path: Path, openid: FakeOpenId, sdk: str
                             ) -> tuple[TestServer, aiohttp.ClientSession]:
    """MicrosoftAppId set, keys from a local OpenID provider (tests/auth has the full suite)."""
    settings = Settings.from_env({
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}",
        "SCHOOL_CONFIG": str(TEST_SCHOOL_CONFIG),
        "BOT_SDK": sdk,
        "MicrosoftAppId": "9b1c3a2e-0000-4000-8000-000000000001",
        "MicrosoftAppPassword": "secret",
        "MicrosoftAppType": "SingleTenant",
        "MicrosoftAppTenantId": "11111111-2222-3333-4444-555555555555",
        "BOT_OPENID_METADATA_URL": openid.metadata_url("bf"),
        "ENTRA_OPENID_METADATA_URL": openid.metadata_url("entra"),

        "DATA_ENCRYPTION_KEY": TEST_KEY,
    })
    server = TestServer(create_app(settings, build_runtime, background=False),
                        host="127.0.0.1")
    await server.start_server()
    return server, aiohttp.ClientSession()


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer x", "Bearer a.b.c", "Basic abc", "Bearer e30.e30.", "bearer  x.y.z",
    "Bearer eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIn0.",
])
async def test_with_an_app_id_a_request_without_a_valid_token_gets_401(
    tmp_path: Path, authorization: str | None, sdk: str,
) -> None:
    openid = FakeOpenId()
    await openid.start()
    server, session = await _authenticated_app(tmp_path, openid, sdk)
    try:
        headers = {"Authorization": authorization} if authorization is not None else {}
        response = await session.post(
            server.make_url("/api/messages"),
            json=activity(TEACHER_9, service_url="http://127.0.0.1:9/", text="hjelp"),
            headers=headers,
        )
        assert response.status == 401
        assert await response.json() == {"error": "unauthorized"}
        health = await session.get(server.make_url("/healthz"))
        assert (await health.json())["mode"] == "authenticated"
    finally:
        await session.close()
        await server.close()
        await openid.stop()


@pytest.mark.parametrize("sdk", ["botbuilder"], indirect=True)  # botbuilder's own fault
async def test_stock_cloud_adapter_answers_500_to_action_execute_and_ours_200(
    tmp_path: Path,
) -> None:
    """microsoft/teams-sdk#2547, proven: the stock handler serializes the invoke body twice."""
    async with running_bot(tmp_path) as bot:
        teacher = bot.runtime.services.directory.person(TEACHER_9)
        assert teacher is not None
        case = (await submit_report(bot.runtime.services, teacher, "a" * 32, report())).case
        body = invoke(REKTOR, service_url=bot.connector.url, verb=Verb.ACKNOWLEDGE,
                      data={CASE: case.id})

        runtime = bot.runtime

        class StockBot(ActivityHandler):  # type: ignore[misc]
            """An invoke answered the way botbuilder's own handler answers it."""

            async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
                return InvokeResponse(status=200, body={"statusCode": 200, "value": "x"})

        async def stock(request: web.Request) -> web.StreamResponse:
            host = runtime.host
            assert isinstance(host, BotbuilderHost)
            response: web.StreamResponse | None = await host.adapter.process(request, StockBot())
            assert response is not None
            return response

        stock_app = web.Application()
        stock_app.router.add_post("/api/messages", stock)
        stock_server = TestServer(stock_app, host="127.0.0.1")
        await stock_server.start_server()
        try:
            response = await bot.session.post(stock_server.make_url("/api/messages"), json=body)
            assert response.status == 500
        finally:
            await stock_server.close()

        ours = await bot.press(REKTOR, Verb.ACKNOWLEDGE, {CASE: case.id})
        assert ours["statusCode"] == 200
        assert ours["type"] == "application/vnd.microsoft.card.adaptive"
        assert ours["value"]["type"] == "AdaptiveCard"
        assert bot.runtime is runtime and runtime is bot.server.app[RUNTIME]
