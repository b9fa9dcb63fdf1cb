"""Sample data and every variant of every card, shared by the card tests and the routing test."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from bot.cards.alert import AlertView, RecipientStatus, alert_card
from bot.cards.answer import answer_card, section_card, unsure_card
from bot.cards.archive import archive_rejected_card, archive_written_card
from bot.cards.case import CaseView, case_card, member_added_card
from bot.cards.cases import CaseLine, my_cases_card
from bot.cards.conclusion import conclusion_errors_card, conclusion_form_card
from bot.cards.evaluation import evaluation_errors_card
from bot.cards.export import export_link_card
from bot.cards.followup import (
    evaluation_card,
    evaluation_overdue_rektor_card,
    evaluation_reminder_card,
    investigation_reminder_card,
    plan_reminder_card,
)
from bot.cards.help import Audience, OpenCases, help_card
from bot.cards.investigation import investigation_errors_card, investigation_form_card
from bot.cards.log import (
    observation_errors_card,
    observation_form_card,
    pupil_log_card,
    suggest_report_card,
)
from bot.cards.plan import plan_errors_card, plan_form_card
from bot.cards.report import (
    forwarded_to_owner_card,
    receipt_card,
    report_errors_card,
    report_form_card,
    report_summary_card,
)
from bot.cards.stats import stats_card
from bot.cards.stub import (
    cancelled_card,
    closed_case_card,
    closed_form_card,
    closed_log_card,
    sent_card,
)
from bot.cards.substitute import substitute_form_card, substitute_saved_card
from bot.config import load_school
from bot.domain import followup
from bot.domain.case import STATE_LABELS, CaseState
from bot.domain.report import MAX_CLASS, MAX_NAME, MAX_SHORT, MAX_TEXT, SIGNS, PupilInformed, Report
from bot.domain.school import SchoolOwner
from bot.services.ports import CaseFacts
from bot.services.stats import SchoolFacts, school_year
from bot.services.stats import report as stats_report
from tests.conftest import LEADER_9 as LEADER_ID
from tests.conftest import REKTOR as REKTOR_ID
from tests.conftest import TEACHER_9 as TEACHER_ID
from tests.samples import report as form_report
from tests.schools import TEST_SCHOOL_CONFIG

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
DRAFT_ID = "draft-7f3a"
CASE_ID = "case-42"
REFERENCE = "2026-0042"
STAFF: tuple[tuple[str, str], ...] = (
    (LEADER_ID, "Lars Leder"),
    (TEACHER_ID, "Tone Lærer"),
    ("aad-miljo", "Mia Miljøarbeider"),
)
NAMES = dict(STAFF)
AUTHORS = {"aad-kari": "Kari Lærer", "aad-tone": "Tone Lærer"}

PUPIL_NAME = "Ola Nordmann"
DESCRIPTION = "Ola satt alene hele storefri og ble kalt stygge ting ved sykkelstativet."
INTERVENTION = "Jeg gikk bort og snakket med elevene som var der."
SNEAKY = "[klikk her](https://example.invalid) **fet**"
"""Markdown a person might type: it must never render as a link."""

OWNER = SchoolOwner(
    name="Utdanningsetaten (UDA)",
    phone="23 05 10 09",
    contact_name="Grunnskoledirektør Morten Relbo",
    contact_phone="958 28 860",
)
OWNER_WITHOUT_CONTACT = SchoolOwner(name="Utdanningsetaten (UDA)", phone="23 05 10 09")

REPORTED_AT = datetime(2026, 11, 26, 8, 15, tzinfo=UTC)  # 09:15 in Oslo (winter time)
ACKED_AT = datetime(2026, 11, 26, 8, 20, tzinfo=UTC)  # 09:20 in Oslo


def filled(limit: int) -> str:
    """Norwegian text at its limit: æ, ø and å are escaped to six bytes each in JSON."""
    sentence = "På skolegården så jeg at elevene ærtet og dyttet. "
    return (sentence * (limit // len(sentence) + 1))[:limit]


def many_staff(count: int) -> tuple[tuple[str, str], ...]:
    """Staff with real-looking Entra object ids, the worst case for a card's size."""
    return tuple(
        (f"{i:08d}-8f2c-4d3e-9a1b-2c3d4e5f6a7b", f"Ansatt Østbø-Ærlandsen {i}")
        for i in range(count)
    )


