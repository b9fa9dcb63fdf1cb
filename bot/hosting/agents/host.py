"""The conversation on the Agents SDK: the turn's replies through its connector, the answer.

The request is checked (token first, then size, JSON and shape) by `bot.hosting.inbound`, as on
botbuilder; the SDK's `CloudAdapter` then runs the turn with the claims already verified, so
neither its JWT middleware nor its `process` (which would parse the raw body again and answer
202) is used. `AgentApplication`'s routing and state are not used either: the bot's own
conversation (`bot.dialogs`) is the application, through `bot.hosting.turns`.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import ClaimsIdentity, TurnContext
from pydantic import ValidationError

from bot.dialogs.turn import InvokeAnswer
from bot.hosting.agents.notifier import delivery_error
from bot.hosting.auth import Claims, TokenValidator
from bot.hosting.inbound import answer, problem, receive
from bot.hosting.turns import TurnRunner, sdk_failed
from bot.services.ports import Notifier


class TurnChannel:
    """The chat of the turn, through the SDK's connector client for this request."""

    def __init__(self, context: TurnContext) -> None:
        self._context = context

    @property
    def conversation_id(self) -> str:
        conversation = self._context.activity.conversation
        return str(conversation.id) if conversation is not None else ""

    async def send(self, activity: dict[str, Any]) -> str | None:
        message = Activity.model_validate(activity)
        try:
            response = await self._context.send_activity(message)
        except Exception as error:  # aiohttp's errors, as the SDK's connector lets them through
            raise delivery_error(error) from error
        return response.id if response is not None else None

    async def update(self, activity_id: str, activity: dict[str, Any]) -> None:
        update = Activity.model_validate({**activity, "id": activity_id})
        try:
            await self._context.update_activity(update)
        except Exception as error:
            raise delivery_error(error) from error


def identity(claims: Claims | None) -> ClaimsIdentity:
    """The SDK's identity for claims `bot.hosting.auth` verified; anonymous in local mode."""
    if claims is None:
        return ClaimsIdentity()
    return ClaimsIdentity(dict(claims.values), authentication_type="Bearer")


class AgentsHost:
    name = "agents"

    def __init__(
        self,
        runner: TurnRunner,
        *,
        adapter: CloudAdapter,
        notifier: Notifier,
        validator: TokenValidator | None,
    ) -> None:
        self._runner = runner
        self.adapter = adapter
        self.notifier = notifier
        self._validator = validator
        """None in local mode: no header is looked at."""

    async def messages(self, request: web.Request) -> web.Response:
        inbound = await receive(request, self._validator)
        if isinstance(inbound, web.Response):
            return inbound
        try:
            activity = Activity.model_validate(inbound.routing)
        except ValidationError:
            return problem(400, "body is not an activity")
        answered: list[InvokeAnswer | None] = []

        async def run(context: TurnContext) -> None:
            answered.append(
                await self._runner.run(inbound.turn, TurnChannel(context), context.activity.id)
            )

        await self.adapter.process_activity(identity(inbound.claims), activity, run)
        return answer(inbound, answered[0] if answered else None)


def build_adapter_callbacks(adapter: CloudAdapter) -> None:
    """Errors the SDK itself raises in a turn (ours are handled in the turn): ids only.

    The SDK's default handler prints the traceback and sends the exception's text to the
    user, which may quote what they wrote.
    """

    async def on_error(context: TurnContext, error: Exception) -> None:
        sdk_failed(context.activity.id, error)

    adapter.on_turn_error = on_error
