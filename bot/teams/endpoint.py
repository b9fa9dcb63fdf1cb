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

import json
import logging
from typing import Any

from aiohttp import web
from botbuilder.core import ActivityHandler, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from msrest.serialization import Model

from bot.hosting.auth import AuthError
from bot.teams.auth import InboundAuthentication

log = logging.getLogger(__name__)

MAX_BODY = 256 * 1024


def _problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def handle_messages(
    request: web.Request, adapter: CloudAdapter, bot: ActivityHandler
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
        raw = await request.read()
        if len(raw) > MAX_BODY:
            return _problem(413, "activity too large")
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _problem(400, "body is not JSON")
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        return _problem(400, "body is not an activity")
    try:
        activity = Activity().deserialize(body)
    except Exception:  # msrest raises several kinds for wrong shapes
        return _problem(400, "body is not an activity")
    if not activity.type or not isinstance(activity.type, str):
        return _problem(400, "activity has no type")
    if activity.conversation is None or not activity.service_url:
        return _problem(400, "activity has no conversation or serviceUrl")

    try:
        authenticated = await inbound.authenticate_request(activity, auth_header)
    except AuthError as refusal:
        return _refused(refusal, activity)
    invoke_response = await adapter.process_activity(authenticated, activity, bot.on_turn)
    if invoke_response is None:
        return web.Response(status=201)
    return web.json_response(_body(invoke_response.body), status=invoke_response.status)


def _refused(refusal: AuthError, activity: Activity | None) -> web.Response:
    """401 or 403 with a short body; the log has our reason and the ids, never the token."""
    log.info(
        "refused %s (%s): activity %s on channel %s",
        refusal.public,
        refusal.reason,
        _escaped(activity.id) if activity is not None else "-",
        _escaped(activity.channel_id) if activity is not None else "-",
    )
    response = _problem(refusal.status, refusal.public)
    if refusal.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _escaped(value: Any, limit: int = 80) -> str:
    """An id from the request as a log can hold it: control characters escaped, cut short."""
    text = value if isinstance(value, str) else repr(value)
    return text[:limit].encode("unicode_escape").decode("ascii")


def _body(body: Any) -> Any:
    if isinstance(body, Model):
        return serializer_helper(body)
    return body