# --- the report -------------------------------------------------------------------------------


def report(**changes: Any) -> Report:
    base = form_report(
        category="krenkelser",
        description=DESCRIPTION,
        place="Sykkelstativet, storefri",
        intervention=INTERVENTION,
        pupil_informed=PupilInformed.NOT_YET,
    )
    return replace(base, **changes)


def longest_report() -> Report:
    """Every text at its limit, with Norwegian letters."""
    return report(
        pupil_name=filled(MAX_NAME),
        pupil_class=filled(MAX_CLASS),
        description=filled(MAX_TEXT),
        place=filled(MAX_SHORT),
        intervention=filled(MAX_TEXT),
        signs=tuple(SIGNS),
        staff_suspected=True,
        serious=True,
    )


# --- the alert --------------------------------------------------------------------------------


def recipients(
    *, rektor_acked: bool = False, leader_acked: bool = False
) -> tuple[RecipientStatus, ...]:
    return (
        RecipientStatus("Rita Rektor", "Rektor", ACKED_AT if rektor_acked else None),
        RecipientStatus("Lars Leder", "Nærmeste leder", ACKED_AT if leader_acked else None),
    )


RECIPIENT_IDS = (REKTOR_ID, LEADER_ID)


SEEN_BY_BOTH: dict[str, Any] = {
    "case_id": CASE_ID,
    "reference": REFERENCE,
    "pupil_name": PUPIL_NAME,
    "pupil_class": "9B",
    "category_label": "Krenkelser eller mobbing",
    "reported_at": REPORTED_AT,
    "reporter_name": "Kari Lærer",
}
"""What the alert and the case card both show of the same case."""


def view(**changes: Any) -> AlertView:
    base = AlertView(
        **SEEN_BY_BOTH,
        urgent=False,
        serious=False,
        owner_must_be_notified=False,
        owner_name=OWNER.name,
        owner_phone=OWNER.phone,
        owner_notified_at=None,
        owner_notified_by=None,
        assignee_name=None,
        state_label="Meldt fra",
        recipients=recipients(),
    )
    return replace(base, **changes)


def alert(alert_view: AlertView | None = None, *, viewer_id: str = REKTOR_ID) -> dict[str, Any]:
    return alert_card(
        alert_view or view(),
        viewer_is_rektor=viewer_id == REKTOR_ID,
        viewer_id=viewer_id,
        recipient_ids=RECIPIENT_IDS,
    )


# --- the follow-up ----------------------------------------------------------------------------


def investigation(**changes: Any) -> followup.Investigation:
    base = followup.Investigation(
        steps=(
            followup.InvestigationStep(
                followup.Method.PUPIL_TALK, date(2026, 11, 27), "Ola sier han gruer seg."
            ),
            followup.InvestigationStep(followup.Method.PARENTS, date(2026, 11, 30), ""),
        ),
        findings="Ola står ofte alene i friminuttene.",
        best_interest="Det er til Olas beste at voksne er tett på i friminuttene.",
        completed=True,
        updated_at=NOW,
        updated_by=LEADER_ID,
    )
    return replace(base, **changes)


def longest_investigation() -> followup.Investigation:
    return investigation(
        steps=tuple(
            followup.InvestigationStep(m, date(2026, 11, 20), filled(followup.MAX_NOTE))
            for m in followup.Method
        ),
        findings=filled(4000),
        best_interest=filled(4000),
    )


