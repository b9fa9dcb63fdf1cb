"""The report flow: form → review → send.

No dialog stack is kept in memory: the form card carries its draft id and its answers; the
answers wait in the database as a draft until «Send», checked again then. So a card pressed
after a restart, on another bot instance, or after the chat moved on still does the right thing:
the answers are not lost, and the draft id makes sure one draft is one case however often it is
sent. A refused «Se over» keeps the answers in the draft too: the short card naming what to
correct brings the form back with them («Rett opp»).

A draft belongs to the person the form was made for. Its id is in the card, so a colleague who
sees the card (or a forged request) has it too: every step checks the owner first, and anyone
else is told the same thing whatever state the draft is in.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping

from bot.cards.actions import DRAFT, FIX
from bot.cards.report import (
    forwarded_to_owner_card,
    receipt_card,
    report_errors_card,
    report_form_card,
    report_summary_card,
)
from bot.cards.stub import cancelled_card, closed_form_card, sent_card
from bot.dialogs.context import Ctx
from bot.domain.report import REPORT_FORM, Field, ReportErrors, parse_report
from bot.services.people import display_name
from bot.services.reporting import DraftProblem, confirm_draft

log = logging.getLogger(__name__)

FORM_SUMMARY = "Meld fra om en bekymring"
NOT_YOURS = (
    "Dette skjemaet ble laget for en annen ansatt, så jeg kan ikke bruke det for deg. "
    "Skriv «meld fra» for å starte ditt eget."
)
GONE = (
    "Jeg finner ikke svarene til dette skjemaet lenger. Trykk «Se over» på skjemaet ditt "
    "igjen, eller skriv «meld fra» for å starte på nytt."
)


def _form_values(data: Mapping[str, object]) -> dict[str, object]:
    """The form's answers from a submit: Action.Submit merges inputs into the action's data."""
    return {key.value: data[key.value] for key in Field if key.value in data}


def _as_text(values: Mapping[str, object]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else str(v) for k, v in values.items() if v is not None}


def _already_sent(reference: str) -> str:
    return (
        f"Denne meldingen er allerede sendt inn som sak {reference}. "
        "Du trenger ikke sende den på nytt."
    )


class ReportFlow:
    async def start(self, ctx: Ctx) -> None:
        draft = uuid.uuid4().hex
        async with ctx.svc.uow() as uow:
            await uow.drafts.open(draft, ctx.me, ctx.svc.clock.now())
            await uow.commit()
        ctx.out.card(report_form_card(draft, today=ctx.today), FORM_SUMMARY)

    async def _mine(
        self, ctx: Ctx, *, adopt: bool = False
    ) -> tuple[str, dict[str, str] | None] | None:
        """The draft id and its stored answers when it is the presser's to use; otherwise
        answers and returns None.

        `adopt`: a form whose draft is gone (expired, or made before drafts had owners) is
        taken over by whoever checks it first; the form itself still holds the answers.
        """
        draft = str(ctx.data[DRAFT])
        async with ctx.svc.uow() as uow:
            owner = await uow.drafts.owner(draft)
            case = await uow.cases.by_submission(draft)
            if case is not None:
                ctx.out.text(
                    _already_sent(case.reference) if case.reporter_id == ctx.me else NOT_YOURS
                )
                return None
            if owner is None and adopt:
                await uow.drafts.open(draft, ctx.me, ctx.svc.clock.now())
                await uow.commit()
                return draft, {}
            stored = await uow.drafts.get(draft, ctx.me) if owner == ctx.me else None
        if owner is None:
            ctx.out.text(GONE)
            return None
        if owner != ctx.me:
            log.warning("draft %s: refused for %s (not the owner)", draft, ctx.me)
            ctx.out.text(NOT_YOURS)
            return None
        return draft, stored

    async def review(self, ctx: Ctx) -> None:
        """«Se over»: checks the form; a checked report is kept as the draft until «Send»."""
        mine = await self._mine(ctx, adopt=True)
        if mine is None:
            return
        draft = mine[0]
        values = _form_values(ctx.data)
        parsed = parse_report(values, ctx.today)
        kept = _as_text(values) if isinstance(parsed, ReportErrors) else parsed.to_values()
        async with ctx.svc.uow() as uow:
            await uow.drafts.save(draft, ctx.me, kept, ctx.svc.clock.now())
            await uow.commit()
        if isinstance(parsed, ReportErrors):
            log.info("report draft %s has %d field errors", draft, len(parsed.messages))
            ctx.out.card(
                report_errors_card(draft, parsed.messages),
                "Rett opp meldingen",
                stub=closed_form_card(draft),
            )
            return
        ctx.out.card(
            report_summary_card(draft, parsed), "Se over meldingen", stub=closed_form_card(draft)
        )

    async def edit(self, ctx: Ctx) -> None:
        mine = await self._mine(ctx)
        if mine is None:
            return
        draft, stored = mine
        values = stored or {}
        errors = REPORT_FORM.check(values, today=ctx.today).errors if ctx.data.get(FIX) else None
        card = report_form_card(draft, values=values, errors=errors or None, today=ctx.today)
        ctx.out.card(card, FORM_SUMMARY, stub=closed_form_card(draft))

    async def confirm(self, ctx: Ctx) -> None:
        """«Send til rektor»: the case is saved (and the alerts queued) before the receipt."""
        svc = ctx.svc
        draft = str(ctx.data[DRAFT])
        confirmed = await confirm_draft(svc, ctx.person, draft)
        if confirmed.problem is not None:
            if confirmed.problem is DraftProblem.NOT_YOURS:
                log.warning("draft %s: refused for %s (not the owner)", draft, ctx.me)
            ctx.out.text(NOT_YOURS if confirmed.problem is DraftProblem.NOT_YOURS else GONE)
            return
        if confirmed.errors is not None:
            card = report_errors_card(draft, confirmed.errors.messages)
            ctx.out.card(card, "Rett opp meldingen", stub=closed_form_card(draft))
            return
        case = confirmed.case
        assert case is not None
        if not confirmed.created:
            ctx.out.text(_already_sent(case.reference))
            return
        if case.forwarded_to_owner:
            card = forwarded_to_owner_card(
                reference=case.reference, owner=svc.school.owner, sent=bool(case.recipients)
            )
        else:
            card = receipt_card(
                reference=case.reference,
                recipient_names=[
                    display_name(svc.directory, r.person_id, "Rektor") for r in case.recipients
                ],
                reporter_is_rektor=ctx.person.is_rektor,
                urgent=case.urgent,
                pupil_informed=case.report.pupil_informed,
            )
        if ctx.turn.reply_to_id:
            # The review card showed everything the teacher wrote: it says only «Sendt» now,
            # and its pending stub (which offered to go on with the draft) says so too.
            sent = sent_card(case.reference)
            ctx.out.update(ctx.turn.reply_to_id, sent, stub=sent)
        ctx.out.card(card, f"Kvittering for sak {case.reference}")

    async def cancel(self, ctx: Ctx) -> None:
        mine = await self._mine(ctx)
        if mine is None:
            return
        async with ctx.svc.uow() as uow:
            await uow.drafts.delete(mine[0], ctx.me)
            await uow.commit()
        if ctx.turn.reply_to_id:
            ctx.out.update(ctx.turn.reply_to_id, cancelled_card(), stub=cancelled_card())
        else:
            ctx.out.text(
                "Avbrutt – ingenting er lagret. Skriv «meld fra» når du vil starte på nytt."
            )
