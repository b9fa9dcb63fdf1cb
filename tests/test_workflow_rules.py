"""Issue 14 as rules with a fixed clock: dates that hold, the workflow without holes,
substitutes while someone is away."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TypeVar

import pytest

from bot.config import parse_school
from bot.domain.case import (
    Case,
    CaseRecipient,
    CaseState,
    DomainError,
    EventKind,
    InvalidTransition,
)
from bot.domain.followup import (
    ActivityPlan,
    Conclusion,
    Evaluation,
    EvaluationBounds,
    FormErrors,
    Investigation,
    parse_conclusion,
    parse_evaluation,
    parse_investigation,
    parse_plan,
    propose_evaluation,
    view_missing_label,
)
from bot.domain.reminders import (
    Reminder,
    ReminderKind,
    ReminderRules,
    evaluation_recipients,
    leader_of,
    plan_reminders,
    still_relevant,
)
from bot.domain.routing import Reason
from bot.domain.school import School
from bot.services.reporting import escalation_hours, reminder_rules
from tests.conftest import DEPUTY, LEADER_9, OSLO, REKTOR, T0, TEACHER_8, TEACHER_9
from tests.samples import report, reported_case
from tests.test_followup_domain import STAFF, plan_values

TODAY = date(2026, 11, 26)
Parsed = TypeVar("Parsed")


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


def _plan(school: School, today: date = TODAY, bounds: EvaluationBounds | None = None,
          **values: str) -> ActivityPlan | FormErrors:
    """The plan form parsed as the school checks it, or with other `bounds`."""
    return parse_plan(
        plan_values(**values),
        staff_ids=STAFF,
        version=1,
        today=today,
        now=T0,
        by=LEADER_9,
        calendar=school.calendar,
        bounds=bounds or school.evaluation_bounds,
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
    parsed = _plan(school, bounds=bounds, evaluate_on="2026-12-08")
    assert isinstance(parsed, FormErrors) and "minst 2 uke(r)" in parsed.messages["evaluate_on"]


def test_dates_next_evaluation_after_continuing_must_be_a_school_day_in_bounds(
    school: School,
) -> None:
    def continued(next_evaluation_on: str) -> Evaluation | FormErrors:
        """«Videreføre» on the evaluation date 17.12.2026, with the next date as given."""
        return parse_evaluation(
            {"outcome": "videreføre", "note": "Bedre", "next_evaluation_on": next_evaluation_on},
            plan_version=1,
            today=date(2026, 12, 17),
            now=T0,
            by=LEADER_9,
            default_next=date(2027, 1, 7),
            calendar=school.calendar,
            bounds=school.evaluation_bounds,
        )

    parsed = continued("2027-01-01")
    assert isinstance(parsed, FormErrors)
    assert "01.01.2027 er ikke en skoledag" in parsed.messages["next_evaluation_on"]
    taken = continued("")
    assert not isinstance(taken, FormErrors) and taken.next_evaluation_on == date(2027, 1, 7)
    assert date(2027, 1, 7) - date(2026, 12, 17) == timedelta(weeks=3)


# --- point 3: the workflow ---------------------------------------------------------------------


def _case(school: School, **report_values: str) -> Case:
    case, _ = reported_case(school, report(**report_values))
    return case


def _accepted(parsed: Parsed | FormErrors) -> Parsed:
    """What a form parsed into; the helpers below build valid forms, so errors are a bug."""
    assert not isinstance(parsed, FormErrors), parsed
    return parsed


def _investigation(completed: bool = True, best_interest: str = "Trygghet først.") -> Investigation:
    return _accepted(parse_investigation(
        {
            "methods": "samtale_elev",
            "samtale_elev_date": "2026-11-26",
            "findings": "Trives.",
            "best_interest": best_interest,
            "completed": str(completed).lower(),
        },
        today=TODAY,
        now=T0,
        by=LEADER_9,
    ))


def _conclusion(**values: str) -> Conclusion:
    return _accepted(parse_conclusion(
        {
            "conclusion": "Eleven har et trygt og godt skolemiljø.",
            "pupil_view": "Eleven sier hen har det bra.",
            **values,
        },
        today=TODAY,
        now=T0,
        by=LEADER_9,
    ))


def test_close_without_measures_after_investigation_documents_conclusion_and_reasons(
    school: School,
) -> None:
    case = _investigated(school)
    events = case.close_without_measures(_conclusion(), LEADER_9, T0)
    kinds = [e.kind for e in events]
    assert EventKind.CONCLUDED in kinds and EventKind.CLOSED in kinds
    closed = next(e for e in events if e.kind is EventKind.CLOSED)
    assert closed.detail == {"path": "no_measures"}
    assert case.state is CaseState.AVSLUTTET and case.plans == []
    assert case.conclusion is not None and case.conclusion.pupil_view
    assert case.investigation is not None and case.investigation.best_interest


def test_close_without_measures_needs_the_pupil_heard_or_the_reason_given() -> None:
    parsed = parse_conclusion({"conclusion": "Trygt."}, today=TODAY, now=T0, by=LEADER_9)
    assert isinstance(parsed, FormErrors)
    assert parsed.messages["pupil_view"] == "Skriv elevens syn, eller velg hvorfor det mangler."
    reason = _conclusion(pupil_view="", pupil_view_missing="for_ung")
    assert reason.pupil_view_missing == "for_ung"
    assert isinstance(
        parse_conclusion({"pupil_view": "Bra."}, today=TODAY, now=T0, by=LEADER_9), FormErrors
    )


def test_close_without_measures_needs_a_completed_investigation_with_barnets_beste(
    school: School,
) -> None:
    case = _case(school)
    case.start_investigation(LEADER_9, T0)
    with pytest.raises(DomainError, match="Fullfør undersøkelsen"):
        case.close_without_measures(_conclusion(), LEADER_9, T0)
    case.record_investigation(_investigation(completed=False), LEADER_9, T0)
    with pytest.raises(DomainError, match="Fullfør undersøkelsen"):
        case.close_without_measures(_conclusion(), LEADER_9, T0)
    with pytest.raises(DomainError, match="Bare rektor og den som har tatt saken"):
        case.close_without_measures(_conclusion(), TEACHER_8, T0)


def test_close_without_measures_is_a_path_apart_from_closing_an_evaluated_plan(
    school: School,
) -> None:
    case = _investigated(school)
    case.save_plan(_saved_plan(), LEADER_9, T0)
    with pytest.raises(InvalidTransition, match="avsluttes ved evaluering"):
        case.close_without_measures(_conclusion(), LEADER_9, T0)


def _saved_plan(version: int = 1, evaluate_on: str = "2026-12-17", **values: str) -> ActivityPlan:
    return _accepted(parse_plan(
        plan_values(evaluate_on=evaluate_on, **values),
        staff_ids=STAFF,
        version=version,
        today=TODAY,
        now=T0,
        by=LEADER_9,
    ))


def test_plan_needs_a_documented_investigation_with_barnets_beste_first(school: School) -> None:
    case = _case(school)
    case.start_investigation(LEADER_9, T0)
    with pytest.raises(DomainError, match="barnets beste"):
        case.save_plan(_saved_plan(), LEADER_9, T0)
    case.record_investigation(_investigation(completed=False, best_interest=""), LEADER_9, T0)
    with pytest.raises(DomainError, match="barnets beste"):
        case.save_plan(_saved_plan(), LEADER_9, T0)
    case.record_investigation(_investigation(completed=False), LEADER_9, T0)
    assert case.save_plan(_saved_plan(), LEADER_9, T0)
    assert case.state is CaseState.TILTAK


def test_plan_each_measure_has_an_end_date() -> None:
    parsed = parse_plan(
        plan_values(m2_ends_on=""), staff_ids=STAFF, version=1, today=TODAY, now=T0, by=LEADER_9
    )
    assert isinstance(parsed, FormErrors)
    assert parsed.messages["m2_ends_on"] == "Velg når tiltak 2 slutter (tiltak er tidsavgrenset)."
    plan = _saved_plan()
    assert [m.ends_on for m in plan.measures] == [date(2027, 1, 15), date(2026, 12, 18)]


def test_plan_pupils_view_is_required_or_the_reason_it_is_missing_is_given() -> None:
    parsed = parse_plan(
        plan_values(pupil_view=""), staff_ids=STAFF, version=1, today=TODAY, now=T0, by=LEADER_9
    )
    assert isinstance(parsed, FormErrors)
    assert parsed.messages["pupil_view"] == "Skriv elevens syn, eller velg hvorfor det mangler."
    declined = _saved_plan(pupil_view="", pupil_view_missing="onsket_ikke")
    assert declined.pupil_view_missing == "onsket_ikke"
    assert view_missing_label(declined.pupil_view_missing) == "Eleven ønsket ikke å uttale seg"
    # A view given wins: no reason is stored beside it.
    assert _saved_plan(pupil_view_missing="for_ung").pupil_view_missing == ""


def _close(by: str, override: str = "") -> Evaluation:
    values = {"outcome": "avslutte", "note": "Eleven sier hen har det bra."}
    if override:
        values["override_reason"] = override
    return _accepted(
        parse_evaluation(values, plan_version=1, today=TODAY, now=T0, by=by, default_next=TODAY)
    )


def _investigated(school: School) -> Case:
    """A case with its investigation documented: ready for a plan or a conclusion."""
    case = _case(school)
    case.start_investigation(LEADER_9, T0)
    case.record_investigation(_investigation(), LEADER_9, T0)
    return case


def _planned(school: School) -> Case:
    case = _investigated(school)
    case.save_plan(_saved_plan(), LEADER_9, T0)
    return case


def test_closing_needs_an_evaluation_on_or_after_the_plans_evaluation_date(
    school: School,
) -> None:
    case = _planned(school)  # to be evaluated 17.12.2026
    with pytest.raises(DomainError, match=r"evalueringsdatoen \(17.12.2026\)"):
        case.evaluate(_close(LEADER_9), LEADER_9, T0, today=date(2026, 12, 16))
    assert (case.state, case.evaluations) == (CaseState.TILTAK, [])
    events = case.evaluate(_close(LEADER_9), LEADER_9, T0, today=date(2026, 12, 17))
    assert case.state is CaseState.AVSLUTTET
    assert EventKind.CLOSE_OVERRIDDEN not in [e.kind for e in events]
    closed = next(e for e in events if e.kind is EventKind.CLOSED)
    assert closed.detail == {"path": "evaluated_plan"}


def test_closing_early_only_by_rektor_with_a_written_reason_and_audited(school: School) -> None:
    case = _planned(school)
    with pytest.raises(DomainError, match="Bare rektor"):
        case.evaluate(_close(LEADER_9, "Flyttet"), LEADER_9, T0, today=TODAY)
    with pytest.raises(DomainError, match="Rektor kan avslutte før"):
        case.evaluate(_close(REKTOR), REKTOR, T0, today=TODAY)
    events = case.evaluate(_close(REKTOR, "Eleven har flyttet."), REKTOR, T0, today=TODAY)
    kinds = [e.kind for e in events]
    assert EventKind.CLOSE_OVERRIDDEN in kinds and case.state is CaseState.AVSLUTTET
    assert case.evaluations[-1].override_reason == "Eleven har flyttet."
    # The reason is in the sealed documentation, never in the trail's detail.
    assert all("flyttet" not in str(e.detail) for e in events)


def test_plan_deadline_reminder_to_leader_then_rektor_after_plan_school_days(
    school: School,
) -> None:
    case = _case(school)
    case.start_investigation(LEADER_9, T0)  # Thursday 26.11
    rules = ReminderRules(plan_school_days=5, plan_rektor_school_days=2)
    by_kind = {r.kind: r for r in plan_reminders(case, school.calendar, rules)}
    leader, rektor = by_kind[ReminderKind.PLAN_LEADER], by_kind[ReminderKind.PLAN_REKTOR]
    assert (leader.recipient_id, leader.due_at) == (LEADER_9, datetime(2026, 12, 3, 8, tzinfo=OSLO))
    assert (rektor.recipient_id, rektor.due_at) == (REKTOR, datetime(2026, 12, 7, 8, tzinfo=OSLO))
    assert still_relevant(leader, case) and still_relevant(rektor, case)
    case.record_investigation(_investigation(), LEADER_9, T0)
    assert still_relevant(leader, case)  # documenting is not concluding
    case.save_plan(_saved_plan(), LEADER_9, T0)
    assert not still_relevant(leader, case) and not still_relevant(rektor, case)


def test_plan_deadline_reminder_is_void_after_a_conclusion_without_measures(
    school: School,
) -> None:
    case = _case(school)
    case.start_investigation(LEADER_9, T0)
    [leader, _] = plan_reminders(case, school.calendar, ReminderRules())
    case.record_investigation(_investigation(), LEADER_9, T0)
    case.close_without_measures(_conclusion(), LEADER_9, T0)
    assert not still_relevant(leader, case)


def test_plan_deadline_default_is_five_school_days_from_the_config(school: School) -> None:
    assert school.plan_school_days == 5 and reminder_rules(school).plan_school_days == 5
    assert parse_school({**_minimal(), "routines": {"plan_school_days": 10}}).plan_school_days == 10


def _minimal() -> dict[str, object]:
    return {
        "school": {"name": "Testskolen"},
        "school_owner": {"name": "Eier", "phone": "1"},
        "staff": [
            {"aad_object_id": REKTOR, "name": "Rektor", "roles": ["rektor"]},
            {"aad_object_id": LEADER_9, "name": "Leder", "roles": ["leder"]},
            {"aad_object_id": TEACHER_9, "name": "Lærer", "roles": ["ansatt"]},
        ],
    }


def test_mark_serious_later_by_rektor_records_when_and_who(school: School) -> None:
    case = _case(school)
    assert (case.serious, case.owner_must_be_notified) == (False, False)
    case.start_investigation(LEADER_9, T0)
    later = T0 + timedelta(days=2)
    [event] = case.mark_serious(REKTOR, later)
    assert event.kind is EventKind.MARKED_SERIOUS and event.actor_id == REKTOR
    assert case.marked_serious_at == later and case.marked_serious_by == REKTOR
    assert case.serious and case.owner_must_be_notified
    assert case.mark_serious(REKTOR, later) == []  # once
    events = case.record_owner_notified(REKTOR, later)
    assert EventKind.OWNER_NOTIFIED in [e.kind for e in events]


def test_mark_serious_refused_for_a_leader_but_allowed_acting_for_rektor(
    school: School,
) -> None:
    case = _case(school)
    with pytest.raises(DomainError, match="Bare rektor eller rektors stedfortreder"):
        case.mark_serious(LEADER_9, T0)
    with pytest.raises(DomainError, match="Bare rektor eller rektors stedfortreder"):
        case.record_owner_notified(LEADER_9, T0)
    assert case.mark_serious(LEADER_9, T0, acting_for_rektor=True)
    assert case.record_owner_notified(LEADER_9, T0, acting_for_rektor=True)
    assert case.owner_notified_by == LEADER_9


def test_mark_serious_by_the_deputy_on_the_case(school: School) -> None:
    case = _case(school)
    case.recipients.append(CaseRecipient(DEPUTY, Reason.DEPUTY))
    assert case.mark_serious(DEPUTY, T0)
    assert case.record_owner_notified(DEPUTY, T0)


def test_12_5_suspected_employee_is_never_the_leader_responsible_or_reminded(
    school: School,
) -> None:
    case = _case(school, staff_suspected="true")
    case.suspected_id = LEADER_9  # the nearest leader is the one suspected
    assert leader_of(case) == REKTOR
    case.start_investigation(REKTOR, T0)
    case.record_investigation(_investigation(), REKTOR, T0)
    with pytest.raises(DomainError, match="§ 12-5"):
        case.save_plan(_saved_plan(), REKTOR, T0)  # LEADER_9 is responsible for measure 2
    case.save_plan(_saved_plan(m2_description=""), REKTOR, T0)
    assert LEADER_9 not in evaluation_recipients(case)
    stray = Reminder(
        "k",
        case.id,
        ReminderKind.EVALUATION_DUE,
        LEADER_9,
        T0,
        detail={"version": "1", "due_on": "2026-12-17"},
    )
    assert not still_relevant(stray, case)
    with pytest.raises(DomainError, match="§ 12-5"):
        case.add_member(LEADER_9, REKTOR, T0)


def test_12_5_escalation_after_one_school_hour_by_default(school: School) -> None:
    assert school.escalation_hours_12_5 == 1.0 and school.escalation_hours == 2.0
    assert escalation_hours(school, _case(school, staff_suspected="true")) == 1.0
    assert escalation_hours(school, _case(school)) == 2.0
    tuned = parse_school({**_minimal(), "routines": {"escalation_hours_12_5": 0.5}})
    assert tuned.escalation_hours_12_5 == 0.5