def plan(version: int = 1, **changes: Any) -> followup.ActivityPlan:
    base = followup.ActivityPlan(
        version=version,
        problem="Ola blir holdt utenfor i friminuttene.",
        measures=(
            followup.Measure(
                followup.Level.INDIVIDUAL,
                "Voksen følger Ola i storefri.",
                "Fra 1.12, hvert friminutt",
                LEADER_ID,
                date(2027, 1, 15),
            ),
            followup.Measure(
                followup.Level.CLASS,
                "Klassemøte om inkludering.",
                "Hver fredag",
                TEACHER_ID,
                date(2026, 12, 18),
            ),
        ),
        evaluate_on=date(2026, 12, 21),
        pupil_view="Ola vil gjerne ha en voksen i nærheten.",
        parents_view="Foresatte ønsker ukentlig kontakt.",
        not_followed="Bytte klasse: ikke fulgt, det løser ikke problemet.",
        created_at=NOW,
        created_by=LEADER_ID,
    )
    return replace(base, **changes)


def longest_plan(version: int = 1, responsible: str = LEADER_ID) -> followup.ActivityPlan:
    """Every text at what the form allows (the form asks for less than the parser accepts)."""
    return plan(
        version,
        problem=filled(followup.PROBLEM_MAX),
        measures=tuple(
            followup.Measure(
                followup.Level.SCHOOL,
                filled(followup.MEASURE_MAX),
                filled(followup.WHEN_MAX),
                responsible,
                date(2027, 1, 15),
            )
            for _ in range(followup.MEASURE_ROWS)
        ),
        pupil_view=filled(followup.VIEW_MAX),
        parents_view=filled(followup.VIEW_MAX),
        not_followed=filled(followup.VIEW_MAX),
    )


def evaluation(**changes: Any) -> followup.Evaluation:
    base = followup.Evaluation(
        plan_version=1,
        outcome=followup.Outcome.CONTINUE,
        note="Ola sier det har blitt litt bedre.",
        at=NOW,
        by=LEADER_ID,
        next_evaluation_on=date(2027, 1, 11),
    )
    return replace(base, **changes)


def case_view(state: CaseState = CaseState.MELDE_FRA, **changes: Any) -> CaseView:
    """A case in `state`, with the documentation that state has."""
    followup: dict[str, Any] = {}
    if state in (CaseState.UNDERSOKE, CaseState.TILTAK, CaseState.AVSLUTTET):
        followup["investigation"] = investigation()
    if state in (CaseState.TILTAK, CaseState.AVSLUTTET):
        followup["plans"] = (plan(1, problem="Første versjon av problemet."), plan(2))
        followup["evaluations"] = (evaluation(),)
        followup["next_evaluation_on"] = date(2026, 12, 21) if state is CaseState.TILTAK else None
    base = CaseView(
        **SEEN_BY_BOTH,
        state=state,
        state_label=STATE_LABELS[state],
        description=DESCRIPTION,
        signs=(SIGNS["kvier_seg"], SIGNS["relasjoner"]),
        source_label="Jeg har selv sett eller hørt det",
        intervention=INTERVENTION,
        place="Skolegården, storefri",
        occurred_on=date(2026, 11, 25),
        pupil_informed_label="Ja, eleven vet at rektor får beskjed",
        urgent=False,
        serious=False,
        owner_notified_text=None,
        recipients=(
            RecipientStatus("Rita Rektor", "Rektor", ACKED_AT),
            RecipientStatus("Lars Leder", "Nærmeste leder", None),
        ),
        assignee_name="Lars Leder",
        member_names=(),
        investigation=None,
        plans=(),
        evaluations=(),
        next_evaluation_on=None,
        names=NAMES,
    )
    return replace(base, **{**followup, **changes})


