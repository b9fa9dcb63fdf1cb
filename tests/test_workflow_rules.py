"""Issue 14 as rules with a fixed clock: dates that hold, the workflow without holes,
substitutes while someone is away."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.followup import (
    ActivityPlan,
    EvaluationBounds,
    FormErrors,
    parse_evaluation,
    parse_plan,
    propose_evaluation,
)
from bot.domain.school import School
from tests.conftest import LEADER_9, T0
from tests.test_followup_domain import STAFF, plan_values

TODAY = date(2026, 11, 26)


# --- point 2: dates --------------------------------------------------------------------------


def test_dates_proposed_evaluation_in_christmas_break_moves_to_next_school_day(
    school: School,
) -> None:
    # 01.12.2026 + 3 weeks is 22.12.2026, in the configured Christmas break.
    proposal = propose_evaluation(school.calendar, date(2026, 12, 1), 3)
    assert proposal.day == date(2027, 1, 4) and proposal.moved_from == date(2026, 12, 22)
    assert proposal.note is not None and "04.01.2027" in proposal.note
    assert "22.12.2026 er ikke en skoledag" in proposal.note


def test_dates_proposal_on_a_school_day_is_not_moved(school: School) -> None:
    proposal = propose_evaluation(school.calendar, TODAY, 3)
    assert proposal.day == date(2026, 12, 17) and proposal.moved_from is None
    assert proposal.note is None


def test_dates_proposal_on_a_saturday_moves_to_monday(school: School) -> None:
    proposal = propose_evaluation(school.calendar, date(2026, 11, 28), 2)  # Saturday + 2 weeks
    assert proposal.day == date(2026, 12, 14)


def _plan(school: School, today: date = TODAY, **values: str) -> ActivityPlan | FormErrors:
    return parse_plan(
        plan_values(**values),
        staff_ids=STAFF,
        version=1,
        today=today,
        now=T0,
        by=LEADER_9,
        calendar=school.calendar,
        bounds=school.evaluation_bounds,
    )


def test_dates_evaluation_date_in_a_holiday_is_refused_with_a_school_day_offered(
    school: School,
) -> None:
    parsed = _plan(school, date(2026, 12, 1), evaluate_on="2026-12-22")
    assert isinstance(parsed, FormErrors)
    assert parsed.messages["evaluate_on"] == (
        "22.12.2026 er ikke en skoledag. Velg en skoledag, for eksempel 04.01.2027."
    )


@pytest.mark.parametrize(
    ("evaluate_on", "words"),
    [
        ("2026-11-30", "minst 1 uke(r) fram i tid (tidligst 03.12.2026)"),
        ("2027-01-22", "høyst 8 uker fram i tid (senest 21.01.2027)"),
        ("2027-11-25", "høyst 8 uker"),
    ],
)
def test_dates_evaluation_date_is_between_one_and_eight_weeks_ahead(
    school: School, evaluate_on: str, words: str
) -> None:
    parsed = _plan(school, evaluate_on=evaluate_on)
    assert isinstance(parsed, FormErrors) and words in parsed.messages["evaluate_on"]
    assert isinstance(_plan(school, evaluate_on="2027-01-21"), ActivityPlan)  # 8 weeks exactly
    assert isinstance(_plan(school, evaluate_on="2026-12-03"), ActivityPlan)  # 1 week exactly


def test_dates_evaluation_bounds_are_configurable(school: School) -> None:
    bounds = EvaluationBounds(min_weeks=2, max_weeks=4)
    parsed = parse_plan(
        plan_values(evaluate_on="2026-12-08"),
        staff_ids=STAFF,
        version=1,
        today=TODAY,
        now=T0,
        by=LEADER_9,
        calendar=school.calendar,
        bounds=bounds,
    )
    assert isinstance(parsed, FormErrors) and "minst 2 uke(r)" in parsed.messages["evaluate_on"]


def test_dates_next_evaluation_after_continuing_must_be_a_school_day_in_bounds(
    school: School,
) -> None:
    values = {"outcome": "videreføre", "note": "Bedre", "next_evaluation_on": "2027-01-01"}
    parsed = parse_evaluation(
        values,
        plan_version=1,
        today=date(2026, 12, 17),
        now=T0,
        by=LEADER_9,
        default_next=date(2027, 1, 7),
        calendar=school.calendar,
        bounds=school.evaluation_bounds,
    )
    assert isinstance(parsed, FormErrors)
    assert "01.01.2027 er ikke en skoledag" in parsed.messages["next_evaluation_on"]
    values["next_evaluation_on"] = ""
    taken = parse_evaluation(
        values,
        plan_version=1,
        today=date(2026, 12, 17),
        now=T0,
        by=LEADER_9,
        default_next=date(2027, 1, 7),
        calendar=school.calendar,
        bounds=school.evaluation_bounds,
    )
    assert not isinstance(taken, FormErrors) and taken.next_evaluation_on == date(2027, 1, 7)
    assert date(2027, 1, 7) - date(2026, 12, 17) == timedelta(weeks=3)
