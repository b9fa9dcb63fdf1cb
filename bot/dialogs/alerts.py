"""The buttons on an alert card (Universal Actions): each answers with the card as it is now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.cards.actions import CASE
from bot.dialogs.context import Ctx
from bot.dialogs.turn import InvokeAnswer
from bot.domain.case import NO_ACCESS, Case, CaseEvent
from bot.services.alerts import alert_for
from bot.services.followup import record_refusal
from bot.services.reporting import CaseStep, act_on_case
from bot.services.substitutes import acts_for_rektor


class AlertHandler:
    """One button's handler; `step` None refreshes the card without changing the case."""

    def __init__(self, step: CaseStep | None) -> None:
        self._step = step

    async def step(self, ctx: Ctx) -> CaseStep | None:
        return self._step

    async def __call__(self, ctx: Ctx) -> None:
        case_id = str(ctx.data[CASE])
        outcome = await act_on_case(ctx.svc, case_id, ctx.me, await self.step(ctx))
        if outcome.case is None:
            await record_refusal(ctx.svc, case_id, ctx.me, str(ctx.turn.verb))
            ctx.out.invoke = InvokeAnswer.message(outcome.error or NO_ACCESS)
            return
        card = alert_for(ctx.svc, outcome.case, ctx.me, notice=outcome.error)
        ctx.out.invoke = InvokeAnswer.card(card)


RektorStep = Callable[..., list[CaseEvent]]
"""`Case.mark_serious`, `Case.record_owner_notified`: they take `acting_for_rektor`."""


class RektorAlertHandler(AlertHandler):
    """A button for rektor's side: rektor, the deputy, or a substitute for rektor today."""

    def __init__(self, step: RektorStep) -> None:
        super().__init__(None)
        self._rektor_step = step

    async def step(self, ctx: Ctx) -> CaseStep:
        acting = await acts_for_rektor(ctx.svc, ctx.me, ctx.today)
        method = self._rektor_step

        def run(case: Case, actor: str, now: datetime) -> list[CaseEvent]:
            return method(case, actor, now, acting_for_rektor=acting)

        return run