def observation(
    day: int, note: str = "Satt alene i storefri.", **changes: Any
) -> followup.Observation:
    fields: dict[str, Any] = {
        "id": f"obs-{day}",
        "pupil_key": followup.pupil_key(PUPIL_NAME, "9B"),
        "pupil_name": PUPIL_NAME,
        "pupil_class": "9B",
        "observed_on": date(2026, 11, day),
        "note": note,
        "author_id": "aad-kari",
        "created_at": datetime(2026, 11, day, 12, 0, tzinfo=UTC),
    }
    fields.update(changes)
    return followup.Observation(**fields)


# --- every variant ----------------------------------------------------------------------------

FIELD_ERRORS = {"pupil_name": "Fyll inn elevens navn.", "form": "Skjemaet er ufullstendig."}


def _report_cards() -> dict[str, dict[str, Any]]:
    values = report().to_values()
    return {
        "form-empty": report_form_card(DRAFT_ID, today=TODAY),
        "form-values": report_form_card(DRAFT_ID, values=values, today=TODAY),
        "form-errors": report_form_card(DRAFT_ID, values=values, errors=FIELD_ERRORS, today=TODAY),
        "form-longest": report_form_card(
            DRAFT_ID, values=longest_report().to_values(), errors=FIELD_ERRORS, today=TODAY
        ),
        "fix-report": report_errors_card(DRAFT_ID, FIELD_ERRORS),
        "summary": report_summary_card(DRAFT_ID, report()),
        "summary-minimal": report_summary_card(
            DRAFT_ID,
            report(signs=(), place="", occurred_on=None, intervened=False, intervention=""),
        ),
        "summary-staff": report_summary_card(DRAFT_ID, report(staff_suspected=True)),
        "summary-leadership": report_summary_card(
            DRAFT_ID, report(staff_suspected=True, leadership_suspected=True)
        ),
        "summary-longest": report_summary_card(DRAFT_ID, longest_report()),
        **{
            f"receipt-{name}": receipt_card(
                reference=REFERENCE,
                recipient_names=names,
                reporter_is_rektor=rektor,
                urgent=urgent,
                pupil_informed=informed,
            )
            for name, names, rektor, urgent, informed in (
                ("plain", ("Rita Rektor", "Lars Leder"), False, False, PupilInformed.NOT_YET),
                ("urgent", ("Rita Rektor", "Lars Leder"), False, True, PupilInformed.YES),
                ("rektor", ("Rita Rektor",), True, True, PupilInformed.NO),
                ("nobody", (), False, False, PupilInformed.YES),
            )
        },
        "owner": forwarded_to_owner_card(reference=REFERENCE, owner=OWNER, sent=False),
        "owner-sent": forwarded_to_owner_card(reference=REFERENCE, owner=OWNER, sent=True),
        "owner-no-contact": forwarded_to_owner_card(
            reference=REFERENCE, owner=OWNER_WITHOUT_CONTACT, sent=False
        ),
    }


def _alert_cards() -> dict[str, dict[str, Any]]:
    urgent = {"urgent": True, "serious": True, "owner_must_be_notified": True}
    return {
        "alert-rektor": alert(),
        "alert-leader": alert(viewer_id=LEADER_ID),
        "alert-urgent-rektor": alert(view(**urgent)),
        "alert-urgent-leader": alert(view(**urgent), viewer_id=LEADER_ID),
        "alert-owner-notified": alert(
            view(
                **urgent,
                owner_notified_at=ACKED_AT,
                owner_notified_by="Rita Rektor",
                recipients=recipients(rektor_acked=True),
            )
        ),
        "alert-serious": alert(view(serious=True, owner_must_be_notified=True)),
        "alert-owner-in-teams": alert(view(**urgent, owner_in_teams=True)),
        "alert-about-leadership": alert(
            view(urgent=True, about_leadership=True, recipients=recipients())
        ),
        "alert-taken": alert(
            view(assignee_name="Lars Leder", recipients=recipients(leader_acked=True)),
            viewer_id=LEADER_ID,
        ),
        "alert-investigating": alert(
            view(
                assignee_name="Lars Leder",
                state_label="Undersøkes",
                recipients=recipients(rektor_acked=True, leader_acked=True),
            )
        ),
        "alert-escalated": alert(view(escalated=True)),
    }


