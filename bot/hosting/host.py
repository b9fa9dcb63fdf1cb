"""What the web app needs of a bot SDK: one endpoint for activities and a way to send later.

`bot.bootstrap` builds one host, botbuilder's (the default, the customer's choice) or the
Microsoft 365 Agents SDK's (`BOT_SDK=agents`); the rest of the bot knows neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from aiohttp import web

from bot.config import Settings
from bot.dialogs.turn import TurnHandler
from bot.hosting.auth import TokenValidator
from bot.hosting.proactive import Proactive, ProactiveNotifier
from bot.hosting.turns import InFlight, TurnRunner
from bot.services.ports import AppInstaller, ConversationRef, Notifier
from bot.services.replies import ReplySender


class Host(Protocol):
    name: str
    """`botbuilder` or `agents`, as /healthz names it."""
    notifier: Notifier
    """Proactive sends and card updates (alerts, reminders, replies the outbox took over)."""

    async def messages(self, request: web.Request) -> web.Response:
        """POST /api/messages: authenticates, parses, runs the turn, answers."""
        ...


@dataclass(frozen=True)
class HostParts:
    """Everything a host is built from; the composition root fills it in."""

    settings: Settings
    conversation: TurnHandler
    sender: ReplySender
    validator: TokenValidator | None
    latest: Callable[[], ConversationRef | None]
    """The newest conversation seen: where a chat with someone new is opened."""
    clock_now: Callable[[], datetime]
    installer: AppInstaller | None = None
    credentials: Any = None
    """The SDK's outbound credentials, when a test hands in its own: a botbuilder
    `ServiceClientCredentialsFactory`, or an Agents SDK `TokenProvider`."""
    in_flight: InFlight = field(default_factory=InFlight)
    """The turns being answered; the outbox sender lets them finish before it sends."""

    def runner(self) -> TurnRunner:
        return TurnRunner(self.conversation, self.sender, self.in_flight)

    def notifier(self, proactive: Proactive) -> ProactiveNotifier:
        """The notifier over a host's SDK, for this deployment's app and tenant."""
        return ProactiveNotifier(
            proactive,
            app_id=self.settings.app_id,
            tenant_id=self.settings.app_tenant_id or None,
            latest=self.latest,
            clock_now=self.clock_now,
            installer=self.installer,
        )
