"""The case handed to the school's archive (Websak), one document after the other.

A closed case, or one rektor archives now («Arkiver nå»), gets a queue row per document the
archive has not received. The sender draws each document's ZIP when it sends it and goes on to
the next only after the archive answered 201 (each journalpost is filed in the folder the
first one made). What the archive received is never sent again: Mottak does not de-duplicate.

- 201: received; the case card and the trail say so.
- 400/422: rejected; rektor gets a card with the archive's reason, and nothing more of the case
  goes until rektor sends it again.
- 404: a wrong tenant key — a configuration error: the log and /healthz say so.
- 5xx, timeouts, unreachable: retried with back-off; rektor is told when a day has passed.
- No archive API (ARCHIVE_URL unset): the ZIPs are written to ARCHIVE_DIR, and rektor confirms
  «Importert i Websak» on a card.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.archive.documents import unsent
from bot.archive.message import ArchiveMessage
from bot.archive.outcome import (
    ArchiveTransport,
    DeliveryOutcome,
    Received,
    Rejected,
    Retry,
    Written,
    WrongTenant,
)
from bot.cards.archive import archive_rejected_card, archive_written_card
from bot.domain.case import AccessDenied, Case, CaseEvent, EventKind
from bot.domain.people import Person
from bot.services.context import Services
from bot.services.messages import card_activity, outbox_message, text_activity
from bot.services.people import display_name

if TYPE_CHECKING:
    from bot.archive.build import ArchiveContext

from bot.services.ports import (
    ARCHIVED,
    ArchiveEntry,
    ArchiveStatus,
    MessageKind,
    UnitOfWork,
)

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)
LATE_AFTER = timedelta(days=1)
WRONG_TENANT_PAUSE = timedelta(hours=1)
DONE = frozenset({*ARCHIVED, ArchiveStatus.WRITTEN, ArchiveStatus.SUPERSEDED})
"""A document in these states needs nothing more from the sender."""


@dataclass
class ArchiveHealth:
    """What /healthz says about the archive: a wrong tenant key is the operator's to fix."""

    problem: str | None = None
    checked_at: datetime | None = None


@dataclass(frozen=True)
class ArchiveState:
    """A case's standing with the archive, as its card shows it."""

    queued: int = 0
    received: int = 0
    written: int = 0
    rejected: int = 0
    last_at: datetime | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def done(self) -> bool:
        return self.queued > 0 and self.received == self.queued


def state_of(entries: Sequence[ArchiveEntry]) -> ArchiveState:
    live = [e for e in entries if e.status is not ArchiveStatus.SUPERSEDED]
    delivered = [e.delivered_at for e in live if e.delivered_at is not None]
    return ArchiveState(
        queued=len(live),
        received=sum(1 for e in live if e.status in ARCHIVED),
        written=sum(1 for e in live if e.status is ArchiveStatus.WRITTEN),
        rejected=sum(1 for e in live if e.status is ArchiveStatus.REJECTED),
        last_at=max(delivered) if delivered else None,
        reasons=tuple(e.reason for e in live if e.reason),
    )


def _is_rektor(case: Case, person_id: str) -> bool:
    recipient = case.recipient(person_id)
    return recipient is not None and recipient.reason.heads_case


async def queue_documents(uow: UnitOfWork, svc: Services, case: Case, now: datetime) -> int:
    """Queues every document of the case the archive has not got (in the caller's
    transaction); a case archived while open sends only what was added since when it closes."""
    entries = list(await uow.archive.for_case(case.id))
    known = {e.key for e in entries}
    position = max((e.position for e in entries), default=-1) + 1
    fresh = [
        ArchiveEntry(case.id, document.key, position + offset, now, now, now)
        for offset, document in enumerate(unsent(case, svc.school.calendar.zone, known))
    ]
    await uow.archive.add(fresh)
    if fresh:
        await uow.events.append(
            [
                CaseEvent(
                    case.id, EventKind.ARCHIVE_QUEUED, None, now, {"documents": str(len(fresh))}
                )
            ]
        )
    return len(fresh)


async def archive_now(svc: Services, case_id: str, person: Person) -> int:
    """«Arkiver nå»: rektor sends what the case has so far, also while it is open."""
    now = svc.clock.now()
    async with svc.uow() as uow:
        case = await uow.cases.get(case_id)
        if case is None or not _is_rektor(case, person.aad_object_id):
            raise AccessDenied()
        queued = await queue_documents(uow, svc, case, now)
        await uow.commit()
    return queued


