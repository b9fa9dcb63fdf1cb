"""A local stand-in for the Bot Framework Connector (the `serviceUrl` Teams gives a bot).

It is a real HTTP server on 127.0.0.1 that answers the v3 conversation API the SDK calls, records
every request, and fails on command (429 with Retry-After, 5xx, or going away entirely), so the
tests exercise botbuilder's real HTTP client and our retry policy, not mocks of them.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


async def started_port(site: web.TCPSite) -> int:
    """Start a site on port 0 and return the port the OS picked (aiohttp keeps it private)."""
    await site.start()
    server = site._server
    assert isinstance(server, asyncio.Server)
    port: int = server.sockets[0].getsockname()[1]
    return port


@dataclass
class Recorded:
    method: str
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]
    status: int
    at: float = field(default_factory=time.monotonic)

    @property
    def card(self) -> dict[str, Any] | None:
        attachments = self.body.get("attachments") or []
        for attachment in attachments:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                content = attachment.get("content")
                return content if isinstance(content, dict) else None
        return None

    @property
    def text(self) -> str:
        value = self.body.get("text")
        return value if isinstance(value, str) else ""

    @property
    def card_json(self) -> str:
        return json.dumps(self.card or {}, ensure_ascii=False)


class TeamsLimits:
    """Teams' published limits as the real service enforces them: per bot and conversation
    7 in 1 s, 8 in 2 s, 60 in 30 s, 1800 in an hour; about 50 a second per app and tenant.

    Written apart from the bot's own pacing (bot/services/ratelimit.py) on purpose, so a
    mistake there shows up here as a 429 instead of being shared.
    """

    CONVERSATION = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))
    TENANT = ((1.0, 50),)

    def __init__(self) -> None:
        self._chats: dict[str, list[float]] = {}
        self._tenant: list[float] = []
        self.throttled = 0
        self.throttled_tenant = 0

    @staticmethod
    def _wait(times: list[float], windows: tuple[tuple[float, int], ...], now: float) -> float:
        wait = 0.0
        for window, limit in windows:
            inside = [t for t in times if t > now - window]
            if len(inside) >= limit:
                wait = max(wait, inside[-limit] + window - now)
        return wait

    def admit(self, conversation: str) -> float | None:
        """None when the request may pass (and is counted); else seconds until it may."""
        now = time.monotonic()
        chat = self._chats.setdefault(conversation, [])
        chat_wait = self._wait(chat, self.CONVERSATION, now)
        tenant_wait = self._wait(self._tenant, self.TENANT, now)
        if chat_wait > 0 or tenant_wait > 0:
            self.throttled += 1
            if tenant_wait >= chat_wait:
                self.throttled_tenant += 1
            return max(chat_wait, tenant_wait)
        chat.append(now)
        self._tenant.append(now)
        return None


@dataclass
class Failure:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    match: Callable[[str, str], bool] = lambda method, conversation: True


class FakeConnector:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.failures: list[Failure] = []
        self.created: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.changed = asyncio.Condition()
        self.create_status: int | None = None
        """Answer the next «create conversation» with this status (403: app not installed)."""
        self.hold: Callable[[str], bool] | None = None
        """Conversations whose next send is held open until `release` is set."""
        self.release = asyncio.Event()
        self.held = asyncio.Event()
        self.limits: TeamsLimits | None = None
        """Set to answer 429 (with Retry-After) wherever Teams' own limits would."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._send)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        return app

    async def start(self, port: int = 0) -> None:
        self._runner = web.AppRunner(self.app())
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        self.port = await started_port(site)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _failure(self, method: str, conversation: str) -> Failure | None:
        for index, failure in enumerate(self.failures):
            if failure.match(method, conversation):
                return self.failures.pop(index)
        return None

    async def _record(self, method: str, conversation: str, activity_id: str | None,
                      body: dict[str, Any], status: int) -> None:
        async with self.changed:
            self.requests.append(Recorded(method, conversation, activity_id, body, status))
            self.changed.notify_all()

    async def _send(self, request: web.Request) -> web.Response:
        conversation = request.match_info["cid"]
        body = await request.json()
        if self.hold is not None and self.hold(conversation):
            # A request in flight when the bot dies: answered with 503 once released, so the
            # connector never accepted it.
            self.hold = None
            self.held.set()
            await self.release.wait()
            await self._record("POST", conversation, None, body, 503)
            return web.json_response({"error": {"code": "Gone"}}, status=503)
        throttled = self._throttled(conversation)
        if throttled is not None:
            await self._record("POST", conversation, None, body, 429)
            return throttled
        failure = self._failure("POST", conversation)
        if failure is not None:
            await self._record("POST", conversation, None, body, failure.status)
            return web.json_response({"error": {"code": "Fail", "message": "scripted"}},
                                     status=failure.status, headers=failure.headers)
        activity_id = f"1:{next(self._ids)}"
        await self._record("POST", conversation, activity_id, body, 200)
        return web.json_response({"id": activity_id})

    def _throttled(self, conversation: str) -> web.Response | None:
        wait = self.limits.admit(conversation) if self.limits is not None else None
        if wait is None:
            return None
        return web.json_response({"error": {"code": "TooManyRequests"}}, status=429,
                                 headers={"Retry-After": str(max(1, math.ceil(wait)))})

    async def _update(self, request: web.Request) -> web.Response:
        conversation = request.match_info["cid"]
        activity_id = request.match_info["aid"]
        body = await request.json()
        throttled = self._throttled(conversation)
        if throttled is not None:
            await self._record("PUT", conversation, activity_id, body, 429)
            return throttled
        failure = self._failure("PUT", conversation)
        if failure is not None:
            await self._record("PUT", conversation, activity_id, body, failure.status)
            return web.json_response({"error": {"code": "Fail"}}, status=failure.status,
                                     headers=failure.headers)
        await self._record("PUT", conversation, activity_id, body, 200)
        return web.json_response({"id": activity_id})

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.create_status is not None:
            status, self.create_status = self.create_status, None
            return web.json_response({"error": {"code": "BotNotInConversationRoster"}},
                                     status=status)
        self.created.append(body)
        members = body.get("members") or [{}]
        return web.json_response({"id": f"a:created-{members[0].get('id')}",
                                  "activityId": None})

    # --- what the tests ask -------------------------------------------------------------------

    def delivered(self, conversation: str | None = None, method: str = "POST"
                  ) -> list[Recorded]:
        return [r for r in self.requests
                if r.status == 200 and r.method == method
                and (conversation is None or r.conversation_id == conversation)]

    def chat_view(self, conversation: str) -> list[dict[str, Any]]:
        """The chat as its person now sees it: each message in its latest version."""
        shown: dict[str, dict[str, Any]] = {}
        for request in self.requests:
            if request.status != 200 or request.conversation_id != conversation:
                continue
            posted = request.method == "POST" and request.activity_id is not None
            replaced = request.method == "PUT" and request.activity_id in shown
            if (posted or replaced) and request.activity_id is not None:
                shown[request.activity_id] = request.body
        return list(shown.values())

    async def wait_for(self, predicate: Callable[[FakeConnector], bool],
                       timeout: float = 10.0) -> None:
        async def _wait() -> None:
            async with self.changed:
                await self.changed.wait_for(lambda: predicate(self))
        await asyncio.wait_for(_wait(), timeout)
