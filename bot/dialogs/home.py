"""What the bot says when asked for help or welcomed, and «Mine saker»."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.cards.cases import CaseLine, my_cases_card
from bot.cards.help import Audience, OpenCases, help_card
from bot.dialogs.context import Ctx
from bot.domain.people import Person
from bot.services.cases import my_cases, needs, next_step, open_counts, state_label
from bot.services.ports import Locator


def audience(person: Person) -> Audience:
    """The school's leadership gets the leaders' card; the owner's people keep the plain one
    (they are at no school, and «Mine saker» is on it too)."""
    if person.is_rektor:
        return Audience.REKTOR
    if person.is_leadership:
        return Audience.LEADER
    return Audience.STAFF


class Home:
    def __init__(self, locator: Locator | None = None) -> None:
        self._locator = locator

    async def help(self, ctx: Ctx) -> None:
        ctx.out.card(await self._help(ctx, welcome=False), "Trygg skole")

    async def welcome(self, ctx: Ctx) -> None:
        ctx.out.card(await self._help(ctx, welcome=True), "Trygg skole")

    @staticmethod
    async def _help(ctx: Ctx, *, welcome: bool) -> dict[str, Any]:
        """Rektor and the leaders are told at once how many cases are open and wait for them."""
        who = audience(ctx.person)
        counts = None
        if who is not Audience.STAFF:
            counts = OpenCases(*await open_counts(ctx.svc, ctx.person))
        return help_card(ctx.svc.school.name, welcome=welcome, audience=who, open_cases=counts)

    async def my_cases(self, ctx: Ctx) -> None:
        """Across every school the person is at: the owner's people see the cases routed to
        them from any school, staff at two schools both lists in one."""
        places = ctx.schools if len(ctx.schools) > 1 else (ctx.svc,)
        if len(places) > 1 and self._locator is not None:
            found = await self._locator.schools_of_person(ctx.me)
            places = tuple(svc for svc in places if svc.school.id in found) or (ctx.svc,)
        routed: list[CaseLine] = []
        reported: list[CaseLine] = []
        # The schools are asked at once: on PostgreSQL the owner's list across a municipality
        # is as slow as its slowest school, not the sum of them.
        found_cases = await asyncio.gather(
            *(my_cases(svc, svc.directory.person(ctx.me) or ctx.person) for svc in places)
        )
        for svc, cases in zip(places, found_cases, strict=True):
            school = svc.school.name if len(ctx.schools) > 1 else None
            routed += [
                CaseLine(
                    c.id,
                    c.reference,
                    state_label(c),
                    c.created_at,
                    c.report.pupil_name,
                    needs(c, ctx.me),
                    c.next_evaluation_on,
                    next_step(c),
                    school=school,
                    pupil_class=c.report.pupil_class,
                    category_label=c.report.category_label,
                )
                for c in cases.routed
            ]
            reported += [
                CaseLine(
                    c.id,
                    c.reference,
                    state_label(c),
                    c.created_at,
                    None,
                    school=school,
                    pupil_class=c.report.pupil_class,
                    category_label=c.report.category_label,
                )
                for c in cases.reported
            ]
        newest_first = sorted(routed, key=lambda line: line.reported_at, reverse=True)
        card = my_cases_card(
            newest_first, sorted(reported, key=lambda line: line.reported_at, reverse=True)
        )
        ctx.out.card(card, "Mine saker")

    async def ask(self, ctx: Ctx) -> None:
        ctx.out.text("Skriv spørsmålet ditt om rutinene, f.eks. «hvordan melder jeg fra?».")

    async def nothing_to_cancel(self, ctx: Ctx) -> None:
        ctx.out.text("Det er ingenting å avbryte. Skjemaer som ikke er sendt, lagres ikke.")
