"""«Statistikk»: rektor gets the own school's exact figures, the school owner every school's
suppressed; nobody else gets figures (a small school's counts can point at a child)."""

from __future__ import annotations

import logging

from bot.cards.stats import stats_card
from bot.dialogs.context import Ctx
from bot.domain.people import Role
from bot.services.context import Services
from bot.services.stats import compute, school_year

log = logging.getLogger(__name__)

NOT_FOR_YOU = (
    "Statistikken er for rektor og skoleeier. Spør rektor hvis du trenger tall for skolen."
)


async def show_stats(ctx: Ctx) -> None:
    every: tuple[Services, ...] = ctx.schools or (ctx.svc,)
    chosen: tuple[Services, ...]
    if Role.SKOLEEIER in ctx.person.roles:
        chosen, shared = every, True
    else:
        chosen = tuple(
            s for s in every if (p := s.directory.person(ctx.me)) is not None and p.is_rektor
        )
        shared = False
    if not chosen:
        ctx.out.text(NOT_FOR_YOU)
        return
    result = await compute(chosen, school_year(ctx.today), shared=shared)
    log.info("stats shown to %s: %d schools, shared=%s", ctx.me, len(chosen), shared)
    ctx.out.card(stats_card(result, shared=shared), "Statistikk")
