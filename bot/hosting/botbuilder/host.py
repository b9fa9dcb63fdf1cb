"""The conversation on botbuilder: the turn's replies through its connector, the invoke answer.

All the bot's behaviour is in `bot.dialogs`, and what every host does with a turn is
`bot.hosting.turns`; this is the thin part that speaks the SDK.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.dialogs.turn import InvokeAnswer, Turn
from bot.hosting.botbuilder.endpoint import handle_messages
from bot.hosting.botbuilder.notifier import delivery_error, tune_connector
from bot.hosting.turns import TurnRunner, sdk_failed
from bot.services.ports import Notifier


class TurnChannel:
    """The chat of the turn, through the SDK's connector client for this request."""

    def __init__(self, turn_context: TurnContext) -> None:
        self._context = turn_context
        tune_connector(turn_context)

    @property
    def conversation_id(self) -> str:
        conversation = self._context.activity.conversation
        return str(conversation.id) if conversation is not None else ""

    async def send(self, activity: dict[str, Any]) -> str | None:
        try:
            response = await self._context.send_activity(Activity().deserialize(activity))
        except Exception as error:  # the SDK raises msrest's and requests' errors as they come
            raise delivery_error(error) from error
        return response.id if response is not None else None

    async def update(self, activity_id: str, activity: dict[str, Any]) -> None:
        update = Activity().deserialize(activity)
        update.id = activity_id
        try:
            await self._context.update_activity(update)
        except Exception as error:
            raise delivery_error(error) from error


class BotbuilderHost:
    name = "botbuilder"

    def __init__(self, runner: TurnRunner, *, adapter: CloudAdapter, notifier: Notifier) -> None:
        self._runner = runner
        self.adapter = adapter
        self.notifier = notifier

    async def messages(self, request: web.Request) -> web.Response:
        return await handle_messages(request, self.adapter, self)

    def logic(
        self, turn: Turn, answered: list[InvokeAnswer | None] | None = None
    ) -> Callable[[TurnContext], Awaitable[None]]:
        """The adapter's callback for this request; `turn` was parsed and checked already.

        The invoke answer goes into `answered`, for the endpoint to write as it is.
        """

        async def run(turn_context: TurnContext) -> None:
            invoke = await self._runner.run(
                turn, TurnChannel(turn_context), turn_context.activity.id
            )
            if answered is not None:
                answered.append(invoke)

        return run


def build_adapter_callbacks(adapter: CloudAdapter) -> None:
    """Errors the SDK itself raises in a turn (ours are handled in the turn): ids only."""

    async def on_error(turn_context: TurnContext, error: Exception) -> None:
        sdk_failed(turn_context.activity.id, error)

    adapter.on_turn_error = on_error
