"""The parts of a case's documentation, each drawn with the layout primitives.

The order and the headings follow the aktivitetsplan kept in Vigilo/Websak (plan 8.3–8.7): the
report, the investigation, the plan versions, the evaluations and the audit trail. The full case
document puts them all in one file; an archive package gives each its own document.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.case import STATE_LABELS, Case, CaseEvent, CaseState, EventKind
from bot.domain.followup import (
    LEVELS,
    METHODS,
    OUTCOMES,
    ActivityPlan,
    Evaluation,
    Investigation,
    Method,
)
from bot.domain.report import PUPIL_INFORMED, SIGNS, SOURCES
from bot.domain.routing import REASON_LABELS
from bot.export.labels import event_details, event_label, method_label
from bot.export.layout import Writer


def _yes_no(value: bool) -> str:
    return "Ja" if value else "Nei"


def facts(
    writer: Writer, case: Case, school_name: str, *, at: datetime, author_id: str | None
) -> None:
    """Who and what the document is about, at the top of each archived document."""
    report = case.report
    writer.pair("Skole", school_name)
    writer.pair("Sak", case.reference)
    writer.pair("Elev", report.pupil_name)
    writer.pair("Klasse", report.pupil_class)
    writer.pair("Dato", writer.when(at))
    writer.pair("Skrevet av", writer.name(author_id))


def front(writer: Writer, case: Case, school_name: str, plan_name: str) -> None:
    """The case at a glance, at the top of the full case document."""
    report = case.report
    writer.pair("Skole", school_name)
    writer.pair("Etter", f"{plan_name} og opplæringslova kapittel 12")
    writer.pair("Elev", report.pupil_name)
    writer.pair("Klasse", report.pupil_class)
    status = STATE_LABELS.get(case.state, case.state.value)
    if case.urgent:
        status += " – hastesak (§ 12-5)"
    writer.pair("Status", status)
    writer.pair("Meldt", f"{writer.when(case.created_at)} av {writer.name(case.reporter_id)}")
    if case.assignee_id and case.taken_at:
        writer.pair(
            "Ansvarlig leder",
            f"{writer.name(case.assignee_id)} (tok saken {writer.when(case.taken_at)})",
        )
    if case.investigation_started_at:
        writer.pair("Undersøkelse startet", writer.when(case.investigation_started_at))
    plan = case.current_plan
    if plan is not None:
        writer.pair("Gjeldende plan", f"Versjon {plan.version}")
    next_on = case.next_evaluation_on
    if next_on is not None:
        writer.pair("Neste evaluering", writer.day(next_on))
    if case.closed_at:
        writer.pair("Avsluttet", writer.when(case.closed_at))


def report(
    writer: Writer, case: Case, heading: str | None = "1 Melding (delplikt 3 – melde fra)"
) -> None:
    report = case.report
    if heading:
        writer.heading(heading)
    writer.pair("Meldt av", f"{writer.name(case.reporter_id)}, {writer.when(case.created_at)}")
    writer.pair("Gjelder", report.category_label)
    signs = [SIGNS.get(s, s) for s in report.signs]
    writer.block("Kjennetegn", "\n".join(f"• {s}" for s in signs) or "Ingen valgt.", free=False)
    writer.block("Hva som er sett eller hørt", report.description)
    writer.pair("Sted og tidspunkt", writer.free(report.place) or "Ikke oppgitt")
    writer.pair("Dato", writer.day(report.occurred_on) if report.occurred_on else "Ikke oppgitt")
    writer.pair("Kilde", SOURCES.get(report.source, report.source.value))
    writer.pair("Grep inn", _yes_no(report.intervened))
    if report.intervened:
        writer.block("Hvordan det ble grepet inn", report.intervention)
    writer.pair(
        "Eleven informert", PUPIL_INFORMED.get(report.pupil_informed, report.pupil_informed.value)
    )
    writer.pair("Ansatt mistenkt (§ 12-5)", _yes_no(report.staff_suspected))
    writer.pair("Ledelsen mistenkt", _yes_no(report.leadership_suspected))
    writer.pair("Alvorlig tilfelle", _yes_no(report.serious))
    _told(writer, case)
    _owner(writer, case)


def _told(writer: Writer, case: Case) -> None:
    writer.subheading("Hvem fikk beskjed")
    if case.forwarded_to_owner:
        writer.note(
            "Meldingen gjelder skolens ledelse. Ingen på skolen fikk den; melderen "
            "kontakter skoleeier direkte (plan 8.3)."
        )
    elif case.recipients:
        writer.table(
            (40, 25, 35),
            ("Navn", "Rolle", "Bekreftet mottatt"),
            [
                (
                    writer.name(r.person_id),
                    REASON_LABELS.get(r.reason, r.reason.value),
                    writer.when(r.acknowledged_at) if r.acknowledged_at else "Ikke bekreftet",
                )
                for r in case.recipients
            ],
        )
    else:
        writer.note("Ingen mottakere er registrert.")
    if case.assignee_id and case.taken_at:
        writer.pair("Tatt av", f"{writer.name(case.assignee_id)}, {writer.when(case.taken_at)}")
    if case.members:
        writer.pair("Lagt til i saken", ", ".join(writer.name(m) for m in case.members))


def _owner(writer: Writer, case: Case) -> None:
    writer.subheading("Skoleeier")
    if case.forwarded_to_owner:
        writer.pair("Skoleeier", "Saken er sendt direkte til skoleeier.")
    elif case.owner_must_be_notified:
        writer.pair("Skal varsles", "Ja (alvorlig tilfelle eller § 12-5, plan 8.3)")
        if case.owner_notified_at:
            writer.pair(
                "Skoleeier varslet",
                f"{writer.when(case.owner_notified_at)}, registrert av "
                f"{writer.name(case.owner_notified_by)}",
            )
        else:
            writer.pair("Skoleeier varslet", "Ikke registrert")
    else:
        writer.pair("Skal varsles", "Nei")


def investigation(
    writer: Writer, case: Case, heading: str | None = "2 Undersøkelse (delplikt 4)"
) -> None:
    if heading:
        writer.heading(heading)
    if case.investigation_started_at:
        writer.pair("Startet", writer.when(case.investigation_started_at))
    found: Investigation | None = case.investigation
    if found is None:
        writer.note("Ingen undersøkelse er dokumentert ennå.")
        return
    writer.pair("Status", "Avsluttet" if found.completed else "Pågår")
    writer.pair(
        "Sist oppdatert", f"{writer.when(found.updated_at)} av {writer.name(found.updated_by)}"
    )
    writer.subheading("Hvordan saken er undersøkt")
    steps = sorted(found.steps, key=lambda s: s.done_on)
    if steps:
        writer.table(
            (34, 14, 52),
            ("Metode", "Dato", "Notat"),
            [
                (
                    METHODS.get(s.method, str(s.method)),
                    writer.day(s.done_on),
                    writer.free(s.note) or "–",
                )
                for s in steps
            ],
        )
    else:
        writer.note("Ingen metoder er registrert.")
    writer.block("Funn (oppsummering og analyse)", found.findings)
    writer.block("Barnets beste-vurdering (FNs barnekonvensjon art. 3)", found.best_interest)


def plans(writer: Writer, case: Case) -> None:
    writer.heading("3 Aktivitetsplan (delplikt 5)")
    if not case.plans:
        writer.note("Ingen aktivitetsplan er laget ennå.")
        return
    writer.note(
        "Opplæringslova § 12-4 krever at planen viser problemet, tiltakene, når de "
        "gjennomføres, hvem som er ansvarlig og når de evalueres. Nyeste versjon først."
    )
    for found in reversed(case.plans):
        plan(writer, case, found)


def plan_mark(case: Case, plan: ActivityPlan) -> str:
    """«(gjeldende)», «(siste versjon)» or «(erstattet av versjon 3)»."""
    if plan.version == case.plans[-1].version:
        return " (siste versjon)" if case.state is CaseState.AVSLUTTET else " (gjeldende)"
    return f" (erstattet av versjon {plan.version + 1})"


def plan(writer: Writer, case: Case, plan: ActivityPlan, *, marked: bool = True) -> None:
    """One version with the law's five elements (§ 12-4) and the pupil's and parents' views.

    `marked` says whether it is the current version: not in an archived document, which must
    read the same when a later version replaces it.
    """
    writer.subheading(
        f"Versjon {plan.version}, laget {writer.day(plan.created_at)} "
        f"av {writer.name(plan.created_by)}{plan_mark(case, plan) if marked else ''}"
    )
    writer.block("Problemet tiltakene skal løse", plan.problem)
    writer.label("Tiltakene, når de gjennomføres og hvem som er ansvarlig")
    if plan.measures:
        writer.table(
            (16, 44, 20, 20),
            ("Nivå", "Tiltak", "Når", "Ansvarlig"),
            [
                (
                    LEVELS.get(m.level, str(m.level)),
                    writer.free(m.description) or "–",
                    writer.free(m.when) or "–",
                    writer.name(m.responsible_id),
                )
                for m in plan.measures
            ],
        )
    else:
        writer.note("Ingen tiltak er registrert.")
    writer.pair("Evalueres", writer.day(plan.evaluate_on))
    writer.block("Elevens syn", plan.pupil_view)
    writer.block("Foresattes syn", plan.parents_view)
    writer.block("Forslag som ikke er fulgt, og hvorfor", plan.not_followed)


def evaluations(writer: Writer, case: Case) -> None:
    writer.heading("4 Evalueringer")
    if not case.evaluations:
        writer.note("Ingen evalueringer er gjort ennå.")
        return
    for found in case.evaluations:
        evaluation(writer, found)


def evaluation(writer: Writer, evaluation: Evaluation) -> None:
    writer.subheading(
        f"Evaluering av versjon {evaluation.plan_version}, {writer.when(evaluation.at)}"
    )
    writer.pair("Evaluert av", writer.name(evaluation.by))
    writer.pair("Utfall", OUTCOMES.get(evaluation.outcome, str(evaluation.outcome)))
    writer.block("Hva evalueringen viste", evaluation.note)
    if evaluation.next_evaluation_on is not None:
        writer.pair("Neste evaluering", writer.day(evaluation.next_evaluation_on))


def log(writer: Writer, events: Sequence[CaseEvent], *, number: str = "5") -> None:
    writer.heading(f"{number} Logg (revisjonsspor)")
    if not events:
        writer.note("Ingen hendelser er registrert.")
        return
    ordered = sorted(events, key=lambda e: e.at)
    writer.table(
        (22, 30, 22, 34),
        ("Tid", "Hendelse", "Av", "Detaljer"),
        [
            (
                writer.when(e.at),
                event_label(e),
                writer.name(e.actor_id),
                event_details(e, writer.name),
            )
            for e in ordered
        ],
    )


# --- for Statsforvalteren (§ 12-6): the duties step by step, and the pupil's voice ---------------


def _actor(events: Sequence[CaseEvent], kind: EventKind) -> str | None:
    return next((e.actor_id for e in sorted(events, key=lambda e: e.at) if e.kind is kind), None)


def _after(writer: Writer, case: Case, moment: datetime) -> str:
    zone = writer.zone
    days = (moment.astimezone(zone).date() - case.created_at.astimezone(zone).date()).days
    return "samme dag som meldingen" if days == 0 else f"{days} dager etter meldingen"


def duties(writer: Writer, case: Case, events: Sequence[CaseEvent]) -> None:
    """Every sub-duty with its date and who carried it out, as Statsforvalteren asks (§ 12-6)."""
    writer.heading("1 Aktivitetsplikten steg for steg (opplæringslova § 12-4)")
    rows: list[tuple[str, str, str, str]] = []

    def done(duty: str, when: datetime | str, by: str | None, what: str) -> None:
        shown = when if isinstance(when, str) else writer.when(when)
        rows.append((duty, shown, writer.name(by), what))

    report = case.report
    observed = writer.day(report.occurred_on or case.created_at)
    signs = ", ".join(SIGNS.get(s, s).lower() for s in report.signs) or "ingen kjennetegn valgt"
    done("Følge med", observed, case.reporter_id, f"Kjennetegn: {signs}")
    intervened = "Grep inn (se meldingen)" if report.intervened else "Grep ikke inn selv"
    done("Gripe inn", observed, case.reporter_id, intervened)
    told = ", ".join(
        writer.name(r.person_id)
        + (f" (bekreftet {writer.when(r.acknowledged_at)})" if r.acknowledged_at else "")
        for r in case.recipients
    )
    to = "Sendt direkte til skoleeier" if case.forwarded_to_owner else f"Til: {told or '–'}"
    done("Melde fra", case.created_at, case.reporter_id, to)
    if case.owner_notified_at:
        done(
            "Varsle skoleeier",
            case.owner_notified_at,
            case.owner_notified_by,
            "Alvorlig tilfelle eller § 12-5",
        )
    if case.investigation_started_at:
        found = case.investigation
        steps = found.steps if found else ()
        methods = ", ".join(method_label(s.method) for s in steps) or "–"
        state = "avsluttet" if found and found.completed else "pågår"
        done(
            "Undersøke",
            case.investigation_started_at,
            _actor(events, EventKind.INVESTIGATION_STARTED) or case.assignee_id,
            f"Startet {_after(writer, case, case.investigation_started_at)}; "
            f"metoder: {methods}; {state}",
        )
    for p in case.plans:
        what = f"Aktivitetsplan versjon {p.version}, {len(p.measures)} tiltak, "
        done(
            "Sette inn tiltak",
            p.created_at,
            p.created_by,
            what + f"evalueres {writer.day(p.evaluate_on)}",
        )
    for e in case.evaluations:
        outcome = OUTCOMES.get(e.outcome, str(e.outcome)).lower()
        done("Evaluere", e.at, e.by, f"Versjon {e.plan_version}: {outcome}")
    if case.closed_at:
        done("Avslutte", case.closed_at, _actor(events, EventKind.CLOSED), "Saken avsluttet")
    writer.table((18, 20, 20, 42), ("Delplikt", "Dato", "Hvem", "Hva"), rows)
    if case.state is not CaseState.AVSLUTTET:
        writer.note(f"Saken er ikke avsluttet (status: {STATE_LABELS[case.state]}).")


def pupil_voice(writer: Writer, case: Case) -> None:
    """What the pupil said, where the documentation holds it (barnets beste, § 12-4)."""
    writer.heading("2 Elevens stemme")
    report = case.report
    writer.pair(
        "Eleven informert", PUPIL_INFORMED.get(report.pupil_informed, report.pupil_informed.value)
    )
    found = case.investigation
    talks = [s for s in found.steps if s.method is Method.PUPIL_TALK] if found else []
    for step in sorted(talks, key=lambda s: s.done_on):
        writer.block(f"Samtale med eleven {writer.day(step.done_on)}", step.note)
    for found_plan in case.plans:
        writer.block(
            f"Elevens syn, aktivitetsplan versjon {found_plan.version} "
            f"({writer.day(found_plan.created_at)})",
            found_plan.pupil_view,
        )
    if found is not None:
        writer.block("Barnets beste-vurdering", found.best_interest)
    if not talks and not case.plans and found is None:
        writer.note("Elevens syn er ikke dokumentert ennå.")


def documents(writer: Writer, rows: Sequence[tuple[str, str, str]], *, number: str) -> None:
    """The documents of the case, as the archive holds them."""
    writer.heading(f"{number} Dokumenter i saken")
    writer.table((50, 20, 30), ("Dokument", "Dato", "Skrevet av"), rows)
