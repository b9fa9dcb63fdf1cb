"""The one place that builds the bot: real adapters in production, fakes in tests.

Like cosmicpython's `bootstrap.py`, everything with a side effect is created here and handed
down, so no module reaches for a global engine, clock or HTTP client.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botframework.connector.auth import ServiceClientCredentialsFactory
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError, Settings, load_school
from bot.dialogs.conversation import Conversation
from bot.domain.school import ConfiguredDirectory, School
from bot.hosting.auth import BOT_FRAMEWORK_OPENID_URL, TokenValidator
from bot.hosting.auth import build_validator as build_validator_for
from bot.hosting.http import HttpConfigError, ssl_context
from bot.knowledge import KnowledgeBase, default_knowledge_base
from bot.services.context import Services
from bot.services.delivery import DeliveryWorker
from bot.services.ports import (
    AppInstaller,
    Calendar,
    Clock,
    ConversationRef,
    Directory,
    Notifier,
)
from bot.services.ratelimit import RateLimiter, app_windows
from bot.services.replies import ReplySender
from bot.teams.auth import InboundAuthentication
from bot.teams.host import BotbuilderHost, build_adapter_callbacks
from bot.teams.notifier import TeamsNotifier
from storage.engine import create_engine, session_factory
from storage.repositories import SqlUnitOfWork

if TYPE_CHECKING:
    from bot.graph.client import GraphConnection
    from bot.graph.directory import GraphDirectory

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
    host: BotbuilderHost
    notifier: Notifier
    worker: DeliveryWorker
    latest: LatestConversation = field(default_factory=LatestConversation)
    graph: GraphParts = field(default_factory=lambda: GraphParts())
    validator: TokenValidator | None = None
    """Checks inbound tokens; None in local mode. Its keys are kept fresh by the app."""


@dataclass
class GraphParts:
    """What Microsoft Graph adds when GRAPH_ENABLED: all None in local mode."""

    connection: GraphConnection | None = None
    directory: GraphDirectory | None = None
    installer: AppInstaller | None = None
    calendar: Calendar | None = None


def build_graph_parts(settings: Settings, school: School) -> GraphParts:
    """Imports msgraph only here: it costs ~0.8 s and ~40 MB, for schools that use it."""
    from bot.graph.client import GraphConfigError, GraphSettings, build_graph
    from bot.graph.directory import GraphDirectory

    try:
        connection = build_graph(
            GraphSettings(
                app_id=settings.app_id,
                app_type=settings.app_type,
                tenant_id=settings.app_tenant_id,
                app_password=settings.app_password,
                base_url=settings.graph_base_url,
                authority=settings.graph_authority or None,
                timeout_s=settings.graph_timeout_s,
            )
        )
    except GraphConfigError as error:
        raise ConfigError(str(error)) from None
    m365 = school.microsoft365
    parts = GraphParts(
        connection,
        GraphDirectory(
            connection,
            ConfiguredDirectory(school),
            leader_from_manager=m365.leader_from_manager,
            only_configured_leaders=m365.only_configured_leaders,
            ttl_s=m365.cache_minutes * 60,
        ),
    )
    if settings.teams_catalog_app_id:
        from bot.graph.installer import GraphAppInstaller

        parts.installer = GraphAppInstaller(
            connection,
            catalog_app_id=settings.teams_catalog_app_id,
            graph_base_url=settings.graph_base_url,
        )
    if m365.calendar:
        from bot.graph.calendar import GraphCalendar

        parts.calendar = GraphCalendar(connection, zone=school.calendar.zone)
    return parts


def build_validator(settings: Settings) -> TokenValidator | None:
    """The inbound token check; None in local mode, where no token is looked at."""
    if settings.local_mode:
        return None
    try:
        ssl_context()  # a CA bundle that cannot be read stops the start, not the first fetch
    except HttpConfigError as error:
        raise ConfigError(str(error)) from None
    return build_validator_for(
        app_id=settings.app_id,
        # Entra ID (Emulator) tokens only for a bot of one tenant; MultiTenant takes the
        # Bot Connector's alone.
        tenant_id=settings.app_tenant_id if settings.app_type != "MultiTenant" else None,
        connector_openid_url=settings.bot_openid_metadata_url or BOT_FRAMEWORK_OPENID_URL,
        entra_openid_url=settings.entra_openid_metadata_url or None,
        timeout_s=settings.openid_timeout_s,
    )


def build_adapter(
    settings: Settings,
    validator: TokenValidator | None = None,
    *,
    credentials: ServiceClientCredentialsFactory | None = None,
) -> CloudAdapter:
    """`credentials`: how outbound calls get their tokens (tests hand in a fake)."""
    auth = ConfigurationBotFrameworkAuthentication(
        _AuthConfig(
            APP_ID=settings.app_id,
            APP_PASSWORD=settings.app_password,
            # Without an app id only the MultiTenant factory accepts empty credentials.
            APP_TYPE=settings.app_type if settings.app_id else "MultiTenant",
            APP_TENANTID=settings.app_tenant_id,
        ),
        credentials_factory=credentials,
    )
    if settings.local_mode:
        validator = None  # local mode looks at no Authorization header, whatever it carries
    elif validator is None:
        validator = build_validator(settings)
    adapter = CloudAdapter(InboundAuthentication(auth, validator))
    build_adapter_callbacks(adapter)
    return adapter


def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    directory: Directory | None = None,
    notifier: Notifier | None = None,
    engine: AsyncEngine | None = None,
    installer: AppInstaller | None = None,
    calendar: Calendar | None = None,
    credentials: ServiceClientCredentialsFactory | None = None,
    validator: TokenValidator | None = None,
) -> Runtime:
    school = load_school(settings.school_config)
    engine = engine or create_engine(settings.database_url)
    sessions = session_factory(engine)
    clock = clock or SystemClock(school.calendar.zone)
    graph = build_graph_parts(settings, school) if settings.graph_enabled else GraphParts()
    services = Services(
        uow=lambda: SqlUnitOfWork(sessions),
        directory=directory or graph.directory or ConfiguredDirectory(school),
        clock=clock,
        school=school,
        calendar=calendar or graph.calendar,
    )
    if settings.local_mode:
        validator = None
    elif validator is None:
        validator = build_validator(settings)
    adapter = build_adapter(settings, validator, credentials=credentials)
    memory = LatestConversation()
    knowledge = (
        KnowledgeBase.from_file(school.plan_file) if school.plan_file else default_knowledge_base()
    )
    knowledge.ask("melde fra")  # builds the index now, not on the first question
    conversation = Conversation(
        services,
        knowledge,
        public_url=settings.public_url,
        on_conversation=memory.remember,
        prefetch=graph.directory.prefetch if graph.directory else None,
    )
    # One budget for every send of the app: replies in a turn, alerts, reminders.
    limiter = RateLimiter(time.monotonic, app_windows=app_windows(settings.send_rate_per_s))
    host = BotbuilderHost(conversation, ReplySender(services, limiter))
    notifier = notifier or TeamsNotifier(
        adapter,
        app_id=settings.app_id,
        tenant_id=settings.app_tenant_id or None,
        latest=memory.get,
        clock_now=clock.now,
        installer=installer or graph.installer,
    )
    worker = DeliveryWorker(
        services,
        notifier,
        limiter,
        lease=timedelta(seconds=settings.outbox_lease_s),
    )
    return Runtime(
        settings,
        school,
        engine,
        services,
        adapter,
        host,
        notifier,
        worker,
        memory,
        graph,
        validator,
    )