async def confirm_imported(svc: Services, case_id: str, person: Person) -> int:
    """«Importert i Websak»: rektor says the written package is in the archive."""
    now = svc.clock.now()
    async with svc.uow() as uow:
        case = await uow.cases.get(case_id)
        if case is None or not _is_rektor(case, person.aad_object_id):
            raise AccessDenied()
        written = [
            e for e in await uow.archive.for_case(case_id) if e.status is ArchiveStatus.WRITTEN
        ]
        for entry in written:
            entry.status, entry.delivered_at = ArchiveStatus.IMPORTED, now
            await uow.archive.save(entry)
        if written:
            await uow.events.append(
                [
                    CaseEvent(
                        case_id,
                        EventKind.ARCHIVE_IMPORTED,
                        person.aad_object_id,
                        now,
                        {"documents": str(len(written))},
                    )
                ]
            )
        await uow.commit()
    return len(written)


async def send_again(svc: Services, case_id: str, person: Person) -> int:
    """After rektor has dealt with the archive's reason: the rejected document goes again."""
    now = svc.clock.now()
    async with svc.uow() as uow:
        case = await uow.cases.get(case_id)
        if case is None or not _is_rektor(case, person.aad_object_id):
            raise AccessDenied()
        rejected = [
            e for e in await uow.archive.for_case(case_id) if e.status is ArchiveStatus.REJECTED
        ]
        for entry in rejected:
            entry.status, entry.next_attempt_at, entry.reason = ArchiveStatus.PENDING, now, None
            await uow.archive.save(entry)
        await uow.commit()
    return len(rejected)


def _backoff(attempts: int) -> timedelta:
    doubled: timedelta = FIRST_RETRY * (2 ** max(0, attempts - 1))
    return min(LAST_RETRY, doubled)


