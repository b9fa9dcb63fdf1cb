"""The aiohttp application: routes, typed app keys and the engine's lifecycle.

`cleanup_ctx` (as in aiohttp-demos) opens the database, runs the migrations and starts the
outbox sender before the first request, and closes them in reverse order at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence

from aiohttp import web

from bot.archive.local import delete_case_files
from bot.config import Settings
from bot.domain.school import School
from bot.hosting.runtime import Runtime
from bot.services.calendar_sync import wait_for_syncs
from bot.services.followup import use_export_link
from bot.services.integrity import report_broken_audit
from bot.services.reminders import run_all_due
from bot.services.reporting import escalate_unacknowledged
from bot.services.retention import purge
from storage.engine import ping
from storage.maintenance import check_keys, compact, verify_audit
from storage.migrate import upgrade

log = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
RUNTIME = web.AppKey("runtime", Runtime)
RuntimeFactory = Callable[[Settings], Runtime]

ESCALATION_EVERY_S = 30.0
"""How often escalations and reminders are checked: both are due on the minute at most."""
ARCHIVE_EVERY_S = 2.0
"""The archive is looked at this often at most: one document per case at a time anyway."""
BUSY_POLL_S = 0.05
TURN_FIRST_S = 0.2
"""How long the sender, woken by a turn's mail, lets the turns in flight finish at the most."""
DRAIN_S = 10.0


async def messages(request: web.Request) -> web.Response:
    return await request.app[RUNTIME].host.messages(request)


async def export(request: web.Request) -> web.Response:
    """A one-time PDF download; the link was made for one person who still sees the case."""
    runtime = request.app[RUNTIME]
    svc = runtime.services
    found = await use_export_link(svc, request.match_info["token"])
    if found is None:
        return web.Response(
            status=410,
            content_type="text/plain",
            charset="utf-8",
            text="Lenken er brukt, utløpt eller ukjent. Be om en ny i Teams.",
        )
    case, link = found.case, found.link
    # fpdf costs ~0.35 s to import: loaded on the first export, not at start.
    from bot.services.export import render_case_pdf, render_pack

    # Rendering takes 0.1–0.5 s of CPU: off the event loop, so other turns are not held up.
    if link.kind == "pack":
        body = await asyncio.to_thread(render_pack, svc, case, found.events)
        filename, content_type = f"sak-{case.reference}-dokumentasjon.zip", "application/zip"
    else:
        body = await asyncio.to_thread(
            render_case_pdf,
            svc,
            case,
            found.events,
            redacted=link.redacted,
            by=found.person.name,
        )
        filename = f"aktivitetsplan-{case.reference}{'-sladdet' if link.redacted else ''}.pdf"
        content_type = "application/pdf"
    return web.Response(
        body=body,
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    database = await ping(runtime.engine)
    body = {
        "status": "ok" if database == "ok" else "degraded",
        "database": database,
        "mode": "local" if runtime.settings.local_mode else "authenticated",
        "host": runtime.host.name,
        "school": runtime.school.name,
        "archive": (
            f"error: {runtime.archive_health.problem}"
            if runtime.archive_health.problem
            else "ok"
            if runtime.settings.archive_url
            else "directory"
        ),
    }
    return web.json_response(body, status=200 if database == "ok" else 503)


DAILY_S = 24 * 3600.0


async def daily(runtime: Runtime) -> None:
    """Once at start and then once a day, at every school: the audit trail's chain is verified
    (and rektor told of a break), and what the retention rules say is deleted, is."""
    archive_dir = runtime.settings.archive_dir
    for svc in runtime.every_school:
        for found in await verify_audit(runtime.engine, svc.school.id):
            await report_broken_audit(svc, found.seq, found.problem)
        await purge(svc, delete_files=lambda ref: delete_case_files(archive_dir, ref))
        await asyncio.sleep(0)  # 180 schools in a row must not hold up the turns meanwhile
    await compact(runtime.engine)


async def _daily_forever(runtime: Runtime) -> None:
    while True:
        try:
            await daily(runtime)
        except Exception:
            log.exception("daily pass failed; trying again tomorrow")
        await asyncio.sleep(DAILY_S)


async def _pump(runtime: Runtime) -> bool:
    """One sender pass; True while sends are under way. With several schools, only those
    with mail due (one query tells which) and those still sending are pumped."""
    workers = runtime.every_worker
    if len(workers) == 1 or runtime.schools is None:
        await workers[0].pump()
        return workers[0].busy
    due = await runtime.schools.locator.schools_with_mail(runtime.services.clock.now())
    for worker, svc in zip(workers, runtime.every_school, strict=True):
        if worker.busy or svc.school.id in due:
            await worker.pump()
    return any(w.busy for w in workers)


async def _follow_up(runtime: Runtime) -> None:
    """Escalation and reminders; with several schools only where one query says work is due."""
    schools = runtime.every_school
    if len(schools) > 1 and runtime.schools is not None:
        due = await runtime.schools.locator.schools_with_due_work(runtime.services.clock.now())
        schools = tuple(s for s in schools if s.school.id in due)
    for svc in schools:
        await escalate_unacknowledged(svc)
        await run_all_due(svc)


async def _archive(runtime: Runtime) -> None:
    senders = runtime.archives or ((runtime.archive,) if runtime.archive else ())
    if len(senders) > 1 and runtime.schools is not None:
        now = runtime.services.clock.now()
        due = await runtime.schools.locator.schools_with_archive_work(now)
        senders = tuple(a for a in senders if a.school_id in due)
    for sender in senders:
        await sender.run()


async def _background(runtime: Runtime, interval: float) -> None:
    """Sends the outbox whenever a use case says there is mail, and at least every `interval`."""
    ready = runtime.services.outbox_ready
    loop = asyncio.get_running_loop()
    next_escalation = 0.0
    next_archive = 0.0
    busy = False
    woken = False
    while True:
        ready.clear()
        try:
            if woken and not busy:
                # The turn that queued the mail sends its own reply first. While sends are
                # under way (a burst), the sender goes on at the pace Teams allows instead.
                await runtime.in_flight.settled(at_most=TURN_FIRST_S)
            busy = await _pump(runtime)
            if loop.time() >= next_escalation:
                next_escalation = loop.time() + ESCALATION_EVERY_S
                await _follow_up(runtime)
            if loop.time() >= next_archive:
                next_archive = loop.time() + ARCHIVE_EVERY_S
                await _archive(runtime)
        except Exception:
            log.exception("outbox pass failed; trying again")
        # While sends are under way, look again soon: finished sends make room for more.
        woken = False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ready.wait(), BUSY_POLL_S if busy else interval)
            woken = True


