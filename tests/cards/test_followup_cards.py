"""Investigation, activity plan and evaluation forms, and the reminders (plan 8.4–8.7)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.cards.actions import CASE, VERB, VERSION, Verb
from bot.cards.followup import (
    EVALUATION_NOTE_MAX,
    INVESTIGATION_PRIVACY,
    MEASURE_MAX,
    PLAN_ELEMENTS,
    PROBLEM_MAX,
    RESPONSIBLE_HINT,
    VIEW_MAX,
    WHEN_MAX,
    evaluation_card,
    evaluation_form,
    evaluation_overdue_rektor_card,
    investigation_form_card,
    investigation_reminder_card,
    plan_form_card,
)
from bot.domain.followup import (
    LEVELS,
    MAX_NOTE,
    MEASURE_ROWS,
    METHODS,
    OUTCOMES,
    ActivityPlan,
    Evaluation,
    FormErrors,
    Investigation,
    InvestigationStep,
    Level,
    Measure,
    Method,
    Outcome,
    parse_evaluation,
    parse_investigation,
    parse_plan,
)
from tests.cards.schema import (
    MAX_CARD_BYTES,
    actions,
    assert_valid_card,
    card_bytes,
    find_action,
    inputs,
    iter_nodes,
    texts,
)

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CASE_ID = "case-42"
REFERENCE = "2026-0042"
PUPIL_NAME = "Ola Nordmann"
SNEAKY = "[klikk her](https://example.invalid) **fet**"
LEADER_ID = "aad-leder"
TEACHER_ID = "aad-laerer"
STAFF: tuple[tuple[str, str], ...] = (
    (LEADER_ID, "Lars Leder"),
    (TEACHER_ID, "Tone Lærer"),
    ("aad-miljo", "Mia Miljøarbeider"),
)
NAMES = dict(STAFF)


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


def investigation(**changes: Any) -> Investigation:
    base = Investigation(
        steps=(
            InvestigationStep(Method.PUPIL_TALK, date(2026, 11, 27), "Ola sier han gruer seg."),
            InvestigationStep(Method.PARENTS, date(2026, 11, 30), ""),
        ),
        findings="Ola står ofte alene i friminuttene.",
        best_interest="Det er til Olas beste at voksne er tett på i friminuttene.",
        completed=True,
        updated_at=NOW,
        updated_by=LEADER_ID,
    )
    return replace(base, **changes)


def longest_investigation() -> Investigation:
    return investigation(
        steps=tuple(InvestigationStep(m, date(2026, 11, 20), filled(MAX_NOTE)) for m in Method),
        findings=filled(4000),
        best_interest=filled(4000),
    )


def plan(version: int = 1, **changes: Any) -> ActivityPlan:
    base = ActivityPlan(
        version=version,
        problem="Ola blir holdt utenfor i friminuttene.",
        measures=(
            Measure(
                Level.INDIVIDUAL,
                "Voksen følger Ola i storefri.",
                "Fra 1.12, hvert friminutt",
                LEADER_ID,
            ),
            Measure(Level.CLASS, "Klassemøte om inkludering.", "Hver fredag", TEACHER_ID),
        ),
        evaluate_on=date(2026, 12, 21),
        pupil_view="Ola vil gjerne ha en voksen i nærheten.",
        parents_view="Foresatte ønsker ukentlig kontakt.",
        not_followed="Bytte klasse: ikke fulgt, det løser ikke problemet.",
        created_at=NOW,
        created_by=LEADER_ID,
    )
    return replace(base, **changes)


def longest_plan(version: int = 1, responsible: str = LEADER_ID) -> ActivityPlan:
    """Every text at what the form allows (the form asks for less than the parser accepts)."""
    return plan(
        version,
        problem=filled(PROBLEM_MAX),
        measures=tuple(
            Measure(Level.SCHOOL, filled(MEASURE_MAX), filled(WHEN_MAX), responsible)
            for _ in range(MEASURE_ROWS)
        ),
        pupil_view=filled(VIEW_MAX),
        parents_view=filled(VIEW_MAX),
        not_followed=filled(VIEW_MAX),
    )


def evaluation(**changes: Any) -> Evaluation:
    base = Evaluation(
        plan_version=1,
        outcome=Outcome.CONTINUE,
        note="Ola sier det har blitt litt bedre.",
        at=NOW,
        by=LEADER_ID,
        next_evaluation_on=date(2027, 1, 11),
    )
    return replace(base, **changes)


def checked(card: dict[str, Any], *, max_bytes: int = MAX_CARD_BYTES) -> dict[str, Any]:
    """Valid, and as Teams receives it."""
    assert_valid_card(card, max_bytes=max_bytes)
    loaded: dict[str, Any] = json.loads(json.dumps(card))
    return loaded


def by_id(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {element["id"]: element for element in inputs(card)}


def shown(card: dict[str, Any]) -> str:
    return "\n".join(texts(card))


def submitted(card: dict[str, Any], **answers: str) -> dict[str, str]:
    """What a client sends: every input's value (prefilled or answered), as strings."""
    values: dict[str, str] = {}
    for element in inputs(card):
        value = answers.get(element["id"], element.get("value", ""))
        values[element["id"]] = str(value)
    return values


