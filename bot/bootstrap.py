"""The one place that builds the bot: real adapters in production, fakes in tests.

Like cosmicpython's `bootstrap.py`, everything with a side effect is created here and handed
down, so no module reaches for a global engine, clock or HTTP client.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.archive.outcome import ArchiveTransport
from bot.config import REPO_ROOT, ConfigError, Settings, load_deployment
from bot.dialogs.conversation import Conversation
from bot.domain.school import ConfiguredDirectory, School
from bot.graph.parts import GraphParts
from bot.hosting.auth import BOT_FRAMEWORK_OPENID_URL, TokenValidator
from bot.hosting.auth import build_validator as build_validator_for
from bot.hosting.host import Host, HostParts
from bot.hosting.http import HttpConfigError, ssl_context
from bot.hosting.runtime import LatestConversation, Runtime
from bot.hosting.turns import InFlight
from bot.knowledge import KnowledgeBase, default_knowledge_base
from bot.services.archiving import ArchiveHealth, ArchiveSender
from bot.services.context import Services
from bot.services.delivery import DeliveryWorker
from bot.services.ports import (
    AppInstaller,
    Calendar,
    Clock,
    Directory,
    Notifier,
)
from bot.services.ratelimit import RateLimiter, app_windows
from bot.services.replies import ReplySender
from bot.services.schools import Schools
from storage.crypto import Keyring, KeyringError, new_key, parse_key
from storage.engine import create_engine, session_factory
from storage.repositories import SqlUnitOfWork
from storage.repositories.locator import SqlLocator

log = logging.getLogger(__name__)


class SystemClock:
    def __init__(self, zone: ZoneInfo) -> None:
        self._zone = zone

    def now(self) -> datetime:
        return datetime.now(self._zone)


LOCAL_KEY_FILE = REPO_ROOT / "data" / "secret.key"


def build_keyring(settings: Settings) -> Keyring:
    """The data key from DATA_ENCRYPTION_KEY (older keys in DATA_OLD_KEYS) or from a key file
    (one key a line, the current first); in local mode a key file is made at the first start."""
    try:
        if settings.data_key:
            return Keyring.of(
                parse_key(settings.data_key), [parse_key(k) for k in settings.data_old_keys]
            )
        path = settings.data_key_file
        if path is None:
            if not settings.local_mode:
                raise ConfigError(
                    "DATA_ENCRYPTION_KEY eller DATA_KEY_FILE må settes: personopplysningene "
                    "krypteres i databasen, og nøkkelen hører ikke hjemme i koden."
                )
            path = LOCAL_KEY_FILE
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                import base64
                import os

                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                    handle.write(base64.b64encode(new_key()).decode("ascii") + "\n")
                log.warning(
                    "local mode: made a new data key in %s (mode 0600); keep it with the "
                    "database, without it the cases cannot be read",
                    path,
                )
        keys = [
            line.strip()
            for line in path.read_text(encoding="ascii").splitlines()
            if line.strip() and not line.startswith("#")
        ]
        if not keys:
            raise ConfigError(f"{path} har ingen nøkkel.")
        parsed = [parse_key(k) for k in keys]
        return Keyring.of(parsed[0], parsed[1:])
    except KeyringError as error:
        raise ConfigError(f"Datanøkkelen kan ikke brukes: {error}.") from None
    except OSError as error:
        raise ConfigError(f"Datanøkkelen kan ikke leses: {error.strerror}.") from None


def build_archive_transport(settings: Settings) -> ArchiveTransport:
    """Websak's Mottak WebApi when ARCHIVE_URL is set; else files for manual import."""
    if settings.archive_url:
        from bot.archive.mottak import MottakClient

        return MottakClient(settings.archive_url)
    from bot.archive.local import ArchiveDirectory

    return ArchiveDirectory(settings.archive_dir)


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


def build_host(parts: HostParts) -> Host:
    """The SDK is imported here only: the one the deployment runs (`BOT_SDK`)."""
    if parts.settings.bot_sdk == "agents":
        from bot.hosting.agents.build import build_host as build_agents_host

        return build_agents_host(parts)
    from bot.hosting.botbuilder.build import build_host as build_botbuilder_host

    return build_botbuilder_host(parts)


def build_services(
    engine: AsyncEngine,
    keyring: Keyring,
    school: School,
    clock: Clock,
    *,
    directory: Directory | None = None,
    calendar: Calendar | None = None,
    sessions: async_sessionmaker[AsyncSession] | None = None,
) -> Services:
    """A school's use cases on the database: what the server and every command work with."""
    sessions = sessions or session_factory(engine)
    return Services(
        uow=lambda: SqlUnitOfWork(sessions, keyring, school.id),
        directory=directory or ConfiguredDirectory(school),
        clock=clock,
        school=school,
        calendar=calendar,
    )


