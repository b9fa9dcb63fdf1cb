"""POST /api/messages around the SDK, the same for every host: token, size, JSON, shape, answer.

Authentication comes first and answers 401 (no valid token) or 403 (a genuine token for another
bot, channel or serviceUrl) with a short JSON body, before anything is sent to the activity's
serviceUrl and before the body is even read when there is no token at all. The token is
checked by `bot.hosting.auth.TokenValidator` (non-blocking, its keys cached) and never by an
SDK's own check. In local mode no header is looked at. Then the body is loaded and parsed by
`bot.hosting.activity`, so each SDK sees only an activity that passed every check, and the
answer is written here too: 201 for an activity, 200 with the invoke answer as it is (never
serialized twice) for an `Action.Execute`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.dialogs.turn import InvokeAnswer, Turn
from bot.hosting.activity import MAX_BODY, BadActivity, addressing, load, parse
from bot.hosting.auth import AuthError, Claims, TokenValidator, bearer_token

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inbound:
    """A request that passed every check: its clean JSON body, its turn and who sent it."""

    body: dict[str, Any]
    turn: Turn
    claims: Claims | None
    """The verified token's claims; None in local mode."""

    @property
    def is_invoke(self) -> bool:
        """An invoke is answered in the HTTP response itself."""
        return self.body.get("type") == "invoke"

    @property
    def routing(self) -> dict[str, Any]:
        """What an SDK's turn needs to address replies, and nothing it could act on by itself.

        The conversation reads the `Turn`; the SDK only sends. Left out are fields an SDK
        would act on (`deliveryMode: expectReplies` would hold the replies back for an HTTP
        answer we do not give) or that its schema may refuse while the turn is fine.
        """
        return addressing(self.body)


def problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def receive(request: web.Request, validator: TokenValidator | None) -> Inbound | web.Response:
    """The checked request, or the 4xx answer to give instead."""
    auth_header = request.headers.get("Authorization", "")
    if validator is not None:
        try:
            bearer_token(auth_header)  # no token at all: refused before the body is read
        except AuthError as refusal:
            return _refused(refusal, None)
    if request.content_type != "application/json":
        return problem(415, "Content-Type must be application/json")
    if request.content_length is not None and request.content_length > MAX_BODY:
        return problem(413, "activity too large")
    try:
        body = load(await request.read())
    except BadActivity as refused:
        return problem(refused.status, refused.message)
    claims = None
    if validator is not None:
        # The token first: a request without a valid one learns nothing about its body.
        try:
            claims = await validator.validate(
                auth_header,
                channel_id=_text(body.get("channelId")),
                service_url=_text(body.get("serviceUrl")),
            )
        except AuthError as refusal:
            return _refused(refusal, body)
    try:
        turn = parse(body)
    except BadActivity as refused:
        return problem(refused.status, refused.message)
    return Inbound(body, turn, claims)


def answer(inbound: Inbound, invoke: InvokeAnswer | None) -> web.Response:
    """201 for an activity; for an invoke its answer (an unhandled invoke is refused as such)."""
    if not inbound.is_invoke:
        return web.Response(status=201)
    if invoke is None:
        return problem(400, "unsupported invoke")
    return web.json_response(invoke.body, status=200)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _refused(refusal: AuthError, body: dict[str, Any] | None) -> web.Response:
    """401 or 403 with a short body; the log has our reason and the ids, never the token."""
    log.info(
        "refused %s (%s): activity %s on channel %s",
        refusal.public,
        refusal.reason,
        _text(body.get("id"))[:80] if body is not None else "-",
        _text(body.get("channelId"))[:80] if body is not None else "-",
    )
    response = problem(refusal.status, refusal.public)
    if refusal.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response