def _followup_cards() -> dict[str, dict[str, Any]]:
    chosen = {"methods": "samtale_elev,foresatte", "samtale_elev_date": "2026-11-25"}
    errors = {"foresatte_date": "Skriv når: samtale med foresatte.", "form": "Noe mangler."}
    plan_errors = {"m1_when": "Skriv når tiltak 1 skal gjennomføres.", "form": "Noe mangler."}
    plan_form: dict[str, Any] = {
        "version": 2,
        "staff_choices": STAFF,
        "default_evaluate_on": date(2026, 12, 21),
        "today": TODAY,
    }
    return {
        "investigation-empty": investigation_form_card(
            CASE_ID, REFERENCE, current=None, today=TODAY
        ),
        "investigation-current": investigation_form_card(
            CASE_ID, REFERENCE, current=investigation(), today=TODAY
        ),
        "investigation-chosen": investigation_form_card(
            CASE_ID, REFERENCE, current=None, values=chosen, errors=errors, today=TODAY
        ),
        "investigation-longest": investigation_form_card(
            CASE_ID, REFERENCE, current=longest_investigation(), today=TODAY
        ),
        "fix-investigation": investigation_errors_card(CASE_ID, errors, chosen),
        "plan-new": plan_form_card(CASE_ID, REFERENCE, previous=None, **plan_form),
        "plan-adjust": plan_form_card(CASE_ID, REFERENCE, previous=plan(1), **plan_form),
        "plan-longest": plan_form_card(
            CASE_ID,
            REFERENCE,
            previous=longest_plan(responsible=LEADER_ID),
            errors=plan_errors,
            **plan_form,
        ),
        "fix-plan": plan_errors_card(CASE_ID, 2, plan_errors, {"problem": "Ola er alene."}),
        "fix-plan-one-field": plan_errors_card(
            CASE_ID,
            2,
            {"m1_ends_on": "Velg når tiltak 1 slutter (tiltak er tidsavgrenset)."},
            {"problem": "Ola er alene.", "m1_description": "Voksen i storefri"},
        ),
        "evaluation": evaluation_card(
            CASE_ID,
            REFERENCE,
            PUPIL_NAME,
            plan(2),
            due_on=TODAY,
            overdue_days=0,
            default_next=date(2026, 12, 17),
            names=NAMES,
            today=TODAY,
        ),
        "fix-evaluation": evaluation_errors_card(
            CASE_ID,
            plan_version=2,
            default_next=date(2026, 12, 17),
            errors={"note": "Skriv kort hva evalueringen viste."},
            values={"outcome": "avslutte"},
            today=TODAY,
        ),
        **{
            f"reminder-evaluation-{name}": evaluation_reminder_card(
                CASE_ID, REFERENCE, PUPIL_NAME, due_on=TODAY, overdue_days=overdue
            )
            for name, overdue in (("due", 0), ("overdue", 3))
        },
        "reminder-evaluation-rektor": evaluation_overdue_rektor_card(
            CASE_ID, REFERENCE, PUPIL_NAME, TODAY, 4, ["Lars Leder"]
        ),
        **{
            f"reminder-investigation-{who}": investigation_reminder_card(
                CASE_ID, REFERENCE, PUPIL_NAME, REPORTED_AT, school_days=2, to_rektor=rektor
            )
            for who, rektor in (("leader", False), ("rektor", True))
        },
        **{
            f"reminder-plan-{who}": plan_reminder_card(
                CASE_ID, REFERENCE, PUPIL_NAME, REPORTED_AT, school_days=5, to_rektor=rektor
            )
            for who, rektor in (("leader", False), ("rektor", True))
        },
        "fix-evaluation-rektor": evaluation_errors_card(
            CASE_ID,
            plan_version=2,
            default_next=date(2026, 12, 17),
            errors={"override_reason": "Planen kan avsluttes etter at den er evaluert."},
            values={"outcome": "avslutte", "note": "Bra nå."},
            today=TODAY,
            can_override=True,
        ),
        "conclusion-empty": conclusion_form_card(CASE_ID, REFERENCE, today=TODAY),
        "conclusion-errors": conclusion_form_card(
            CASE_ID,
            REFERENCE,
            errors={"pupil_view": "Skriv elevens syn, eller velg hvorfor det mangler."},
            values={"conclusion": "Trygt og godt."},
            today=TODAY,
        ),
        "fix-conclusion": conclusion_errors_card(
            CASE_ID, {"conclusion": "Skriv konklusjonen."}, {"pupil_view": "Har det fint."}
        ),
        "substitute-form": substitute_form_card(
            [(LEADER_ID, "Lars Leder")],
            STAFF,
            [("Rita Rektor", "Lars Leder", "01.12.2026–11.12.2026")],
            today=TODAY,
        ),
        "substitute-empty": substitute_form_card(
            [(LEADER_ID, "Lars Leder")],
            STAFF,
            [],
            errors={"ends_on": "Perioden er allerede over."},
            values={"absent": LEADER_ID},
            today=TODAY,
        ),
        "substitute-saved": substitute_saved_card(
            "Rita Rektor",
            "Lars Leder",
            "01.12.2026–11.12.2026",
            [("Rita Rektor", "Lars Leder", "01.12.2026–11.12.2026")],
        ),
    }


