"""When the audit trail does not hold: rektor is told once per break, in Teams."""

from __future__ import annotations

import logging

from bot.services.context import Services
from bot.services.messages import outbox_message, text_activity
from bot.services.ports import MessageKind

log = logging.getLogger(__name__)


async def report_broken_audit(svc: Services, seq: int, problem: str) -> bool:
    """True when rektor was told now; a break already reported is not reported again."""
    rektor = svc.directory.rektor()
    log.error("audit trail of %s broken at event %d: %s", svc.school.id, seq, problem)
    if rektor is None:
        return False
    text = (
        "⚠️ Revisjonssporet i Trygg skole er ikke lenger sammenhengende: hendelse "
        f"{seq} er endret, fjernet eller satt inn utenom boten. Det kan være et avvik "
        "(brudd på personopplysningssikkerheten). Følg avviksrutinen og kontakt IT og "
        "personvernombudet; `python -m bot audit verify` viser bruddet."
    )
    now = svc.clock.now()
    async with svc.uow() as uow:
        queued = await uow.outbox.enqueue(
            outbox_message(
                f"audit-break:{svc.school.id}:{seq}",
                MessageKind.NOTICE,
                rektor.aad_object_id,
                text_activity(text),
                now,
            )
        )
        await uow.commit()
    if queued:
        svc.outbox_ready.set()
    return queued
