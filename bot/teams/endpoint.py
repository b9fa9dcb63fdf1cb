"""POST /api/messages, without the stock handler's two faults.

`CloudAdapter.process` (botbuilder 4.17.1) answers 500 for a malformed body or a missing
Content-Type, and fails on every `Action.Execute` answer that is a dict: `ActivityHandler`
serializes the invoke answer to a dict and `process` serializes that dict again (`'dict' object
has no attribute 'is_xml_model'`, microsoft/teams-sdk#2547; `tests/test_endpoint.py` shows it).
This handler parses and checks the request itself, hands the activity to `process_activity`,
and writes the invoke answer as it is, model or dict.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
from aiohttp import web
from botbuilder.core import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from msrest.serialization import Model

from bot.hosting.activity import MAX_BODY, BadActivity, load, parse
from bot.teams.host import BotbuilderHost

log = logging.getLogger(__name__)


def _problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def handle_messages(
    request: web.Request, adapter: CloudAdapter, host: BotbuilderHost
) -> web.Response:
    if request.content_type != "application/json":
        return _problem(415, "Content-Type must be application/json")
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _problem(413, "activity too large")
    try:
        raw = await request.read()
        body = load(raw)
        turn = parse(body)
    except BadActivity as refused:
        return _problem(refused.status, refused.message)
    try:
        activity = Activity().deserialize(body)
    except Exception:  # msrest raises several kinds for wrong shapes
        return _problem(400, "body is not an activity")

    auth_header = request.headers.get("Authorization", "")
    try:
        invoke_response = await adapter.process_activity(auth_header, activity, host.logic(turn))
    except (PermissionError, jwt.PyJWTError):
        return _problem(401, "unauthorized")
    if invoke_response is None:
        return web.Response(status=201)
    return web.json_response(_body(invoke_response.body), status=invoke_response.status)


def _body(body: Any) -> Any:
    if isinstance(body, Model):
        return serializer_helper(body)
    return body