def case(
    view: CaseView | None = None,
    *,
    can_act: bool = True,
    can_manage: bool = False,
    can_export: bool = False,
    staff_choices: tuple[tuple[str, str], ...] = STAFF,
    can_archive: bool = False,
) -> dict[str, Any]:
    """The case card as `view` shows it, for a viewer allowed what the flags say."""
    return case_card(
        view or case_view(),
        can_act=can_act,
        can_manage=can_manage,
        can_export=can_export,
        staff_choices=staff_choices,
        default_next_evaluation=date(2026, 12, 17),
        today=TODAY,
        can_archive=can_archive,
    )


def _case_cards() -> dict[str, dict[str, Any]]:
    cards = {
        f"case-{state.value}-{'all' if allowed else 'none'}": case(
            case_view(state), can_act=allowed, can_manage=allowed, can_export=allowed
        )
        for state in CaseState
        for allowed in (True, False)
    }
    cards["case-rektor-members-archive"] = case(
        replace(case_view(CaseState.TILTAK), members=(("aad-miljo", "Miljø Mia"),),
                member_names=("Miljø Mia",), archive_text="Sendes til arkivet (1 av 3 "
                "dokumenter mottatt)"),
        can_act=True, can_manage=True, can_export=True, can_archive=True)
    cards["case-member-added"] = member_added_card(CASE_ID, REFERENCE, "Rita Rektor")
    cards["archive-rejected"] = archive_rejected_card(
        CASE_ID, REFERENCE, "Ugyldig klassifikasjon: K-kode «B31» finnes ikke.")
    cards["archive-written"] = archive_written_card(CASE_ID, REFERENCE, 3)
    cards["export-pack"] = export_link_card(
        REFERENCE, "https://trygg.example.no/export/abc", redacted=False, expires_minutes=10,
        pack=True)
    line = CaseLine(CASE_ID, REFERENCE, "Undersøkes", REPORTED_AT, PUPIL_NAME, True)
    cards["cases-mine"] = my_cases_card([line], [replace(line, pupil=None)])
    cards["cases-empty"] = my_cases_card([], [])
    for redacted in (False, True):
        cards[f"export-{redacted}"] = export_link_card(
            REFERENCE, "https://trygg.example.no/export/abc", redacted=redacted, expires_minutes=10
        )
    return cards