def legacy_school_of(schools: Sequence[School], settings: Settings) -> str | None:
    """The school rows from before schools had ids belong to: the only one, or the one
    LEGACY_SCHOOL_ID names (the migration stops if there are such rows and neither)."""
    if len(schools) == 1:
        return schools[0].id
    return settings.legacy_school_id or None


def legacy_school(runtime: Runtime) -> str | None:
    return legacy_school_of([s.school for s in runtime.every_school], runtime.settings)


def create_app(
    settings: Settings, build: RuntimeFactory, *, background: bool = True
) -> web.Application:
    app = web.Application(client_max_size=512 * 1024)
    app[SETTINGS] = settings

    async def runtime_ctx(app: web.Application) -> AsyncIterator[None]:
        runtime = build(settings)
        await upgrade(runtime.engine, school_id=legacy_school(runtime), keyring=runtime.keyring)
        if runtime.keyring is not None:
            await check_keys(runtime.engine, runtime.keyring)
        async with runtime.services.uow() as uow:
            latest = await uow.conversations.latest()
        if latest is not None:
            runtime.latest.remember(latest)
        app[RUNTIME] = runtime
        if settings.local_mode:
            log.warning(
                "local mode: no MicrosoftAppId, so requests are NOT authenticated "
                "(for the Agents Playground and the Emulator only)"
            )
        else:
            log.info("authenticated mode for app id %s (%s)", settings.app_id, settings.app_type)
        yield
        await runtime.engine.dispose()

    async def background_ctx(app: web.Application) -> AsyncIterator[None]:
        tasks = []
        if background:
            tasks = [
                asyncio.create_task(_background(app[RUNTIME], settings.outbox_interval_s)),
                asyncio.create_task(_daily_forever(app[RUNTIME])),
            ]
        yield
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if tasks:
            await asyncio.gather(*(w.drain(DRAIN_S) for w in app[RUNTIME].every_worker))

    async def graph_ctx(app: web.Application) -> AsyncIterator[None]:
        """Keeps Entra ID lookups fresh for the configured staff; closes Graph at shutdown."""
        runtime = app[RUNTIME]
        parts = runtime.graph
        task = None
        if parts.directory is not None:
            staff = [p.aad_object_id for svc in runtime.every_school for p in svc.school.staff]
            every = max(60.0, runtime.school.microsoft365.cache_minutes * 30.0)
            task = asyncio.create_task(parts.directory.refresh_forever(lambda: staff, every))
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await wait_for_syncs()
        if parts.connection is not None:
            await parts.connection.close()

    async def auth_ctx(app: web.Application) -> AsyncIterator[None]:
        """Fetches the token signing keys from the start and keeps them fresh, off the path of
        any request: the bot starts (and /healthz answers) while Microsoft is unreachable."""
        validator = app[RUNTIME].validator
        task = None
        if validator is not None:
            task = asyncio.create_task(validator.keep_fresh())
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if validator is not None:
            await validator.close()

    app.cleanup_ctx.append(runtime_ctx)
    app.cleanup_ctx.append(auth_ctx)
    app.cleanup_ctx.append(graph_ctx)
    app.cleanup_ctx.append(background_ctx)
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/export/{token}", export)
    return app
