"""«vikar»: rektor sets «Vikar for rektor/leder fra–til» on a card (issue 14)."""

from __future__ import annotations

from bot.cards.actions import VERB
from bot.cards.inputs import sent_back
from bot.cards.substitute import substitute_form_card, substitute_saved_card
from bot.dialogs.context import Ctx
from bot.domain.substitutes import Substitution, substitute_form_for
from bot.services import substitutes
from bot.services.context import Services
from bot.services.people import display_name


def _choices(svc: Services) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    staff = sorted(((p.aad_object_id, p.name) for p in svc.school.staff), key=lambda c: c[1])
    leaders = {p.aad_object_id for p in svc.school.staff if p.is_leadership}
    return [c for c in staff if c[0] in leaders], staff


def _listed(svc: Services, found: list[Substitution]) -> list[tuple[str, str, str]]:
    name = svc.directory
    return [
        (display_name(name, s.absent_id), display_name(name, s.substitute_id), s.period)
        for s in found
    ]


class SubstituteFlow:
    async def form(self, ctx: Ctx) -> None:
        svc = ctx.svc
        if not substitutes.may_set_substitutes(svc, ctx.person):
            ctx.out.text("Bare rektor kan sette vikar for rektor eller en leder.")
            return
        absent, staff = _choices(svc)
        values, errors = sent_back(substitute_form_for(absent, staff), ctx.data, today=ctx.today)
        current = _listed(svc, await substitutes.current_and_coming(svc, ctx.today))
        card = substitute_form_card(
            absent, staff, current, errors=errors, values=values, today=ctx.today
        )
        ctx.out.card(card, "Vikar for rektor eller leder")

    async def save(self, ctx: Ctx) -> None:
        svc = ctx.svc
        absent, staff = _choices(svc)
        spec = substitute_form_for(absent, staff)
        values = {k: v for k, v in ctx.data.items() if k != VERB}
        checked = spec.check(values, today=ctx.today)
        starts, ends = checked.day("starts_on"), checked.day("ends_on")
        problem: str | Substitution
        if checked.errors or starts is None or ends is None:
            problem = next(iter(checked.errors.values()), "Velg fra- og til-dato.")
        else:
            problem = await substitutes.set_substitute(
                svc, ctx.person, checked.text("absent"), checked.text("substitute"), starts, ends
            )
        current = _listed(svc, await substitutes.current_and_coming(svc, ctx.today))
        if isinstance(problem, str):
            errors = dict(checked.errors) or {"ends_on": problem}
            card = substitute_form_card(
                absent, staff, current, errors=errors, values=spec.typed(values), today=ctx.today
            )
            ctx.out.card(card, "Rett opp vikaren")
            return
        card = substitute_saved_card(
            display_name(svc.directory, problem.absent_id),
            display_name(svc.directory, problem.substitute_id),
            problem.period,
            current,
        )
        ctx.out.card(card, "Vikar lagret")
