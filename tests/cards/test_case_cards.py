"""The case card: everything about a case, and the next step of the duty as its buttons."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from bot.cards.actions import CASE, MEMBER, VERB, VERSION, Verb
from bot.cards.case import MORE_IN_PDF, CaseView
from bot.domain.case import STATE_LABELS, CaseState
from bot.domain.followup import (
    Evaluation,
    InvestigationStep,
    Level,
    Measure,
    Method,
    Outcome,
    parse_evaluation,
)
from bot.domain.report import MAX_TEXT, SIGNS
from tests.cards.samples import (
    CASE_ID,
    DESCRIPTION,
    INTERVENTION,
    LEADER_ID,
    NOW,
    SNEAKY,
    STAFF,
    TEACHER_ID,
    TODAY,
    case,
    evaluation,
    filled,
    investigation,
    longest_investigation,
    longest_plan,
    many_staff,
    plan,
)
from tests.cards.samples import case_view as view
from tests.cards.schema import (
    MAX_CARD_BYTES,
    actions,
    assert_valid_card,
    card_bytes,
    inputs,
    iter_nodes,
    shown,
    submitted,
    texts,
    verbs,
)

STEP_VERBS = {
    Verb.INVESTIGATION_FORM,
    Verb.PLAN_FORM,
    Verb.EVALUATION_SAVE,
}
EXPORTS = [Verb.EXPORT.value, Verb.EXPORT_REDACTED.value, Verb.ARCHIVE_PACK.value]


def card(case_view: CaseView | None = None, **allowed: Any) -> dict[str, Any]:
    built = case(case_view or view(), **allowed)
    assert_valid_card(built)
    return built


def titles(built: dict[str, Any]) -> list[str]:
    return [a["title"] for a in built.get("actions", [])]


# --- validity and size ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "can_act", "can_manage", "can_export"),
    list(itertools.product(CaseState, [False, True], [False, True], [False, True])),
)
def test_every_state_and_permission_gives_a_valid_card(
    state: CaseState, can_act: bool, can_manage: bool, can_export: bool
) -> None:
    built = card(view(state), can_act=can_act, can_manage=can_manage, can_export=can_export)
    assert f"Status: {STATE_LABELS[state]}" in shown(built)
    assert set(verbs(built)) <= {v.value for v in Verb}


def longest_view() -> CaseView:
    older = tuple(
        replace(longest_plan(version), created_at=NOW - timedelta(days=30 * (13 - version)))
        for version in range(1, 13)
    )
    return view(
        CaseState.TILTAK,
        pupil_name=filled(120),
        pupil_class=filled(40),
        reporter_name=filled(120),
        description=filled(MAX_TEXT),
        intervention=filled(MAX_TEXT),
        signs=tuple(SIGNS.values()),
        urgent=True,
        serious=True,
        owner_notified_text="Skoleeier varslet 26.11.2026 kl. 10:00 av Rita Rektor",
        member_names=tuple(f"Miljøarbeider {i}" for i in range(8)),
        investigation=longest_investigation(),
        plans=(
            *older,
            longest_plan(13),
        ),
        evaluations=tuple(evaluation(plan_version=13, note=filled(MAX_TEXT)) for _ in range(15)),
    )


def test_longest_case_fits_in_a_teams_message_and_points_to_the_pdf() -> None:
    built = card(longest_view(), can_manage=True, can_export=True, staff_choices=many_staff(60))
    assert card_bytes(built) < MAX_CARD_BYTES
    text = shown(built)
    assert MORE_IN_PDF.strip() in text
    assert "Tidligere versjoner: 12" in text
    assert text.count("eldre i PDF-en.") == 2  # older plans and evaluations left out


def test_a_long_history_lists_the_newest_ten() -> None:
    history = view(
        CaseState.TILTAK,
        plans=tuple(plan(version) for version in range(1, 14)),
        evaluations=tuple(evaluation(plan_version=v) for v in range(1, 16)),
    )
    built = card(history, can_manage=True, staff_choices=many_staff(20))
    text = shown(built)
    assert "Tidligere versjoner: 12" in text
    assert "Versjon 12 · " in text
    assert "Versjon 3 · " in text
    assert "Versjon 2 · " not in text
    assert "Og 2 eldre i PDF-en." in text
    assert "Og 5 eldre i PDF-en." in text
    assert "versjon 15 · Videreføre" in text
    assert "versjon 5 · Videreføre" not in text


def test_an_ordinary_case_is_shown_without_shortening() -> None:
    long_description = filled(1400)
    text = shown(card(view(CaseState.TILTAK, description=long_description)))
    assert long_description in text
    assert MORE_IN_PDF.strip() not in text


def test_text_over_1500_characters_is_shortened_with_a_pointer_to_the_pdf() -> None:
    built = card(view(description=filled(MAX_TEXT)))
    holder = next(t for t in texts(built) if t.startswith(filled(100)))
    assert holder.endswith(MORE_IN_PDF)
    assert len(holder) <= 1500 + len(MORE_IN_PDF)


def test_typed_text_is_only_ever_in_text_runs() -> None:
    sneaky_plan = plan(
        1,
        problem=SNEAKY,
        measures=(Measure(Level.INDIVIDUAL, SNEAKY, SNEAKY, LEADER_ID),),
        pupil_view=SNEAKY,
        parents_view=SNEAKY,
        not_followed=SNEAKY,
    )
    sneaky = view(
        CaseState.TILTAK,
        pupil_name=SNEAKY,
        pupil_class=SNEAKY,
        description=SNEAKY,
        intervention=SNEAKY,
        reporter_name=SNEAKY,
        investigation=investigation(
            steps=(InvestigationStep(Method.LOGBOOK, TODAY, SNEAKY),),
            findings=SNEAKY,
            best_interest=SNEAKY,
        ),
        plans=(replace(sneaky_plan, version=1), replace(sneaky_plan, version=2)),
        evaluations=(evaluation(note=SNEAKY),),
        member_names=(SNEAKY,),
    )
    built = card(sneaky)
    holders = [n for _, n in iter_nodes(built) if SNEAKY in str(n.get("text", ""))]
    assert len(holders) >= 15
    assert all(n["type"] == "TextRun" for n in holders)


# --- content --------------------------------------------------------------------------------


def test_header_and_report() -> None:
    text = shown(card(view(serious=True)))
    assert "Sak 2026-0042" in text
    assert "Status: Meldt fra" in text
    assert "Elev: Ola Nordmann, 9B" in text
    assert "Gjelder: Krenkelser eller mobbing" in text
    assert "Meldt: 26.11.2026 kl. 09:15" in text
    assert "Meldt av: Kari Lærer" in text
    assert "Hvordan melderen fikk vite det: Jeg har selv sett eller hørt det" in text
    assert "• Kvier seg for å gå på skolen" in text
    assert DESCRIPTION in text
    assert INTERVENTION in text
    assert "Alvorlighet: Spesielt alvorlig sak" in text
    assert "Tatt av: Lars Leder" in text
    assert "Ikke startet. Skolen skal undersøke snarest." in text


def test_without_intervention_says_no() -> None:
    assert "Grep inn: Nei" in shown(card(view(intervention="")))


def test_who_was_told_and_who_acknowledged() -> None:
    text = shown(
        card(
            view(
                urgent=True,
                owner_notified_text="Varslet 26.11.2026 kl. 10:00 av Rita Rektor",
                member_names=("Mia Miljøarbeider", "Tone Lærer"),
            )
        )
    )
    assert "Rita Rektor (Rektor): Bekreftet 26.11.2026 kl. 09:20" in text
    assert "Lars Leder (Nærmeste leder): Ikke bekreftet ennå" in text
    assert "Skoleeier: Varslet 26.11.2026 kl. 10:00 av Rita Rektor" in text
    assert "Lagt til i saken: Mia Miljøarbeider, Tone Lærer" in text
    assert "Skjerpet aktivitetsplikt (§ 12-5)" in text


def test_investigation_with_methods_dates_notes_and_barnets_beste() -> None:
    text = shown(card(view(CaseState.UNDERSOKE)))
    assert "Status: Ferdig" in text
    assert "Sist oppdatert: 26.11.2026 kl. 13:00 av Lars Leder" in text
    assert "Samtale med eleven (dialogisk), 27.11.2026: Ola sier han gruer seg." in text
    assert "Samtale med foresatte, 30.11.2026" in text
    assert "Oppsummering av funn" in text
    assert "Ola står ofte alene i friminuttene." in text
    assert "Barnets beste-vurdering" in text
    assert "Ingen aktivitetsplan ennå." in text


def test_current_plan_older_versions_and_evaluations() -> None:
    text = shown(card(view(CaseState.TILTAK)))
    assert "Aktivitetsplan, versjon 2" in text
    assert "Ola blir holdt utenfor i friminuttene." in text
    assert "1. Individnivå: Voksen følger Ola i storefri." in text
    assert "Når: Fra 1.12, hvert friminutt" in text
    assert "Ansvarlig: Lars Leder" in text
    assert "2. Klassenivå: Klassemøte om inkludering." in text
    assert "Ansvarlig: Tone Lærer" in text
    assert "5. Evalueres: 21.12.2026" in text
    assert "Ola vil gjerne ha en voksen i nærheten." in text
    assert "Foresatte ønsker ukentlig kontakt." in text
    assert "Bytte klasse: ikke fulgt, det løser ikke problemet." in text
    assert "Tidligere versjoner: 1" in text
    assert "Versjon 1 · 26.11.2026 · Første versjon av problemet." in text
    assert "26.11.2026 kl. 13:00 · versjon 1 · Videreføre tiltakene · Lars Leder" in text
    assert "Ola sier det har blitt litt bedre." in text
    assert "Neste evaluering: 21.12.2026" in text


def test_overdue_evaluation_is_marked() -> None:
    late = view(CaseState.TILTAK, next_evaluation_on=TODAY - timedelta(days=2))
    assert "Neste evaluering: 24.11.2026 (på overtid)" in shown(card(late))


def test_unknown_staff_ids_are_named_as_such() -> None:
    text = shown(card(view(CaseState.TILTAK, names={})))
    assert "Ansvarlig: Ukjent ansatt" in text


def test_closed_and_forwarded_cases_say_so() -> None:
    closed = view(
        CaseState.AVSLUTTET,
        evaluations=(evaluation(outcome=Outcome.CLOSE, next_evaluation_on=None),),
    )
    assert "Saken er avsluttet." in shown(card(closed))
    assert "sendt til skoleeier" in shown(card(view(CaseState.SKOLEEIER)))


# --- actions --------------------------------------------------------------------------------


def test_reported_case_starts_the_investigation() -> None:
    built = card(view(CaseState.MELDE_FRA))
    assert titles(built) == ["Start undersøkelse"]
    action = built["actions"][0]
    assert action["type"] == "Action.Submit"
    assert action["data"] == {VERB: Verb.INVESTIGATION_FORM, CASE: CASE_ID}


def test_investigating_case_documents_and_plans() -> None:
    built = card(view(CaseState.UNDERSOKE))
    assert titles(built) == [
        "Dokumenter undersøkelsen", "Lag aktivitetsplan", "Avslutt uten tiltak"
    ]
    assert [a["data"] for a in built["actions"]] == [
        {VERB: Verb.INVESTIGATION_FORM, CASE: CASE_ID},
        {VERB: Verb.PLAN_FORM, CASE: CASE_ID, VERSION: "1"},
        {VERB: Verb.CONCLUSION_FORM, CASE: CASE_ID},
    ]


def test_case_with_a_plan_evaluates_and_adjusts() -> None:
    built = card(view(CaseState.TILTAK))
    assert titles(built) == ["Evaluer", "Juster planen"]
    evaluate, adjust = built["actions"]
    assert evaluate["type"] == "Action.ShowCard"
    assert adjust["data"] == {VERB: Verb.PLAN_FORM, CASE: CASE_ID, VERSION: "3"}
    inner = evaluate["card"]
    save = next(a for _, a in iter_nodes(inner) if a.get("type") == "Action.Submit")
    assert save["title"] == "Lagre evaluering"
    assert save["data"] == {VERB: Verb.EVALUATION_SAVE, CASE: CASE_ID, VERSION: "2"}
    ids = [e["id"] for e in inputs(inner)]
    assert ids == ["outcome", "note", "next_evaluation_on"]
    parsed = parse_evaluation(
        submitted(inner, outcome="videreføre", note="Bedre."),
        plan_version=2,
        today=TODAY,
        now=NOW,
        by=LEADER_ID,
        default_next=date(2027, 1, 1),
    )
    assert isinstance(parsed, Evaluation), parsed
    assert parsed.next_evaluation_on == date(2026, 12, 17)


@pytest.mark.parametrize("state", list(CaseState))
def test_without_can_act_there_is_no_step_of_the_duty(state: CaseState) -> None:
    built = card(view(state), can_act=False)
    assert not set(verbs(built)) & {v.value for v in STEP_VERBS}
    assert "actions" not in built


@pytest.mark.parametrize("state", [CaseState.AVSLUTTET, CaseState.SKOLEEIER])
def test_closed_cases_offer_only_the_export(state: CaseState) -> None:
    assert "actions" not in card(view(state), can_manage=True)
    built = card(view(state), can_manage=True, can_export=True)
    assert verbs(built) == EXPORTS
    assert titles(built) == ["Eksport og arkiv"]
    [show] = built["actions"]
    buttons = [a for e in show["card"]["body"] if e["type"] == "ActionSet" for a in e["actions"]]
    assert [a["data"] for a in buttons] == [
        {VERB: Verb.EXPORT, CASE: CASE_ID},
        {VERB: Verb.EXPORT_REDACTED, CASE: CASE_ID},
        {VERB: Verb.ARCHIVE_PACK, CASE: CASE_ID},
    ]
    archiving = card(view(state), can_export=True, can_archive=True)
    assert verbs(archiving) == [*EXPORTS, Verb.ARCHIVE_NOW.value]


def test_managers_can_add_a_person() -> None:
    built = card(view(CaseState.UNDERSOKE), can_manage=True)
    assert titles(built)[-1] == "Legg til person"
    show = built["actions"][-1]
    assert show["type"] == "Action.ShowCard"
    (picker,) = inputs(show["card"])
    assert picker["id"] == MEMBER
    assert picker["type"] == "Input.ChoiceSet"
    assert picker["isRequired"] is True
    assert [(c["value"], c["title"]) for c in picker["choices"]] == list(STAFF)
    add = next(a for a in actions(show["card"]) if a["type"] == "Action.Submit")
    assert add["data"] == {VERB: Verb.ADD_MEMBER, CASE: CASE_ID}
    assert "Legg til person" not in titles(card(view(CaseState.UNDERSOKE)))


def test_someone_who_can_only_export_gets_only_the_export() -> None:
    built = card(view(CaseState.TILTAK), can_act=False, can_export=True)
    assert verbs(built) == EXPORTS


def test_everything_allowed_in_tiltak() -> None:
    built = card(view(CaseState.TILTAK), can_manage=True, can_export=True)
    assert titles(built) == ["Evaluer", "Juster planen", "Legg til person", "Eksport og arkiv"]
    with_members = card(replace(view(CaseState.TILTAK), members=(("m1", "Miljø Mia"),)),
                        can_manage=True, can_export=True)
    assert titles(with_members) == ["Evaluer", "Juster planen", "Legg til person",
                                    "Fjern fra saken", "Eksport og arkiv"]


def test_input_ids_are_unique_with_every_form_on_the_card() -> None:
    built = card(view(CaseState.TILTAK), can_manage=True, can_export=True)
    ids = [e["id"] for e in inputs(built)]
    assert sorted(ids) == sorted(["outcome", "note", "next_evaluation_on", MEMBER])


def test_members_are_independent_of_responsibles() -> None:
    """A measure's responsible is shown by name even when not on the routed list."""
    text = shown(card(view(CaseState.TILTAK, member_names=())))
    assert "Ansvarlig: Tone Lærer" in text
    assert TEACHER_ID not in text