def typed_text_only_in_runs(card: dict[str, Any], typed: str) -> None:
    holders = [n for _, n in iter_nodes(card) if typed in str(n.get("text", ""))]
    assert holders, "the typed text is not shown"
    assert all(n["type"] == "TextRun" for n in holders), holders


# --- investigation form ---------------------------------------------------------------------


def investigation_form(**kwargs: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {"current": None, "today": TODAY}
    arguments.update(kwargs)
    return checked(investigation_form_card(CASE_ID, REFERENCE, **arguments))


def test_investigation_form_has_the_parsers_input_ids() -> None:
    ids = [e["id"] for e in inputs(investigation_form())]
    expected = [f"{m.value}_{part}" for m in Method for part in ("done", "date", "note")]
    assert ids == [*expected, "findings", "best_interest", "completed"]


def test_investigation_form_lists_every_method_of_the_plan() -> None:
    text = shown(investigation_form())
    for label in METHODS.values():
        assert label in text


def test_investigation_form_limits_and_dates() -> None:
    elements = by_id(investigation_form())
    for method in Method:
        assert elements[f"{method.value}_date"]["type"] == "Input.Date"
        assert elements[f"{method.value}_date"]["max"] == TODAY.isoformat()
        assert elements[f"{method.value}_note"]["maxLength"] == MAX_NOTE
        assert elements[f"{method.value}_done"]["type"] == "Input.Toggle"
    assert elements["findings"]["isMultiline"] is True
    assert elements["findings"]["label"] == "Oppsummering av funn"
    assert elements["best_interest"]["label"] == "Barnets beste-vurdering"
    assert elements["completed"]["title"] == "Undersøkelsen er ferdig"


def test_investigation_form_reminds_not_to_document_other_pupils() -> None:
    assert INVESTIGATION_PRIVACY in shown(investigation_form())
    assert "andre elever" in INVESTIGATION_PRIVACY


def test_investigation_form_submits_to_save_with_the_case() -> None:
    card = investigation_form()
    action = find_action(card, Verb.INVESTIGATION_SAVE)
    assert action is not None
    assert action["type"] == "Action.Submit"
    assert action["title"] == "Lagre undersøkelsen"
    assert action["data"] == {VERB: Verb.INVESTIGATION_SAVE, CASE: CASE_ID}


def test_investigation_form_answers_parse() -> None:
    card = investigation_form()
    values = submitted(
        card,
        samtale_elev_done="true",
        samtale_elev_date="2026-11-25",
        samtale_elev_note="Ola gruer seg til friminuttene.",
        sosiogram_date="2026-11-24",
        findings="Ola er mye alene.",
        best_interest="Voksne tett på.",
        completed="true",
    )
    parsed = parse_investigation(values, today=TODAY, now=NOW, by=LEADER_ID)
    assert isinstance(parsed, Investigation), parsed
    assert [s.method for s in parsed.steps] == [Method.PUPIL_TALK, Method.SOCIOGRAM]
    assert parsed.completed


def test_empty_investigation_form_parses_as_a_draft() -> None:
    parsed = parse_investigation(
        submitted(investigation_form()), today=TODAY, now=NOW, by=LEADER_ID
    )
    assert isinstance(parsed, Investigation), parsed
    assert parsed.steps == ()
    assert not parsed.completed


def test_investigation_form_is_prefilled_from_the_current_documentation() -> None:
    current = investigation()
    card = investigation_form(current=current)
    elements = by_id(card)
    assert elements["samtale_elev_done"]["value"] == "true"
    assert elements["samtale_elev_date"]["value"] == "2026-11-27"
    assert elements["samtale_elev_note"]["value"] == "Ola sier han gruer seg."
    assert elements["foresatte_done"]["value"] == "true"
    assert elements["sosiogram_done"]["value"] == "false"
    assert "value" not in elements["sosiogram_date"]
    assert elements["findings"]["value"] == current.findings
    assert elements["completed"]["value"] == "true"
    # Saving the prefilled form unchanged keeps the documentation (dates in the past are fine).
    parsed = parse_investigation(submitted(card), today=date(2026, 12, 1), now=NOW, by=LEADER_ID)
    assert isinstance(parsed, Investigation), parsed
    assert parsed.steps == current.steps
    assert parsed.findings == current.findings


def test_investigation_form_shows_errors_at_the_top_and_at_the_field() -> None:
    values = {"samtale_elev_done": "true", "completed": "true"}
    result = parse_investigation(values, today=TODAY, now=NOW, by=LEADER_ID)
    assert isinstance(result, FormErrors)
    card = investigation_form(current=investigation(), errors=result.messages, values=values)
    text = shown(card)
    for message in result.messages.values():
        assert text.count(message) >= 1
    assert "Noe må rettes før du kan lagre:" in text
    field = result.messages["samtale_elev_date"]
    assert text.count(field) == 2  # top and at the field
    # Values win over the stored documentation: what was sent is shown again.
    assert "value" not in by_id(card)["findings"]


def test_longest_investigation_form_fits() -> None:
    card = investigation_form(current=longest_investigation())
    assert card_bytes(card) < MAX_CARD_BYTES


# --- plan form ------------------------------------------------------------------------------


def plan_form(**kwargs: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "version": 1,
        "previous": None,
        "staff_choices": STAFF,
        "default_evaluate_on": date(2026, 12, 21),
        "today": TODAY,
    }
    arguments.update(kwargs)
    return checked(plan_form_card(CASE_ID, REFERENCE, **arguments))


def test_plan_form_has_the_parsers_input_ids() -> None:
    ids = [e["id"] for e in inputs(plan_form())]
    rows = [
        f"m{row}_{part}"
        for row in range(1, MEASURE_ROWS + 1)
        for part in ("description", "level", "when", "responsible")
    ]
    assert ids == ["problem", *rows, "evaluate_on", "pupil_view", "parents_view", "not_followed"]


def test_plan_form_labels_the_laws_five_elements() -> None:
    card = plan_form()
    text = shown(card)
    for element in PLAN_ELEMENTS:
        assert element in text
    elements = by_id(card)
    assert elements["problem"]["label"].startswith("1. ")
    assert elements["m1_description"]["label"].startswith("2. ")
    assert elements["m1_when"]["label"].startswith("3. ")
    assert elements["m1_responsible"]["label"].startswith("4. ")
    assert elements["evaluate_on"]["label"].startswith("5. ")
    assert elements["not_followed"]["label"] == "Forslag som ikke er fulgt, og hvorfor"


def test_plan_form_shows_the_version_and_submits_it() -> None:
    card = plan_form(version=3, previous=plan(2))
    assert "Sak 2026-0042 · Versjon 3" in shown(card)
    action = find_action(card, Verb.PLAN_SAVE)
    assert action is not None
    assert action["title"] == "Lagre aktivitetsplan"
    assert action["data"] == {VERB: Verb.PLAN_SAVE, CASE: CASE_ID, VERSION: "3"}


def test_plan_form_first_measure_looks_required_and_the_rest_optional() -> None:
    elements = by_id(plan_form())
    assert elements["problem"]["isRequired"] is True
    assert elements["evaluate_on"]["isRequired"] is True
    for part in ("description", "when", "responsible"):
        assert elements[f"m1_{part}"]["isRequired"] is True
        for row in range(2, MEASURE_ROWS + 1):
            assert elements[f"m{row}_{part}"]["isRequired"] is False
    assert "Tiltak 2 (valgfritt)" in shown(plan_form())


def test_plan_form_choices() -> None:
    card = plan_form()
    elements = by_id(card)
    level = elements["m1_level"]
    assert level["style"] == "compact"
    assert [c["value"] for c in level["choices"]] == [v.value for v in LEVELS]
    assert level["value"] == Level.INDIVIDUAL.value
    responsible = elements["m2_responsible"]
    assert [(c["value"], c["title"]) for c in responsible["choices"]] == list(STAFF)
    assert "value" not in responsible
    assert RESPONSIBLE_HINT in shown(card)


def test_plan_form_evaluation_date_defaults_and_is_in_the_future() -> None:
    element = by_id(plan_form())["evaluate_on"]
    assert element["type"] == "Input.Date"
    assert element["value"] == "2026-12-21"
    assert element["min"] == (TODAY + timedelta(days=1)).isoformat()


def test_plan_form_answers_parse() -> None:
    card = plan_form()
    values = submitted(
        card,
        problem="Ola blir holdt utenfor.",
        m1_description="Voksen i storefri.",
        m1_when="Fra 1.12, hvert friminutt",
        m1_responsible=LEADER_ID,
        m2_level="klasse",
        m2_description="Klassemøte.",
        m2_when="Fredager",
        m2_responsible=TEACHER_ID,
        pupil_view="Vil ha voksen i nærheten.",
    )
    parsed = parse_plan(
        values, staff_ids=[s for s, _ in STAFF], version=1, today=TODAY, now=NOW, by=LEADER_ID
    )
    assert isinstance(parsed, ActivityPlan), parsed
    assert [m.level for m in parsed.measures] == [Level.INDIVIDUAL, Level.CLASS]
    assert parsed.evaluate_on == date(2026, 12, 21)


def test_plan_form_is_prefilled_from_the_previous_version() -> None:
    previous = plan(1)
    card = plan_form(version=2, previous=previous)
    elements = by_id(card)
    assert elements["problem"]["value"] == previous.problem
    assert elements["m2_level"]["value"] == "klasse"
    assert elements["m2_description"]["value"] == previous.measures[1].description
    assert elements["m1_when"]["value"] == previous.measures[0].when
    assert elements["m2_responsible"]["value"] == TEACHER_ID
    assert "value" not in elements["m3_description"]
    assert elements["not_followed"]["value"] == previous.not_followed
    # A new version gets a new evaluation date, not the old one.
    assert elements["evaluate_on"]["value"] == "2026-12-21"
    assert "Justering av versjon 1" in shown(card)
    parsed = parse_plan(
        submitted(card),
        staff_ids=[s for s, _ in STAFF],
        version=2,
        today=TODAY,
        now=NOW,
        by=LEADER_ID,
    )
    assert isinstance(parsed, ActivityPlan), parsed
    assert parsed.measures == previous.measures
    assert parsed.problem == previous.problem


def test_plan_form_does_not_preselect_someone_no_longer_on_staff() -> None:
    previous = plan(1, measures=(Measure(Level.INDIVIDUAL, "Tiltak", "Nå", "aad-sluttet"),))
    assert "value" not in by_id(plan_form(previous=previous))["m1_responsible"]


def test_plan_form_shows_errors_and_keeps_what_was_sent() -> None:
    values = {"problem": "", "m1_description": "Voksen i storefri.", "evaluate_on": ""}
    result = parse_plan(
        values, staff_ids=[s for s, _ in STAFF], version=2, today=TODAY, now=NOW, by=LEADER_ID
    )
    assert isinstance(result, FormErrors)
    card = plan_form(version=2, previous=plan(1), errors=result.messages, values=values)
    text = shown(card)
    assert result.messages["form"] in text
    assert text.count(result.messages["problem"]) == 2
    assert text.count(result.messages["m1_when"]) == 2
    elements = by_id(card)
    assert "value" not in elements["problem"]  # emptied by the user, not refilled
    assert elements["m1_description"]["value"] == "Voksen i storefri."


def test_longest_plan_form_fits_with_a_short_staff_list() -> None:
    staff = many_staff(12)
    card = plan_form(
        version=2,
        previous=longest_plan(responsible=staff[0][0]),
        staff_choices=staff,
        errors={"form": filled(300), "problem": filled(100)},
    )
    assert card_bytes(card) < MAX_CARD_BYTES
    assert len([e for e in inputs(card) if e["id"].endswith("_responsible")]) == MEASURE_ROWS


@pytest.mark.parametrize(("staff_count", "rows"), [(20, 5), (40, 3), (80, 2)])
def test_a_long_staff_list_leaves_out_empty_rows_but_never_a_filled_one(
    staff_count: int, rows: int
) -> None:
    staff = many_staff(staff_count)
    previous = plan(
        1,
        measures=(
            Measure(Level.INDIVIDUAL, "Voksen i storefri.", "Hvert friminutt", staff[0][0]),
            Measure(Level.CLASS, "Klassemøte.", "Fredager", staff[1][0]),
        ),
    )
    card = plan_form(version=2, previous=previous, staff_choices=staff)
    responsible = [e for e in inputs(card) if e["id"].endswith("_responsible")]
    assert len(responsible) == rows
    assert [e.get("value") for e in responsible[:2]] == [staff[0][0], staff[1][0]]
    assert ("Flere tiltak?" in shown(card)) is (rows < MEASURE_ROWS)


def test_a_new_plan_fits_with_the_whole_staff() -> None:
    card = plan_form(staff_choices=many_staff(150))
    assert [e["id"] for e in inputs(card) if e["id"].startswith("m")] == [
        "m1_description",
        "m1_level",
        "m1_when",
        "m1_responsible",
    ]


# --- evaluation -----------------------------------------------------------------------------


def test_evaluation_form_ids_parse_for_every_outcome() -> None:
    card = checked(
        evaluation_card(
            CASE_ID,
            REFERENCE,
            PUPIL_NAME,
            plan(2),
            due_on=TODAY,
            overdue_days=0,
            default_next=date(2026, 12, 17),
            names=NAMES,
            today=TODAY,
        )
    )
    assert [e["id"] for e in inputs(card)] == ["outcome", "note", "next_evaluation_on"]
    for outcome in Outcome:
        values = submitted(card, outcome=outcome.value, note="Eleven sier hen har det bra.")
        parsed = parse_evaluation(
            values,
            plan_version=2,
            today=TODAY,
            now=NOW,
            by=LEADER_ID,
            default_next=date(2026, 12, 17),
        )
        assert isinstance(parsed, Evaluation), (outcome, parsed)
        assert parsed.outcome is outcome
    continued = parse_evaluation(
        submitted(card, outcome="videreføre", note="Litt bedre."),
        plan_version=2,
        today=TODAY,
        now=NOW,
        by=LEADER_ID,
        default_next=date(2027, 1, 1),
    )
    assert isinstance(continued, Evaluation)
    assert continued.next_evaluation_on == date(2026, 12, 17)  # the card's default was sent


def test_evaluation_form_elements() -> None:
    items = evaluation_form(CASE_ID, plan_version=2, default_next=date(2026, 12, 17), today=TODAY)
    card = checked(
        {
            "type": "AdaptiveCard",
            "version": "1.5",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "body": items,
        }
    )
    elements = by_id(card)
    outcome = elements["outcome"]
    assert outcome["style"] == "expanded"
    assert [(c["value"], c["title"]) for c in outcome["choices"]] == [
        (o.value, label) for o, label in OUTCOMES.items()
    ]
    assert elements["note"]["isMultiline"] is True
    assert elements["note"]["maxLength"] == EVALUATION_NOTE_MAX
    assert "eleven sier hen har det bra" in elements["note"]["placeholder"]
    assert elements["next_evaluation_on"]["value"] == "2026-12-17"
    assert elements["next_evaluation_on"]["min"] == "2026-11-27"
    save = find_action(card, Verb.EVALUATION_SAVE)
    assert save is not None
    assert save["title"] == "Lagre evaluering"
    assert save["data"] == {VERB: Verb.EVALUATION_SAVE, CASE: CASE_ID, VERSION: "2"}


def evaluation_reminder(**kwargs: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "due_on": TODAY,
        "overdue_days": 0,
        "default_next": date(2026, 12, 17),
        "names": NAMES,
        "today": TODAY,
    }
    arguments.update(kwargs)
    the_plan = arguments.pop("plan", plan(1))
    pupil = arguments.pop("pupil_name", PUPIL_NAME)
    return checked(evaluation_card(CASE_ID, REFERENCE, pupil, the_plan, **arguments))


def test_evaluation_card_shows_the_plan_in_short() -> None:
    text = shown(evaluation_reminder())
    assert f"Elev: {PUPIL_NAME}" in text
    assert "Skulle evalueres: 26.11.2026" in text
    assert "Problemet: Ola blir holdt utenfor i friminuttene." in text
    assert "1. Individnivå: Voksen følger Ola i storefri." in text
    assert "Lars Leder" in text
    assert "Tone Lærer" in text
    assert "på overtid" not in text


def test_evaluation_card_counts_overdue_school_days() -> None:
    assert "Evalueringen er 3 skoledager på overtid" in shown(evaluation_reminder(overdue_days=3))
    assert "Evalueringen er 1 skoledag på overtid" in shown(evaluation_reminder(overdue_days=1))


def test_evaluation_card_actions() -> None:
    card = evaluation_reminder(plan=plan(4))
    save = find_action(card, Verb.EVALUATION_SAVE)
    assert save is not None
    assert save["data"] == {VERB: Verb.EVALUATION_SAVE, CASE: CASE_ID, VERSION: "4"}
    open_case = find_action(card, Verb.CASE_OPEN)
    assert open_case is not None
    assert open_case["title"] == "Åpne saken"
    assert open_case["data"] == {VERB: Verb.CASE_OPEN, CASE: CASE_ID}


def test_evaluation_card_with_errors_and_values() -> None:
    errors = {"note": "Skriv kort hva evalueringen viste."}
    card = evaluation_reminder(errors=errors, values={"outcome": "avslutte", "note": ""})
    assert shown(card).count(errors["note"]) == 2
    assert by_id(card)["outcome"]["value"] == "avslutte"


def test_evaluation_card_typed_text_only_in_runs_and_fits() -> None:
    sneaky_plan = plan(
        1,
        problem=SNEAKY,
        measures=(Measure(Level.INDIVIDUAL, SNEAKY, SNEAKY, LEADER_ID),),
    )
    card = evaluation_reminder(plan=sneaky_plan, pupil_name=SNEAKY)
    typed_text_only_in_runs(card, SNEAKY)
    longest = evaluation_reminder(
        plan=plan(1, problem=filled(4000), measures=longest_plan().measures),
        pupil_name=filled(120),
        values={"note": filled(EVALUATION_NOTE_MAX)},
    )
    assert card_bytes(longest) < MAX_CARD_BYTES


# --- reminders ------------------------------------------------------------------------------


@pytest.mark.parametrize("to_rektor", [False, True])
def test_investigation_reminder(to_rektor: bool) -> None:
    card = checked(
        investigation_reminder_card(
            CASE_ID,
            REFERENCE,
            PUPIL_NAME,
            datetime(2026, 11, 26, 8, 15, tzinfo=UTC),
            school_days=2,
            to_rektor=to_rektor,
        )
    )
    text = shown(card)
    assert "Undersøkelsen er ikke startet 2 skoledager etter meldingen" in text
    assert "snarest (plan 8.4)" in text
    assert "Meldt: 26.11.2026 kl. 09:15" in text
    assert ("allerede fått en påminnelse" in text) is to_rektor
    assert [(a["title"], a["data"]) for a in actions(card)] == [
        ("Start undersøkelse", {VERB: Verb.INVESTIGATION_FORM, CASE: CASE_ID}),
        ("Åpne saken", {VERB: Verb.CASE_OPEN, CASE: CASE_ID}),
    ]
    typed_text_only_in_runs(
        investigation_reminder_card(
            CASE_ID, REFERENCE, SNEAKY, NOW, school_days=1, to_rektor=to_rektor
        ),
        SNEAKY,
    )


def test_evaluation_overdue_card_for_rektor() -> None:
    card = checked(
        evaluation_overdue_rektor_card(
            CASE_ID, REFERENCE, PUPIL_NAME, TODAY, 4, ["Lars Leder", "Tone Lærer"]
        )
    )
    text = shown(card)
    assert "Evalueringen er 4 skoledager på overtid" in text
    assert "Ansvarlige: Lars Leder, Tone Lærer" in text
    assert "Skulle evalueres: 26.11.2026" in text
    assert [a["data"] for a in actions(card)] == [{VERB: Verb.CASE_OPEN, CASE: CASE_ID}]
    nobody = checked(evaluation_overdue_rektor_card(CASE_ID, REFERENCE, SNEAKY, TODAY, 1, []))
    assert "Ansvarlige: Ingen registrert" in shown(nobody)
    typed_text_only_in_runs(nobody, SNEAKY)


def test_forms_keep_typed_values_out_of_text_blocks() -> None:
    """Prefilled typed text lives in input values, never in a Markdown-rendering TextBlock."""
    previous = plan(1, problem=SNEAKY, pupil_view=SNEAKY)
    card = plan_form(version=2, previous=previous)
    assert by_id(card)["problem"]["value"] == SNEAKY
    assert not [n for _, n in iter_nodes(card) if SNEAKY in str(n.get("text", ""))]
    card = investigation_form(current=investigation(findings=SNEAKY))
    assert by_id(card)["findings"]["value"] == SNEAKY
    assert not [n for _, n in iter_nodes(card) if SNEAKY in str(n.get("text", ""))]
