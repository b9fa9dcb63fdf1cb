"""The report flow: form → review → send.

No dialog stack is kept in memory: the form card carries its draft id and its answers; a checked
report waits in the database as a draft until «Send». So a card pressed after a restart, on
another bot instance, or after the chat moved on still does the right thing: the answers are
not lost, and the draft id makes sure one draft is one case however often it is sent.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import Activity, Attachment

from bot.cards.actions import DRAFT, VERB, Verb
from bot.cards.report import (
    forwarded_to_owner_card,
    receipt_card,
    report_form_card,
    report_summary_card,
)
from bot.domain.people import Person
from bot.domain.report import Field, Report, ReportErrors, parse_report
from bot.services.context import Services
from bot.services.reporting import submit_report

log = logging.getLogger(__name__)

_DRAFT_ID = re.compile(r"^[0-9a-f]{32}$")


def card_message(card: dict[str, Any], summary: str | None = None) -> Activity:
    activity = MessageFactory.attachment(
        Attachment(content_type="application/vnd.microsoft.card.adaptive", content=card)
    )
    if summary:
        activity.summary = summary
    return activity


def _form_values(data: Mapping[str, Any]) -> dict[str, object]:
    """The form's answers from a submit: Action.Submit merges inputs into the action's data."""
    return {key.value: data[key.value] for key in Field if key.value in data}


class ReportFlow:
    def __init__(self, svc: Services) -> None:
        self._svc = svc

    async def start(self, turn_context: TurnContext) -> None:
        card = report_form_card(uuid.uuid4().hex, today=self._today())
        await turn_context.send_activity(card_message(card, "Meld fra om en bekymring"))

    async def handle(
        self, turn_context: TurnContext, person: Person, data: Mapping[str, Any]
    ) -> None:
        verb = data.get(VERB)
        draft = data.get(DRAFT)
        if not isinstance(draft, str) or not _DRAFT_ID.match(draft):
            await turn_context.send_activity(
                "Jeg kjenner ikke igjen dette skjemaet. Skriv «meld fra» for å starte på nytt."
            )
            return
        if verb == Verb.REPORT_CANCEL:
            await self._cancel(turn_context, draft)
            return
        existing = await self._existing(draft)
        if existing is not None:
            await turn_context.send_activity(
                f"Denne meldingen er allerede sendt inn som sak {existing}. "
                "Du trenger ikke sende den på nytt."
            )
            return
        if verb == Verb.REPORT_SUBMIT:
            await self._check(turn_context, person, draft, _form_values(data))
            return
        if verb not in (Verb.REPORT_EDIT, Verb.REPORT_CONFIRM):
            await turn_context.send_activity("Ukjent knapp på skjemaet. Skriv «meld fra».")
            return
        async with self._svc.uow() as uow:
            stored = await uow.drafts.get(draft, person.aad_object_id)
        if stored is None:
            await turn_context.send_activity(
                "Jeg finner ikke svarene til dette skjemaet lenger. Trykk «Se over» på "
                "skjemaet ditt igjen, eller skriv «meld fra» for å starte på nytt."
            )
            return
        if verb == Verb.REPORT_EDIT:
            await self._form(turn_context, draft, stored, None)
            return
        parsed = parse_report(stored, self._today())
        if isinstance(parsed, ReportErrors):
            await self._form(turn_context, draft, stored, parsed.messages)
            return
        await self._send(turn_context, person, draft, parsed)

    async def _check(
        self, turn_context: TurnContext, person: Person, draft: str, values: Mapping[str, object]
    ) -> None:
        parsed = parse_report(values, self._today())
        if isinstance(parsed, ReportErrors):
            log.info("report draft %s has %d field errors", draft, len(parsed.messages))
            await self._form(turn_context, draft, values, parsed.messages)
            return
        async with self._svc.uow() as uow:
            await uow.drafts.save(
                draft, person.aad_object_id, parsed.to_values(), self._svc.clock.now()
            )
            await uow.commit()
        await turn_context.send_activity(
            card_message(report_summary_card(draft, parsed), "Se over meldingen")
        )

    async def _send(
        self, turn_context: TurnContext, person: Person, draft: str, report: Report
    ) -> None:
        outcome = await submit_report(self._svc, person, draft, report)
        case = outcome.case
        async with self._svc.uow() as uow:
            await uow.drafts.delete(draft)
            await uow.commit()
        if not outcome.created:
            await turn_context.send_activity(
                f"Denne meldingen er allerede sendt inn som sak {case.reference}. "
                "Du trenger ikke sende den på nytt."
            )
            return
        if case.forwarded_to_owner:
            card = forwarded_to_owner_card(reference=case.reference, owner=self._svc.school.owner)
        else:
            names = []
            for recipient in case.recipients:
                found = self._svc.directory.person(recipient.person_id)
                names.append(found.name if found else "Rektor")
            card = receipt_card(
                reference=case.reference,
                recipient_names=names,
                reporter_is_rektor=person.is_rektor,
                urgent=case.urgent,
                pupil_informed=report.pupil_informed,
            )
        await turn_context.send_activity(card_message(card, f"Kvittering for sak {case.reference}"))

    async def _form(
        self,
        turn_context: TurnContext,
        draft: str,
        values: Mapping[str, object],
        errors: Mapping[str, str] | None,
    ) -> None:
        text_values = {
            k: v if isinstance(v, str) else str(v) for k, v in values.items() if v is not None
        }
        card = report_form_card(draft, values=text_values, errors=errors, today=self._today())
        await turn_context.send_activity(card_message(card, "Meld fra om en bekymring"))

    async def _cancel(self, turn_context: TurnContext, draft: str) -> None:
        existing = await self._existing(draft)
        if existing is not None:
            await turn_context.send_activity(
                f"Meldingen var allerede sendt inn som sak {existing}, så den står ved lag. "
                "Snakk med nærmeste leder hvis noe er feil."
            )
            return
        async with self._svc.uow() as uow:
            await uow.drafts.delete(draft)
            await uow.commit()
        await turn_context.send_activity(
            "Greit, meldingen ble ikke sendt, og svarene er slettet. Skriv «meld fra» når du "
            "vil starte på nytt."
        )

    async def _existing(self, draft: str) -> str | None:
        async with self._svc.uow() as uow:
            case = await uow.cases.by_submission(draft)
        return case.reference if case else None

    def _today(self) -> Any:
        return self._svc.clock.now().astimezone(self._svc.school.calendar.zone).date()
