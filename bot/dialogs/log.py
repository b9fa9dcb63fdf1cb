"""Følge med: «logg» notes about a pupil, and the leadership's view of a pupil's log."""

from __future__ import annotations

from bot.cards.actions import PUPIL, VERB
from bot.cards.inputs import sent_back
from bot.cards.log import (
    observation_errors_card,
    observation_form_card,
    observation_saved_text,
    pupil_log_card,
)
from bot.cards.stub import closed_log_card
from bot.dialogs.context import Ctx
from bot.domain.case import AccessDenied
from bot.domain.followup import OBSERVATION_FORM
from bot.services import followup
from bot.services.people import display_name


class LogFlow:
    async def form(self, ctx: Ctx) -> None:
        """Empty, or as it was sent when «Rett opp» brings it back."""
        values, errors = sent_back(OBSERVATION_FORM, ctx.data, today=ctx.today)
        card = observation_form_card(values=values, errors=errors, today=ctx.today)
        ctx.out.card(card, "Logg en observasjon")

    async def save(self, ctx: Ctx) -> None:
        values = {k: v for k, v in ctx.data.items() if k != VERB}
        logged = await followup.record_observation(ctx.svc, ctx.person, values)
        if logged.errors is not None:
            card = observation_errors_card(logged.errors.messages, values)
            ctx.out.card(card, "Rett opp skjemaet", stub=closed_log_card())
            return
        ctx.out.text(observation_saved_text(logged.mine))

    async def view(self, ctx: Ctx) -> None:
        try:
            observations = await followup.pupil_log(ctx.svc, ctx.person, str(ctx.data[PUPIL]))
        except AccessDenied:
            ctx.out.text("Ingen tilgang: bare skolens ledelse kan se en elevs logg.")
            return
        if not observations:
            ctx.out.text("Det finnes ingen observasjoner om eleven.")
            return
        first = observations[0]
        card = pupil_log_card(
            first.pupil_name,
            first.pupil_class,
            observations,
            {o.author_id: display_name(ctx.svc.directory, o.author_id) for o in observations},
        )
        ctx.out.card(card, "Elevens logg", stub=closed_log_card())
