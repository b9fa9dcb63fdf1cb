"""POST /api/messages, without the stock handler's two faults.

`CloudAdapter.process` (botbuilder 4.17.1) answers 500 for a malformed body or a missing
Content-Type, and fails on every `Action.Execute` answer that is a dict: `ActivityHandler`
serializes the invoke answer to a dict and `process` serializes that dict again (`'dict' object
has no attribute 'is_xml_model'`, microsoft/teams-sdk#2547; `tests/test_endpoint.py` shows it).
This handler parses and checks the request itself, hands the activity to `process_activity`,
and writes the invoke answer as it is, model or dict.

Authentication comes first and answers 401 (no valid token) or 403 (a genuine token for another
bot, channel or serviceUrl) with a short JSON body, before anything is sent to the activity's
serviceUrl: `InboundAuthentication` validates with `bot.hosting.auth`, never with botbuilder's
blocking check, and `process_activity` gets the result, not the header.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web
from botbuilder.core import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from msrest.serialization import Model

from bot.hosting.activity import MAX_BODY, BadActivity, load, parse
from bot.hosting.auth import AuthError
from bot.hosting.botbuilder.auth import InboundAuthentication

if TYPE_CHECKING:
    from bot.hosting.botbuilder.host import BotbuilderHost

log = logging.getLogger(__name__)


def _problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def handle_messages(
    request: web.Request, adapter: CloudAdapter, host: BotbuilderHost
) -> web.Response:
    inbound: InboundAuthentication = adapter.bot_framework_authentication
    auth_header = request.headers.get("Authorization", "")
    try:
        inbound.precheck(auth_header)  # no token at all: refused before the body is read
    except AuthError as refusal:
        return _refused(refusal, None)
    if request.content_type != "application/json":
        return _problem(415, "Content-Type must be application/json")
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _problem(413, "activity too large")
    try:
        body = load(await request.read())
    except BadActivity as refused:
        return _problem(refused.status, refused.message)
    # The token first: a request without a valid one learns nothing about its body.
    claimed = Activity(
        channel_id=_text(body.get("channelId")), service_url=_text(body.get("serviceUrl"))
    )
    try:
        authenticated = await inbound.authenticate_request(claimed, auth_header)
    except AuthError as refusal:
        return _refused(refusal, body)
    try:
        turn = parse(body)
    except BadActivity as refused:
        return _problem(refused.status, refused.message)
    try:
        activity = Activity().deserialize(body)
    except Exception:  # msrest raises several kinds for wrong shapes
        return _problem(400, "body is not an activity")
    invoke_response = await adapter.process_activity(authenticated, activity, host.logic(turn))
    if invoke_response is None:
        return web.Response(status=201)
    return web.json_response(_body(invoke_response.body), status=invoke_response.status)


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
    response = _problem(refusal.status, refusal.public)
    if refusal.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _body(body: Any) -> Any:
    if isinstance(body, Model):
        return serializer_helper(body)
    return body
