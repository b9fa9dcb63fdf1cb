"""The whole case, for the people it is routed to: what was reported, who knows, what was found,
what the school does about it, and how that went (plan 8.3–8.7).

Unlike the alert, this card carries the typed text, so it is only built for someone the case is
routed to. Long texts are shortened to keep the card inside a Teams message; the PDF export
holds everything. The buttons follow the case's state, so the next step of the duty is always
the obvious one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from bot.cards.actions import CASE, LEAVING, MEMBER, VERSION, Verb
from bot.cards.alert import RecipientStatus, urgent_notice
from bot.cards.common import (
    action_set,
    adaptive_card,
    clip,
    detail,
    fit_card,
    format_date,
    format_datetime,
    heading,
    local_date,
    notice,
    rich,
    run,
    section,
    show_card,
    submit,
    text,
    yes_no,
)
from bot.cards.evaluation import evaluation_form
from bot.cards.inputs import STAFF_PICKER_STYLE, choice_input
from bot.domain.case import CaseState
from bot.domain.followup import LEVELS, METHODS, OUTCOMES, ActivityPlan, Evaluation, Investigation
from bot.domain.people import UNKNOWN_NAME

MORE_IN_PDF: Final = " … (se PDF for hele teksten)"


@dataclass(frozen=True)
class _Room:
    """How much of the case fits: the longest typed text, and how many evaluations and older
    plan versions are listed."""

    text: int
    evaluations: int
    older_plans: int


ROOMS: Final = (
    _Room(1500, 10, 10),
    _Room(1000, 10, 10),
    _Room(600, 6, 6),
    _Room(300, 4, 4),
    _Room(150, 3, 3),
    _Room(80, 1, 1),
    _Room(50, 1, 1),
    _Room(40, 1, 0),
)
"""Tried in turn until the card fits; the first fits all but the most extreme cases."""


@dataclass(frozen=True)
class CaseView:
    """Everything the case card shows, with ids already turned into names where it matters.

    `names` maps staff ids to names for the plan's responsible staff, evaluators and whoever
    last updated the investigation.
    """

    case_id: str
    reference: str
    state: CaseState
    state_label: str
    pupil_name: str
    pupil_class: str
    category_label: str
    reported_at: datetime
    reporter_name: str
    description: str
    signs: tuple[str, ...]
    source_label: str
    intervention: str
    urgent: bool
    serious: bool
    owner_notified_text: str | None
    recipients: tuple[RecipientStatus, ...]
    assignee_name: str | None
    member_names: tuple[str, ...]
    investigation: Investigation | None
    plans: tuple[ActivityPlan, ...]
    evaluations: tuple[Evaluation, ...]
    next_evaluation_on: date | None
    names: Mapping[str, str]
    members: tuple[tuple[str, str], ...] = ()
    """(id, name) of the people added to the case: rektor or its leader may take them off."""
    archive_text: str | None = None
    """«Arkivert (mottatt av Websak) 04.12.2026 kl. 10:15», «Sendes til arkivet», …"""
    place: str = ""
    occurred_on: date | None = None
    pupil_informed_label: str = ""
    intervened: bool = False
    staff_suspected: bool = False
    leadership_suspected: bool = False
    next_step: NextStep | None = None
    """What the duty asks for next, shown first; None once the case is closed."""
    about_leadership: bool = False
    """§ 12-5 about the school's leadership: the owner's people handle it."""


@dataclass(frozen=True)
class NextStep:
    """«Start undersøkelsen» by a date: the date is the deadline or the reminder day."""

    label: str
    on: date | None = None
    late: bool = False


# --- pieces ---------------------------------------------------------------------------------


def _clip(value: str, limit: int) -> str:
    return clip(value, limit, MORE_IN_PDF)


def _section(title: str) -> dict[str, Any]:
    return section(title, size="medium")


def _long(label: str, value: str, limit: int) -> list[dict[str, Any]]:
    """A label above typed text; an empty text says so instead of leaving a gap."""
    if not value.strip():
        return [detail(label, "Ikke skrevet")]
    return [
        text(label, bold=True, spacing="medium"),
        rich(run(_clip(value, limit))),
    ]


def _name(view: CaseView, staff_id: str) -> str:
    return view.names.get(staff_id, UNKNOWN_NAME)


def _acknowledged(status: RecipientStatus) -> dict[str, Any]:
    seen = status.acknowledged_at
    return rich(
        run(f"{status.name} ({status.role_label}): ", bold=True),
        {
            "type": "TextRun",
            "text": f"Bekreftet {format_datetime(seen)}" if seen else "Ikke bekreftet ennå",
            "color": "good" if seen else "warning",
        },
    )


# --- sections -------------------------------------------------------------------------------


def _header(view: CaseView, today: date) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [heading(f"Sak {view.reference}")]
    step = view.next_step
    if step is not None:
        when = f" {format_date(step.on)}" if step.on else ""
        late = " (på overtid)" if step.late else ""
        items.append(
            notice(
                [detail("Neste steg", f"{step.label}{when}{late}")],
                style="warning" if step.late else "accent",
                spacing="small",
            )
        )
    items += [
        detail("Status", view.state_label),
        detail("Elev", f"{view.pupil_name}, {view.pupil_class}"),
        detail("Tatt av", view.assignee_name or "Ingen har tatt saken ennå"),
    ]
    if view.serious:
        items.append(detail("Alvorlighet", "Spesielt alvorlig sak"))
    if view.next_evaluation_on is not None:
        late = " (på overtid)" if view.next_evaluation_on < today else ""
        items.append(detail("Neste evaluering", format_date(view.next_evaluation_on) + late))
    if view.urgent:
        items.append(
            urgent_notice(
                about_leadership=view.about_leadership,
                rektor_text="Mistanke om at en ansatt krenker eleven. Rektor varsler skoleeier.",
            )
        )
    if view.state is CaseState.SKOLEEIER:
        items.append(
            notice(
                [text("Saken gjelder skolens ledelse og er sendt til skoleeier.", bold=True)],
                style="attention",
            )
        )
    elif view.state is CaseState.AVSLUTTET:
        items.append(notice([text("Saken er avsluttet.", bold=True)], style="good"))
    return items


def _report(view: CaseView, limit: int) -> list[dict[str, Any]]:
    """Every answer the reporter gave, in the form's order (the PDF holds the same)."""
    not_given = "Ikke oppgitt"
    items: list[dict[str, Any]] = [
        _section("Meldingen"),
        detail("Meldt", format_datetime(view.reported_at)),
        detail("Meldt av", view.reporter_name),
        detail("Gjelder", view.category_label),
    ]
    if view.signs:
        items.append(text("Kjennetegn", bold=True, spacing="medium"))
        items += [rich(run(f"• {sign}"), spacing="none") for sign in view.signs]
    else:
        items.append(detail("Kjennetegn", "Ingen valgt"))
    items += _long("Hva melderen har sett eller hørt", view.description, limit)
    items += [
        detail("Hvor og når", _clip(view.place, limit) if view.place else not_given),
        detail("Dato", format_date(view.occurred_on) if view.occurred_on else not_given),
        detail("Hvordan melderen fikk vite det", view.source_label),
    ]
    if view.intervention:
        items += _long("Hvordan melderen grep inn", view.intervention, limit)
    else:
        items.append(detail("Grep inn", yes_no(view.intervened)))
    items += [
        detail("Vet eleven at rektor får beskjed", view.pupil_informed_label or not_given),
        detail("Mistanke mot en ansatt (§ 12-5)", yes_no(view.staff_suspected or view.urgent)),
        detail("Gjelder skolens ledelse", yes_no(view.leadership_suspected)),
        detail("Spesielt alvorlig", yes_no(view.serious)),
    ]
    return items


