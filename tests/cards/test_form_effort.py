"""Inputs and taps for a typical case on the report, investigation and plan forms (issue 14).

`BEFORE` was counted with the same model (`tests/cards/effort.py`) on the forms as they were at
commit daee245, for the same answers: one card each, every method and five measures shown.
"""

from __future__ import annotations

from datetime import date

from bot.cards.investigation import SHOW_CHOSEN, investigation_form_card
from bot.cards.plan import plan_form_card
from bot.cards.report import report_errors_card, report_form_card, report_summary_card
from bot.domain.report import Report, parse_report
from tests.cards.effort import Effort, Step, effort
from tests.cards.samples import CASE_ID, REFERENCE, STAFF, TEACHER_ID, TODAY
from tests.cards.samples import LEADER_ID as LEADER

BEFORE = {
    "report": Effort(cards=2, inputs=(14, 0), taps=15),
    "report, «Hvis ja» left empty": Effort(cards=3, inputs=(14, 14, 0), taps=16),
    "investigation": Effort(cards=1, inputs=(24,), taps=12),
    "plan": Effort(cards=1, inputs=(25,), taps=14),
}

REPORT = {
    "pupil_name": "Ola Nordmann",
    "pupil_class": "9B",
    "category": "krenkelser",
    "signs": "kvier_seg",
    "description": "Ola ble holdt utenfor.",
    "place": "Skolegården",
    "occurred_on": "2026-11-25",
    "source": "egen_observasjon",
    "intervened": "ja",
    "intervention": "Snakket med gruppen.",
    "pupil_informed": "ja",
}
TWO_METHODS = {
    "samtale_elev_date": "2026-11-25",
    "samtale_elev_note": "Gruer seg.",
    "foresatte_date": "2026-11-26",
    "foresatte_note": "Bekymret.",
    "findings": "Alene.",
    "best_interest": "Voksne tett på.",
    "completed": "true",
}
TWO_MEASURES = {
    "problem": "Utenfor.",
    "m1_description": "Voksen i storefri",
    "m1_when": "Hver dag",
    "m1_responsible": TEACHER_ID,
    "m1_ends_on": "2027-01-15",
    "m2_description": "Klassemøte",
    "m2_level": "klasse",
    "m2_when": "Fredager",
    "m2_responsible": LEADER,
    "m2_ends_on": "2026-12-18",
    "pupil_view": "Vil være med.",
    "parents_view": "Ønsker kontakt.",
}


def _report(values: dict[str, str]) -> Report:
    parsed = parse_report(values, TODAY)
    assert isinstance(parsed, Report), parsed
    return parsed


def after() -> dict[str, Effort]:
    form = report_form_card("d", today=TODAY)
    summary = report_summary_card("d", _report(REPORT))
    errors = {"intervention": "Skriv kort hvordan du grep inn."}
    again = report_form_card("d", values={**REPORT, "intervention": ""}, errors=errors, today=TODAY)
    first = investigation_form_card(CASE_ID, REFERENCE, current=None, today=TODAY)
    chosen = {"methods": "samtale_elev,foresatte"}
    second = investigation_form_card(CASE_ID, REFERENCE, current=None, values=chosen, today=TODAY)
    plan = plan_form_card(
        CASE_ID,
        REFERENCE,
        version=1,
        previous=None,
        staff_choices=STAFF,
        default_evaluate_on=date(2026, 12, 17),
        today=TODAY,
    )
    return {
        "report": effort([Step(form, REPORT, "Se over"), Step(summary, {}, "Send til rektor")]),
        "report, «Hvis ja» left empty": effort(
            [
                Step(form, {**REPORT, "intervention": ""}, "Se over"),
                Step(report_errors_card("d", errors), {}, "Rett opp"),
                Step(again, {"intervention": "Snakket med gruppen."}, "Se over"),
                Step(summary, {}, "Send til rektor"),
            ]
        ),
        "investigation": effort(
            [
                Step(first, chosen, SHOW_CHOSEN),
                Step(second, TWO_METHODS, "Lagre undersøkelsen"),
            ]
        ),
        "plan": effort([Step(plan, TWO_MEASURES, "Lagre aktivitetsplan")]),
    }


def test_the_counts_after() -> None:
    assert after() == {
        "report": Effort(cards=2, inputs=(14, 0), taps=15),
        "report, «Hvis ja» left empty": Effort(cards=4, inputs=(14, 0, 14, 0), taps=17),
        "investigation": Effort(cards=2, inputs=(4, 8), taps=13),
        # 13 inputs and 14 taps before issue 14 point 3: each measure's end date (two
        # measures shown) and the reason the pupil's view is missing are new, required content.
        "plan": Effort(cards=1, inputs=(16,), taps=18),
    }


def test_no_form_card_got_longer_and_the_long_ones_are_about_half() -> None:
    now = after()
    for case, before in BEFORE.items():
        assert now[case].longest <= before.longest, case
    assert 2 * now["investigation"].longest <= BEFORE["investigation"].longest + 1
    # The plan now asks for each measure's end date and why the pupil's view is missing.
    assert 3 * now["plan"].longest <= 2 * BEFORE["plan"].longest
