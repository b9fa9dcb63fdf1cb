"""Nothing personal stays behind: the daily purge (`[retention]`, docs/personvern/lagringstid.md).

- A closed case whose final package the archive received (201, or rektor's «Importert i
  Websak») becomes a tombstone `days_after_archive` after: the pupil's name and class and every
  free text go, with its calendar events, outbox payloads, reminders, links, «logg» notes that
  became part of it and any package files waiting in ARCHIVE_DIR. What stays: case number,
  school, category, routing, the dates of each sub-duty, who (by id) did what, the receipt.
- Abandoned report forms after `draft_hours`; «logg» notes after `log_days` unless they became
  part of a case; an open case without activity for `stale_days` makes rektor decide.

An open case is never purged. The purge lists what it does by case number and kind, never by
content, so `python -m bot purge --dry-run` can show it first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.case import Case, CaseEvent, EventKind
from bot.services.context import Services
from bot.services.messages import outbox_message, text_activity
from bot.services.ports import ARCHIVED, ArchiveEntry, ArchiveStatus, MessageKind

log = logging.getLogger(__name__)

FINAL = "avslutning"
"""The closing note's document key (bot.archive.documents): the last the archive gets."""
QUIET = frozenset(
    {EventKind.VIEWED, EventKind.ACCESS_REFUSED, EventKind.REMINDER_SENT, EventKind.EXPORTED}
)
"""Events that are no work on the case: reading it does not keep a case alive."""


@dataclass(frozen=True)
class Purged:
    """One line of the purge's account: what, not whose."""

    kind: str
    reference: str | None = None
    count: int = 1

    def line(self) -> str:
        where = f"sak {self.reference}: " if self.reference else ""
        return f"{where}{self.kind} ({self.count})" if self.count != 1 else f"{where}{self.kind}"


def archived_at(entries: Sequence[ArchiveEntry]) -> datetime | None:
    """When the archive had the whole case, closing note included; None until then."""
    live = [e for e in entries if e.status is not ArchiveStatus.SUPERSEDED]
    if not live or any(e.status not in ARCHIVED for e in live):
        return None
    if FINAL not in {e.key for e in live}:
        return None
    delivered = [e.delivered_at for e in live if e.delivered_at is not None]
    return max(delivered) if delivered else None


def last_activity(case: Case, events: Sequence[CaseEvent]) -> datetime:
    worked = [e.at for e in events if e.kind not in QUIET]
    return max([case.created_at, *worked])


async def purge(
    svc: Services,
    *,
    dry_run: bool = False,
    delete_files: Callable[[str], int] | None = None,
) -> list[Purged]:
    """One pass; `delete_files` removes a case's package files from ARCHIVE_DIR."""
    now = svc.clock.now()
    rules = svc.school.retention
    done: list[Purged] = []
    async with svc.uow() as uow:
        for case in await uow.cases.closed_unpurged():
            at = archived_at(await uow.archive.for_case(case.id))
            if at is None or now - at < timedelta(days=rules.days_after_archive):
                continue
            done.append(Purged("sakens personopplysninger", case.reference))
            if dry_run:
                continue
            counts = {
                "reminders": await uow.reminders.delete_for_case(case.id),
                "links": await uow.export_links.delete_for_case(case.id),
                "calendar": await uow.calendar_events.delete_for_case(case.id),
                "outbox": await uow.outbox.forget_for_case(case.id),
                "notes": await uow.observations.delete_for_case(case.id),
            }
            await uow.archive.forget_for_case(case.id)
            await uow.cases.purge(case.id, now)
            files = delete_files(case.reference) if delete_files is not None else 0
            await uow.events.append(
                [
                    CaseEvent(
                        case.id,
                        EventKind.PURGED,
                        None,
                        now,
                        {**{k: str(v) for k, v in counts.items()}, "files": str(files)},
                    )
                ]
            )
        drafts_before = now - timedelta(hours=rules.draft_hours)
        notes_before = now - timedelta(days=rules.log_days)
        if dry_run:
            await uow.rollback()
        else:
            drafts = await uow.drafts.purge(drafts_before)
            notes = await uow.observations.purge(notes_before)
            if drafts:
                done.append(Purged("skjemasvar som ikke ble sendt", count=drafts))
            if notes:
                done.append(Purged("«logg»-notater", count=notes))
            await uow.commit()
    done += await _stale(svc, now, dry_run=dry_run)
    if done and not dry_run:
        log.info("purge: %s", "; ".join(p.line() for p in done))
    return done


STALE_LISTED = 20
"""Case numbers a stale-cases message names; the rest are counted."""


async def _stale(svc: Services, now: datetime, *, dry_run: bool) -> list[Purged]:
    """Open cases nobody has worked on for `stale_days`: rektor closes or continues them.

    One message a day names every case that has fallen quiet since rektor was last asked
    about it (a school with forty forgotten cases gets one message, not forty); each case
    records that rektor was asked, so it is not named again until it has been worked on.
    """
    limit = timedelta(days=svc.school.retention.stale_days)
    found: list[Purged] = []
    rektor = svc.directory.rektor()
    zone = svc.school.calendar.zone
    lines: list[str] = []
    async with svc.uow() as uow:
        asked: list[CaseEvent] = []
        for case in await uow.cases.open_cases():
            events = await uow.events.for_case(case.id)
            quiet_since = last_activity(case, events)
            if now - quiet_since < limit:
                continue
            found.append(
                Purged("åpen sak uten aktivitet: rektor er bedt om å ta stilling", case.reference)
            )
            if any(_asked_about(e) and e.at >= quiet_since for e in events):
                continue  # named once for this quiet spell
            lines.append(f"{case.reference} (siden {quiet_since.astimezone(zone):%d.%m.%Y})")
            asked.append(CaseEvent(case.id, EventKind.REMINDER_SENT, None, now, {"kind": STALE}))
        if dry_run or rektor is None or not lines:
            return found
        shown = ", ".join(lines[:STALE_LISTED])
        more = f" og {len(lines) - STALE_LISTED} til" if len(lines) > STALE_LISTED else ""
        await uow.outbox.enqueue(
            outbox_message(
                f"{STALE}:{svc.school.id}:{now.astimezone(zone).date().isoformat()}",
                MessageKind.NOTICE,
                rektor.aad_object_id,
                text_activity(
                    f"{len(lines)} {'åpen sak' if len(lines) == 1 else 'åpne saker'} har ikke "
                    f"vært arbeidet med på "
                    f"{svc.school.retention.stale_days} dager: {shown}{more}. Avslutt hver "
                    "sak med en begrunnelse, eller fortsett den: en åpen sak blir aldri slettet, "
                    "og opplysningene om eleven blir liggende så lenge."
                ),
                now,
            )
        )
        await uow.events.append(asked)
        await uow.commit()
    svc.outbox_ready.set()
    return found


STALE = "stale"


def _asked_about(event: CaseEvent) -> bool:
    return event.kind is EventKind.REMINDER_SENT and event.detail.get("kind") == STALE
