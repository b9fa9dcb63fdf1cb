"""The one place that builds the bot: real adapters in production, fakes in tests.

Like cosmicpython's `bootstrap.py`, everything with a side effect is created here and handed
down, so no module reaches for a global engine, clock or HTTP client.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings, load_school
from bot.domain.school import ConfiguredDirectory, School
from bot.knowledge import KnowledgeBase, default_knowledge_base
from bot.services.context import Services
from bot.services.delivery import DeliveryWorker
from bot.services.ports import Clock, ConversationRef, Directory, Notifier
from bot.services.ratelimit import RateLimiter
from bot.teams.bot import TryggSkoleBot
from bot.teams.notifier import TeamsNotifier
from storage.engine import create_engine, session_factory
from storage.repositories import SqlUnitOfWork

log = logging.getLogger(__name__)


class SystemClock:
    def __init__(self, zone: ZoneInfo) -> None:
        self._zone = zone

    def now(self) -> datetime:
        return datetime.now(self._zone)


@dataclass
class _AuthConfig:
    """The attribute names `ConfigurationBotFrameworkAuthentication` reads."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


@dataclass
class LatestConversation:
    """The newest conversation seen: its service URL and tenant open a chat with someone new."""

    value: ConversationRef | None = None

    def remember(self, ref: ConversationRef) -> None:
        self.value = ref

    def get(self) -> ConversationRef | None:
        return self.value


@dataclass
class Runtime:
    settings: Settings
    school: School
    engine: AsyncEngine
    services: Services
    adapter: CloudAdapter
    bot: TryggSkoleBot
    notifier: Notifier
    worker: DeliveryWorker
    latest: LatestConversation = field(default_factory=LatestConversation)


def build_adapter(settings: Settings) -> CloudAdapter:
    auth = ConfigurationBotFrameworkAuthentication(
        _AuthConfig(
            APP_ID=settings.app_id,
            APP_PASSWORD=settings.app_password,
            # Without an app id only the MultiTenant factory accepts empty credentials.
            APP_TYPE=settings.app_type if settings.app_id else "MultiTenant",
            APP_TENANTID=settings.app_tenant_id,
        )
    )
    adapter = CloudAdapter(auth)

    async def on_error(turn_context: TurnContext, error: Exception) -> None:
        # Log ids only: the activity may hold a pupil's name.
        log.error(
            "turn failed: activity %s in conversation %s: %s",
            turn_context.activity.id,
            turn_context.activity.conversation.id if turn_context.activity.conversation else None,
            type(error).__name__,
            exc_info=error,
        )
        if turn_context.activity.type == "message":
            try:
                await turn_context.send_activity(
                    "Beklager, noe gikk galt hos meg. Prøv igjen om litt. Haster det, ring rektor."
                )
            except Exception:
                log.warning(
                    "could not send the error message for activity %s", turn_context.activity.id
                )

    adapter.on_turn_error = on_error
    return adapter


def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    directory: Directory | None = None,
    notifier: Notifier | None = None,
    engine: AsyncEngine | None = None,
) -> Runtime:
    school = load_school(settings.school_config)
    engine = engine or create_engine(settings.database_url)
    sessions = session_factory(engine)
    clock = clock or SystemClock(school.calendar.zone)
    services = Services(
        uow=lambda: SqlUnitOfWork(sessions),
        directory=directory or ConfiguredDirectory(school),
        clock=clock,
        school=school,
    )
    adapter = build_adapter(settings)
    memory = LatestConversation()
    knowledge = (
        KnowledgeBase.from_file(school.plan_file) if school.plan_file else default_knowledge_base()
    )
    knowledge.ask("melde fra")  # builds the index now, not on the first question
    bot = TryggSkoleBot(
        services, knowledge, public_url=settings.public_url, on_conversation=memory.remember
    )
    notifier = notifier or TeamsNotifier(
        adapter,
        app_id=settings.app_id,
        tenant_id=settings.app_tenant_id or None,
        latest=memory.get,
        clock_now=clock.now,
    )
    worker = DeliveryWorker(
        services,
        notifier,
        RateLimiter(time.monotonic),
        lease=timedelta(seconds=settings.outbox_lease_s),
    )
    return Runtime(settings, school, engine, services, adapter, bot, notifier, worker, memory)
