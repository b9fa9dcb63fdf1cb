"""POST /api/messages on botbuilder, without the stock handler's two faults.

`CloudAdapter.process` (botbuilder 4.17.1) answers 500 for a malformed body or a missing
Content-Type, and fails on every `Action.Execute` answer that is a dict: `ActivityHandler`
serializes the invoke answer to a dict and `process` serializes that dict again (`'dict' object
has no attribute 'is_xml_model'`, microsoft/teams-sdk#2547; `tests/test_endpoint.py` shows it).
So `bot.hosting.inbound` checks the request (the token first, with `bot.hosting.auth`, never
botbuilder's blocking check) and writes the answer; this hands the activity to
`process_activity` with the authentication result already made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.dialogs.turn import InvokeAnswer
from bot.hosting.botbuilder.auth import InboundAuthentication
from bot.hosting.inbound import answer, problem, receive

if TYPE_CHECKING:
    from bot.hosting.botbuilder.host import BotbuilderHost


async def handle_messages(
    request: web.Request, adapter: CloudAdapter, host: BotbuilderHost
) -> web.Response:
    inbound_auth: InboundAuthentication = adapter.bot_framework_authentication
    inbound = await receive(request, inbound_auth.validator)
    if isinstance(inbound, web.Response):
        return inbound
    try:
        activity = Activity().deserialize(inbound.routing)
    except Exception:  # msrest raises several kinds for wrong shapes
        return problem(400, "body is not an activity")
    answered: list[InvokeAnswer | None] = []
    await adapter.process_activity(
        inbound_auth.result(inbound.claims), activity, host.logic(inbound.turn, answered)
    )
    return answer(inbound, answered[0] if answered else None)
