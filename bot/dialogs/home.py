"""What the bot says when asked for help or welcomed, and «Mine saker»."""

from __future__ import annotations

from bot.cards.cases import CaseLine, my_cases_card
from bot.cards.help import help_card
from bot.dialogs.context import Ctx
from bot.services.cases import my_cases, needs, next_step, state_label


class Home:
    async def help(self, ctx: Ctx) -> None:
        ctx.out.card(help_card(ctx.svc.school.name), "Trygg skole")

    async def welcome(self, ctx: Ctx) -> None:
        ctx.out.card(help_card(ctx.svc.school.name, welcome=True), "Trygg skole")

    async def my_cases(self, ctx: Ctx) -> None:
        cases = await my_cases(ctx.svc, ctx.person)
        card = my_cases_card(
            [
                CaseLine(
                    c.id,
                    c.reference,
                    state_label(c),
                    c.created_at,
                    c.report.pupil_name,
                    needs(c, ctx.me),
                    c.next_evaluation_on,
                    next_step(c),
                )
                for c in cases.routed
            ],
            [
                CaseLine(c.id, c.reference, state_label(c), c.created_at, None)
                for c in cases.reported
            ],
        )
        ctx.out.card(card, "Mine saker")

    async def ask(self, ctx: Ctx) -> None:
        ctx.out.text("Skriv spørsmålet ditt om rutinene, f.eks. «hvordan melder jeg fra?».")

    async def nothing_to_cancel(self, ctx: Ctx) -> None:
        ctx.out.text("Det er ingenting å avbryte. Skjemaer som ikke er sendt, lagres ikke.")