def _people(view: CaseView) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [_section("Hvem vet om saken")]
    items += [_acknowledged(status) for status in view.recipients]
    if not view.recipients:
        items.append(text("Ingen mottakere registrert.", subtle=True))
    if view.owner_notified_text:
        items.append(detail("Skoleeier", view.owner_notified_text))
    if view.member_names:
        items.append(detail("Lagt til i saken", ", ".join(view.member_names)))
    if view.archive_text:
        items.append(detail("Arkiv", view.archive_text))
    return items


def _investigation(view: CaseView, limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [_section("Undersøkelsen (plan 8.4)")]
    found = view.investigation
    if found is None:
        waiting = view.state is CaseState.MELDE_FRA
        items.append(
            text(
                "Ikke startet. Skolen skal undersøke snarest."
                if waiting
                else "Ikke dokumentert ennå.",
                subtle=not waiting,
                color="warning" if waiting else None,
            )
        )
        return items
    items += [
        detail("Status", "Ferdig" if found.completed else "Pågår"),
        detail(
            "Sist oppdatert",
            f"{format_datetime(found.updated_at)} av {_name(view, found.updated_by)}",
        ),
    ]
    if found.steps:
        items.append(text("Gjennomført", bold=True, spacing="medium"))
    for step in found.steps:
        inlines = [run(f"{METHODS[step.method]}, {format_date(step.done_on)}", bold=True)]
        if step.note:
            inlines.append(run(f": {_clip(step.note, limit)}"))
        items.append(rich(*inlines))
    if not found.steps:
        items.append(detail("Gjennomført", "Ingen metoder registrert ennå"))
    items += _long("Oppsummering av funn", found.findings, limit)
    items += _long("Barnets beste-vurdering", found.best_interest, limit)
    return items


def _plan(view: CaseView, room: _Room) -> list[dict[str, Any]]:
    limit = room.text
    if not view.plans:
        if view.state is CaseState.UNDERSOKE:
            return [_section("Aktivitetsplan"), text("Ingen aktivitetsplan ennå.", subtle=True)]
        return []
    plan = view.plans[-1]
    items: list[dict[str, Any]] = [
        _section(f"Aktivitetsplan, versjon {plan.version}"),
        detail("Laget", f"{format_datetime(plan.created_at)} av {_name(view, plan.created_by)}"),
    ]
    items += _long("1. Problemet tiltakene skal løse", plan.problem, limit)
    items.append(text("2.–4. Tiltakene", bold=True, spacing="medium"))
    for number, measure in enumerate(plan.measures, start=1):
        items += [
            rich(
                run(f"{number}. {LEVELS[measure.level]}: ", bold=True),
                run(_clip(measure.description, limit)),
                spacing="medium",
            ),
            detail("Når", _clip(measure.when, limit)),
            detail("Ansvarlig", _name(view, measure.responsible_id)),
        ]
    items.append(detail("5. Evalueres", format_date(plan.evaluate_on)))
    items += _long("Elevens syn", plan.pupil_view, limit)
    items += _long("Foresattes syn", plan.parents_view, limit)
    items += _long("Forslag som ikke er fulgt, og hvorfor", plan.not_followed, limit)

    older = view.plans[:-1]
    items.append(text(f"Tidligere versjoner: {len(older)}", bold=True, spacing="medium"))
    shown = list(reversed(older))[: room.older_plans]
    items += [
        rich(
            run(
                f"Versjon {old.version} · {format_date(local_date(old.created_at))} · ", subtle=True
            ),
            run(_clip(old.problem, min(limit, 100))),
            spacing="none",
        )
        for old in shown
    ]
    if len(older) > len(shown):
        items.append(text(f"Og {len(older) - len(shown)} eldre i PDF-en.", subtle=True))
    return items


def _evaluations(view: CaseView, room: _Room) -> list[dict[str, Any]]:
    limit = room.text
    if not view.evaluations:
        return []
    items: list[dict[str, Any]] = [_section("Evalueringer (plan 8.7)")]
    newest = list(reversed(view.evaluations))[: room.evaluations]
    for evaluation in newest:
        items.append(
            rich(
                run(
                    f"{format_datetime(evaluation.at)} · versjon {evaluation.plan_version} · "
                    f"{OUTCOMES[evaluation.outcome]}",
                    bold=True,
                ),
                run(f" · {_name(view, evaluation.by)}", subtle=True),
                spacing="medium",
            )
        )
        items.append(rich(run(_clip(evaluation.note, limit))))
        if evaluation.next_evaluation_on is not None:
            items.append(detail("Neste evaluering", format_date(evaluation.next_evaluation_on)))
    if len(view.evaluations) > len(newest):
        items.append(text(f"Og {len(view.evaluations) - len(newest)} eldre i PDF-en.", subtle=True))
    return items


# --- actions --------------------------------------------------------------------------------


def _next_steps(view: CaseView, default_next_evaluation: date, today: date) -> list[dict[str, Any]]:
    """The next step of the duty; the domain rejects anything stale anyway."""
    data = {CASE: view.case_id}
    next_version = {CASE: view.case_id, VERSION: str(len(view.plans) + 1)}
    if view.state is CaseState.MELDE_FRA:
        return [submit("Start undersøkelse", Verb.INVESTIGATION_FORM, data, style="positive")]
    if view.state is CaseState.UNDERSOKE:
        return [
            submit("Dokumenter undersøkelsen", Verb.INVESTIGATION_FORM, data),
            submit("Lag aktivitetsplan", Verb.PLAN_FORM, next_version, style="positive"),
        ]
    if view.state is CaseState.TILTAK and view.plans:
        form = evaluation_form(
            view.case_id,
            plan_version=view.plans[-1].version,
            default_next=default_next_evaluation,
            today=today,
        )
        return [show_card("Evaluer", form), submit("Juster planen", Verb.PLAN_FORM, next_version)]
    return []


def _add_person(view: CaseView, staff_choices: Sequence[tuple[str, str]]) -> dict[str, Any]:
    picker = choice_input(
        MEMBER,
        "Hvem skal legges til i saken?",
        staff_choices,
        value=None,
        required=True,
        error_message="Velg en person.",
        style=STAFF_PICKER_STYLE,
        placeholder="Velg en ansatt",
    )
    add = submit("Legg til", Verb.ADD_MEMBER, {CASE: view.case_id}, style="positive")
    return show_card(
        "Legg til person",
        [picker, text("Personen får se hele saken.", subtle=True, small=True), action_set(add)],
    )


def _remove_person(view: CaseView) -> dict[str, Any]:
    picker = choice_input(
        LEAVING,
        "Hvem skal ikke lenger være med i saken?",
        list(view.members),
        value=None,
        required=True,
        error_message="Velg en person.",
        style="compact",
        placeholder="Velg en person",
    )
    remove = submit("Fjern", Verb.MEMBER_REMOVE, {CASE: view.case_id}, style="destructive")
    return show_card(
        "Fjern fra saken",
        [
            picker,
            text(
                "Personen mister tilgangen straks; kortene i chatten lukkes.",
                subtle=True,
                small=True,
            ),
            action_set(remove),
        ],
    )


def _archive_and_export(view: CaseView, *, can_archive: bool) -> dict[str, Any]:
    data = {CASE: view.case_id}
    buttons = [
        submit("Eksporter PDF", Verb.EXPORT, data),
        submit("Eksporter sladdet PDF", Verb.EXPORT_REDACTED, data),
        submit("Dokumentasjonspakke (zip)", Verb.ARCHIVE_PACK, data),
    ]
    if can_archive:
        buttons.append(submit("Arkiver nå", Verb.ARCHIVE_NOW, data))
    return show_card(
        "Eksport og arkiv",
        [
            text(
                "Dokumentasjonspakken har alle dokumentene i saken og en oversikt over "
                "delpliktene, slik arkivet og Statsforvalteren får dem.",
                subtle=True,
                small=True,
            ),
            action_set(*buttons),
        ],
    )


def case_card(
    view: CaseView,
    *,
    can_act: bool,
    can_manage: bool,
    can_export: bool,
    staff_choices: Sequence[tuple[str, str]],
    default_next_evaluation: date,
    today: date,
    can_archive: bool = False,
) -> dict[str, Any]:
    """The case as one card; the caller has checked that the viewer may see it.

    `can_act` lets the viewer do the case's next step, `can_manage` add and take off people
    (rektor and the one who took the case), `can_export` download the PDF and the pack,
    `can_archive` (rektor) send it to the archive now. The next step comes first.
    """
    closed = view.state in (CaseState.AVSLUTTET, CaseState.SKOLEEIER)
    actions: list[dict[str, Any]] = []
    if can_act and not closed:
        actions += _next_steps(view, default_next_evaluation, today)
    if can_manage and not closed:
        actions.append(_add_person(view, staff_choices))
    if can_manage and view.members:
        actions.append(_remove_person(view))
    if can_export:
        actions.append(_archive_and_export(view, can_archive=can_archive))

    def build(room: _Room) -> dict[str, Any]:
        body = (
            _header(view, today)
            + _report(view, room.text)
            + _people(view)
            + _investigation(view, room.text)
            + _plan(view, room)
            + _evaluations(view, room)
        )
        return adaptive_card(
            body,
            actions,
            fallback_text=f"Sak {view.reference}. Åpne Trygg skole i Teams.",
            full_width=True,
        )

    return fit_card(build, ROOMS)


def member_added_card(case_id: str, reference: str, added_by: str) -> dict[str, Any]:
    """To the person just brought into a case: no content here, the case card holds it."""
    return adaptive_card(
        [
            heading(f"Du er lagt til i sak {reference}"),
            text(
                f"{added_by} har lagt deg til i saken, så du kan følge den opp "
                "(plan 8.3: nærmeste leder kobler på miljøteamet)."
            ),
        ],
        [submit("Åpne saken", Verb.CASE_OPEN, {CASE: case_id}, style="positive")],
        fallback_text=f"Du er lagt til i sak {reference}.",
    )