class ArchiveSender:
    """Sends what is due, case by case, through the school's transport."""

    def __init__(self, svc: Services, transport: ArchiveTransport, health: ArchiveHealth) -> None:
        self._svc = svc
        self.school_id = svc.school.id
        self._transport = transport
        self._health = health

    async def run(self, limit: int = 20) -> int:
        """One pass; returns how many documents the archive took (or were written)."""
        async with self._svc.uow() as uow:
            due = await uow.archive.due_cases(self._svc.clock.now(), limit)
        done = 0
        for case_id in due:
            done += await self._case(case_id)
        return done

    async def _case(self, case_id: str) -> int:
        sent = 0
        while True:
            svc = self._svc
            now = svc.clock.now()
            async with svc.uow() as uow:
                entries = list(await uow.archive.for_case(case_id))
                case = await uow.cases.get(case_id)
                events = list(await uow.events.for_case(case_id))
            waiting = next((e for e in entries if e.status not in DONE), None)
            if waiting is None or case is None:
                if sent and case is not None:
                    await self._written_notice(case, entries, now)
                return sent
            if waiting.status is ArchiveStatus.REJECTED or waiting.next_attempt_at > now:
                return sent
            already = {e.key for e in entries if e.status in DONE}
            message = await asyncio.to_thread(_message, svc, case, events, waiting, already)
            if message is None:
                waiting.status = ArchiveStatus.SUPERSEDED  # a newer version took its place
                await self._save(waiting)
                continue
            outcome = await self._transport.deliver(message)
            if not await self._record(case, waiting, message, outcome, now):
                return sent
            sent += 1

    async def _save(self, entry: ArchiveEntry, events: Sequence[CaseEvent] = ()) -> None:
        async with self._svc.uow() as uow:
            await uow.archive.save(entry)
            await uow.events.append(list(events))
            await uow.commit()

    async def _record(
        self,
        case: Case,
        entry: ArchiveEntry,
        message: ArchiveMessage,
        outcome: DeliveryOutcome,
        now: datetime,
    ) -> bool:
        """Stores what the archive said; True when the next document may go now."""
        entry.attempts += 1
        detail = {"document": entry.key, "message": message.message_id}
        if isinstance(outcome, Received | Written):
            received = isinstance(outcome, Received)
            entry.status = ArchiveStatus.RECEIVED if received else ArchiveStatus.WRITTEN
            entry.delivered_at = now
            entry.receipt = outcome.receipt[:500] if isinstance(outcome, Received) else None
            kind = EventKind.ARCHIVED if received else EventKind.ARCHIVE_WRITTEN
            await self._save(entry, [CaseEvent(case.id, kind, None, now, detail)])
            self._health.problem, self._health.checked_at = None, now
            log.info("case %s: %s %s", case.id, entry.key, "received" if received else "written")
            return True
        if isinstance(outcome, Rejected):
            entry.status, entry.reason = ArchiveStatus.REJECTED, outcome.reason[:2000]
            await self._save(
                entry,
                [
                    CaseEvent(
                        case.id,
                        EventKind.ARCHIVE_REJECTED,
                        None,
                        now,
                        {**detail, "status": str(outcome.status)},
                    )
                ],
            )
            await self._tell_rektor(
                case,
                f"archive-rejected:{case.id}:{entry.key}:{entry.attempts}",
                card_activity(
                    archive_rejected_card(case.id, case.reference, outcome.reason),
                    f"Arkivet avviste sak {case.reference}",
                ),
                now,
            )
            log.warning(
                "case %s: %s rejected by the archive (%s)", case.id, entry.key, outcome.status
            )
            return False
        if isinstance(outcome, WrongTenant):
            entry.next_attempt_at = now + WRONG_TENANT_PAUSE
            self._health.problem = "ukjent tenant-nøkkel i ARCHIVE_URL (404)"
            self._health.checked_at = now
            log.error("archive: the tenant key in ARCHIVE_URL is unknown (404): fix the setting")
            await self._save(entry)
            return False
        assert isinstance(outcome, Retry)
        entry.first_failure_at = entry.first_failure_at or now
        entry.next_attempt_at = now + _backoff(entry.attempts)
        late = now - entry.first_failure_at >= LATE_AFTER and entry.late_reported_at is None
        if late:
            entry.late_reported_at = now
        await self._save(entry)
        log.warning(
            "case %s: %s not through to the archive (%s); next try %s",
            case.id,
            entry.key,
            outcome.reason,
            entry.next_attempt_at.isoformat(),
        )
        if late:
            await self._tell_rektor(
                case,
                f"archive-late:{case.id}:{entry.key}",
                text_activity(
                    f"⚠️ Sak {case.reference} har ikke kommet fram til arkivet på over et døgn "
                    "(arkivet svarer ikke). Boten prøver videre; kontakt arkivtjenesten eller "
                    "IT hvis det varer."
                ),
                now,
            )
        return False

    async def _written_notice(
        self, case: Case, entries: Sequence[ArchiveEntry], now: datetime
    ) -> None:
        written = [e for e in entries if e.status is ArchiveStatus.WRITTEN]
        if written:
            await self._tell_rektor(
                case,
                f"archive-written:{case.id}:{written[-1].key}",
                card_activity(
                    archive_written_card(case.id, case.reference, len(written)),
                    f"Arkivpakke klar for sak {case.reference}",
                ),
                now,
            )

    async def _tell_rektor(
        self, case: Case, key: str, payload: dict[str, object], now: datetime
    ) -> None:
        rektor = self._svc.directory.rektor()
        if rektor is None:
            return
        async with self._svc.uow() as uow:
            await uow.outbox.enqueue(
                outbox_message(
                    key,
                    MessageKind.NOTICE,
                    rektor.aad_object_id,
                    dict(payload),
                    now,
                    case_id=case.id,
                )
            )
            await uow.commit()
        self._svc.outbox_ready.set()


def _message(
    svc: Services,
    case: Case,
    events: Sequence[CaseEvent],
    entry: ArchiveEntry,
    already: set[str],
) -> ArchiveMessage | None:
    """The entry's message, drawn as it was queued (its PDF dated `generated_at`)."""
    from bot.archive.build import archive_messages

    context = archive_context(svc, entry.generated_at)
    for message in archive_messages(case, events, context, already_sent=already):
        if message.key == entry.key:
            return message
    return None


def archive_context(svc: Services, generated_at: datetime) -> ArchiveContext:
    """Loads fpdf and xmlschema: called where a package is made, off the event loop."""
    from bot.archive.build import ArchiveContext
    from bot.export.documents import Letterhead

    return ArchiveContext(
        Letterhead(
            school_name=svc.school.name,
            name_of=lambda person_id: display_name(svc.directory, person_id),
            generated_at=generated_at,
            zone=svc.school.calendar.zone,
        ),
        svc.school.archive,
    )