def _log_cards() -> dict[str, dict[str, Any]]:
    values = {"pupil_name": PUPIL_NAME, "pupil_class": "", "note": ""}
    errors = {"pupil_class": "Fyll inn klasse.", "note": "Skriv kort hva du observerte."}
    notes = [observation(day) for day in (3, 10, 20)]
    return {
        "log-form": observation_form_card(today=TODAY),
        "log-form-errors": observation_form_card(values=values, errors=errors, today=TODAY),
        "fix-log": observation_errors_card(errors, values),
        "log-view": pupil_log_card(PUPIL_NAME, "9B", notes, AUTHORS),
        "log-view-empty": pupil_log_card(PUPIL_NAME, "9B", [], {}),
        "log-suggest": suggest_report_card(
            PUPIL_NAME, "9B", followup.pupil_key(PUPIL_NAME, "9B"), 3
        ),
    }


def _answer_cards() -> dict[str, dict[str, Any]]:
    section = {
        "citation": "Skolemiljøplanen 8.3 Melde fra",
        "section_title": "8.3 Melde fra",
        "section_text": "Alle som jobber på skolen skal melde fra til rektor.",
    }
    cards = {
        f"answer-{action}": answer_card(summary="Meld fra til rektor.", action=action, **section)
        for action in ("start_report", "my_cases", None)
    }
    cards["answer-section"] = section_card(action="start_report", **section)
    cards["answer-unsure"] = unsure_card(
        message="Jeg er ikke sikker.",
        ask_name="Avdelingsleder Berit",
        closest=[("8.4", "Skolemiljøplanen 8.4 Undersøke")],
    )
    return cards


def stats_result(schools: int, *, shared: bool) -> dict[str, Any]:
    """The figures of `schools` schools, the first with seven cases, the others with two."""
    base = load_school(TEST_SCHOOL_CONFIG)

    def facts(count: int) -> list[CaseFacts]:
        return [
            CaseFacts(
                case_id=f"c{n}", reported_at=REPORTED_AT, category="vold" if n else "annet",
                state="undersoke", section_12_5=n == 1, leadership=False, serious=False,
                routed=True, acknowledged_at=ACKED_AT, rektor_acknowledged_at=ACKED_AT,
                investigation_started_at=ACKED_AT, closed_at=None,
            )
            for n in range(count)
        ]

    every = [
        SchoolFacts(replace(base, id=f"skole-{n}", name=f"Skole nummer {n}"),
                    facts(7 if n == 0 else 2), NOW)
        for n in range(schools)
    ]
    return stats_report(every, school_year(TODAY), shared=shared)


def _stats_cards() -> dict[str, dict[str, Any]]:
    return {
        "stats-rektor": stats_card(stats_result(1, shared=False), shared=False),
        "stats-owner": stats_card(stats_result(3, shared=True), shared=True),
        "stats-owner-many": stats_card(stats_result(200, shared=True), shared=True),
    }


def all_cards() -> dict[str, dict[str, Any]]:
    """Every variant of every card the bot builds, by kind (the name up to the first dash)."""
    return {
        "help-plain": help_card("Tøyen skole"),
        "help-welcome": help_card("Tøyen skole", welcome=True),
        "help-rektor": help_card(
            "Tøyen skole", audience=Audience.REKTOR, open_cases=OpenCases(4, 2)
        ),
        "help-welcome-leader": help_card(
            "Tøyen skole", welcome=True, audience=Audience.LEADER, open_cases=OpenCases(0, 0)
        ),
        **_report_cards(),
        **_alert_cards(),
        **_followup_cards(),
        **_case_cards(),
        **_log_cards(),
        **_answer_cards(),
        **_stats_cards(),
        "stub-sent": sent_card(REFERENCE),
        "stub-cancelled": cancelled_card(),
        "stub-case": closed_case_card(CASE_ID, REFERENCE),
        "stub-form": closed_form_card("d-1"),
        "stub-log": closed_log_card(),
    }
