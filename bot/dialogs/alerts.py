"""The buttons on an alert card (Universal Actions): each answers with the card as it is now."""

from __future__ import annotations

from bot.cards.actions import CASE
from bot.dialogs.context import Ctx
from bot.dialogs.turn import InvokeAnswer
from bot.domain.case import NO_ACCESS
from bot.services.alerts import alert_for
from bot.services.followup import record_refusal
from bot.services.reporting import CaseStep, act_on_case


class AlertHandler:
    """One button's handler; `step` None refreshes the card without changing the case."""

    def __init__(self, step: CaseStep | None) -> None:
        self._step = step

    async def __call__(self, ctx: Ctx) -> None:
        case_id = str(ctx.data[CASE])
        outcome = await act_on_case(ctx.svc, case_id, ctx.me, self._step)
        if outcome.case is None:
            await record_refusal(ctx.svc, case_id, ctx.me, str(ctx.turn.verb))
            ctx.out.invoke = InvokeAnswer.message(outcome.error or NO_ACCESS)
            return
        card = alert_for(ctx.svc, outcome.case, ctx.me, notice=outcome.error)
        ctx.out.invoke = InvokeAnswer.card(card)