def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    directory: Directory | None = None,
    notifier: Notifier | None = None,
    engine: AsyncEngine | None = None,
    installer: AppInstaller | None = None,
    calendar: Calendar | None = None,
    credentials: object = None,
    validator: TokenValidator | None = None,
    keyring: Keyring | None = None,
) -> Runtime:
    """`credentials`: the SDK's outbound credentials, for tests that fake Microsoft's.
    `directory` and `calendar` (fakes in tests) serve the first school."""
    deployment = load_deployment(settings.school_config)
    school = deployment.schools[0]
    engine = engine or create_engine(settings.database_url)
    keyring = keyring or build_keyring(settings)
    clock = clock or SystemClock(school.calendar.zone)
    graph = build_graph_parts(settings, school) if settings.graph_enabled else GraphParts()
    sessions = session_factory(engine)
    mail = asyncio.Event()  # one for every school: the sender wakes when any has mail
    every: list[Services] = []
    for each in deployment.schools:
        own_directory, own_calendar = (
            (directory or graph.directory, calendar or graph.calendar)
            if each is school
            else graph_for_school(graph, each)
        )
        svc = build_services(
            engine,
            keyring,
            each,
            clock,
            directory=own_directory,
            calendar=own_calendar,
            sessions=sessions,
        )
        svc.outbox_ready = mail
        every.append(svc)
    services = every[0]
    schools = Schools(tuple(every), deployment.owner, SqlLocator(sessions))
    if settings.local_mode:
        validator = None
    elif validator is None:
        validator = build_validator(settings)
    memory = LatestConversation()
    knowledge = plans()
    knowledge(school).ask("melde fra")  # builds the index now, not on the first question
    conversation = Conversation(
        schools,
        knowledge,
        public_url=settings.public_url,
        on_conversation=memory.remember,
        prefetch=graph.directory.prefetch if graph.directory else None,
    )
    # One budget for every send of the app: replies in a turn, alerts, reminders.
    limiter = RateLimiter(time.monotonic, app_windows=app_windows(settings.send_rate_per_s))
    in_flight = InFlight()
    host = build_host(
        HostParts(
            settings,
            conversation,
            ReplySender(services, limiter, schools=schools.get),
            validator,
            latest=memory.get,
            clock_now=clock.now,
            installer=installer or graph.installer,
            credentials=credentials,
            in_flight=in_flight,
        )
    )
    notifier = notifier or host.notifier
    workers = tuple(
        DeliveryWorker(svc, notifier, limiter, lease=timedelta(seconds=settings.outbox_lease_s))
        for svc in every
    )
    health = ArchiveHealth()
    transport = build_archive_transport(settings)
    archives = tuple(ArchiveSender(svc, transport, health) for svc in every)
    return Runtime(
        settings,
        school,
        engine,
        services,
        host,
        notifier,
        workers[0],
        memory,
        graph,
        validator,
        keyring,
        archives[0],
        health,
        schools=schools,
        workers=workers,
        archives=archives,
        in_flight=in_flight,
    )


def plans() -> Callable[[School], KnowledgeBase]:
    """Each school's plan, read once however many schools share it (most share the default)."""
    known: dict[Path | None, KnowledgeBase] = {}

    def knowledge(school: School) -> KnowledgeBase:
        found = known.get(school.plan_file)
        if found is None:
            found = (
                KnowledgeBase.from_file(school.plan_file)
                if school.plan_file
                else default_knowledge_base()
            )
            known[school.plan_file] = found
        return found

    return knowledge


def graph_for_school(graph: GraphParts, school: School) -> tuple[Directory | None, Calendar | None]:
    """Another school on the same Graph connection: its own staff and Entra settings."""
    if graph.connection is None:
        return None, None
    from bot.graph.calendar import GraphCalendar
    from bot.graph.directory import GraphDirectory

    m365 = school.microsoft365
    directory = GraphDirectory(
        graph.connection,
        ConfiguredDirectory(school),
        leader_from_manager=m365.leader_from_manager,
        only_configured_leaders=m365.only_configured_leaders,
        ttl_s=m365.cache_minutes * 60,
    )
    calendar = GraphCalendar(graph.connection, zone=school.calendar.zone) if m365.calendar else None
    return directory, calendar
