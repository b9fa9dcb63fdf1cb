"""Plan, investigation, evaluation and reminders as rules, without I/O."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.domain.case import AccessDenied, Case, CaseState, DomainError, InvalidTransition
from bot.domain.followup import (
    ActivityPlan,
    FormErrors,
    Outcome,
    parse_evaluation,
    parse_investigation,
    parse_observation,
    parse_plan,
    pupil_key,
    should_suggest_report,
)
from bot.domain.reminders import (
    ReminderKind,
    ReminderRules,
    evaluation_reminders,
    follow_ups,
    investigation_reminders,
    still_relevant,
)
from bot.domain.school import School
from tests.conftest import LEADER_9, MILJO, OSLO, REKTOR, T0, TEACHER_8, TEACHER_9
from tests.samples import reported_case

TODAY = date(2026, 11, 26)
STAFF = [REKTOR, LEADER_9, TEACHER_9, TEACHER_8, MILJO]


def _next(case: Case) -> date | None:
    """Read anew after each step: mypy would keep an earlier assert's narrowing of the field."""
    return case.next_evaluation_on


def plan_values(**overrides: str) -> dict[str, str]:
    values = {
        "problem": "Ola blir holdt utenfor i friminuttene.",
        "m1_level": "individ", "m1_description": "Fast voksen i storefri",
        "m1_when": "Fra 1.12, hver dag", "m1_responsible": TEACHER_9,
        "m1_ends_on": "2027-01-15",
        "m2_level": "klasse", "m2_description": "Samarbeidslæring i klassen",
        "m2_when": "Uke 49–51", "m2_responsible": LEADER_9, "m2_ends_on": "2026-12-18",
        "evaluate_on": "2026-12-17",
        "pupil_view": "Ola ønsker å være med i fotballen.",
    }
    values.update(overrides)
    return values


def test_a_complete_plan_parses() -> None:
    plan = parse_plan(plan_values(), staff_ids=STAFF, version=1, today=TODAY, now=T0, by=LEADER_9)
    assert isinstance(plan, ActivityPlan)
    assert [m.responsible_id for m in plan.measures] == [TEACHER_9, LEADER_9]
    assert plan.responsible_ids == (TEACHER_9, LEADER_9)


@pytest.mark.parametrize(
    ("overrides", "element"),
    [
        ({"problem": ""}, "hvilket problem"),
        ({"m1_description": "", "m2_description": ""}, "hvilke tiltak"),
        ({"m1_when": ""}, "når tiltakene skal gjennomføres"),
        ({"m2_responsible": ""}, "hvem som er ansvarlig"),
        ({"evaluate_on": ""}, "når tiltakene skal evalueres"),
    ],
)
def test_a_plan_missing_one_of_the_five_elements_says_which(
    overrides: dict[str, str], element: str,
) -> None:
    parsed = parse_plan(plan_values(**overrides), staff_ids=STAFF, version=1, today=TODAY,
                        now=T0, by=LEADER_9)
    assert isinstance(parsed, FormErrors)
    assert element in parsed.messages["form"]
    assert "§ 12-4" in parsed.messages["form"]


def test_a_pupil_or_parent_cannot_be_responsible() -> None:
    parsed = parse_plan(plan_values(m1_responsible="foresatt-til-ola"), staff_ids=STAFF,
                        version=1, today=TODAY, now=T0, by=LEADER_9)
    assert isinstance(parsed, FormErrors)
    assert "aldri en elev eller en forelder" in parsed.messages["m1_responsible"]


def test_evaluation_date_must_be_ahead() -> None:
    parsed = parse_plan(plan_values(evaluate_on="2026-11-20"), staff_ids=STAFF, version=1,
                        today=TODAY, now=T0, by=LEADER_9)
    assert isinstance(parsed, FormErrors) and "fram i tid" in parsed.messages["evaluate_on"]


def test_investigation_needs_findings_to_be_completed() -> None:
    values = {"samtale_elev_done": "true", "samtale_elev_date": "2026-11-25",
              "samtale_elev_note": "Dialogisk samtale", "completed": "true"}
    parsed = parse_investigation(values, today=TODAY, now=T0, by=LEADER_9)
    assert isinstance(parsed, FormErrors)
    assert "findings" in parsed.messages and "best_interest" in parsed.messages
    values.update(findings="Eleven opplever utenforskap.", best_interest="Trygghet først.")
    done = parse_investigation(values, today=TODAY, now=T0, by=LEADER_9)
    assert not isinstance(done, FormErrors)
    assert done.completed and done.steps[0].done_on == date(2026, 11, 25)


def test_closing_needs_a_note() -> None:
    parsed = parse_evaluation({"outcome": "avslutte"}, plan_version=1, today=TODAY, now=T0,
                              by=LEADER_9, default_next=TODAY + timedelta(weeks=3))
    assert isinstance(parsed, FormErrors)
    assert "eleven sier hen har det bra" in parsed.messages["note"]


def opened_case(school: School, case_id: str = "c" * 32) -> Case:
    case, _ = reported_case(school, case_id=case_id)
    return case


def _plan(version: int = 1, evaluate_on: str = "2026-12-17") -> ActivityPlan:
    plan = parse_plan(plan_values(evaluate_on=evaluate_on), staff_ids=STAFF, version=version,
                      today=TODAY, now=T0, by=LEADER_9)
    assert isinstance(plan, ActivityPlan)
    return plan


def documented(case: Case) -> None:
    """The investigation a plan needs first: a method used and barnets beste written."""
    investigation = parse_investigation(
        {"methods": "samtale_elev", "samtale_elev_date": "2026-11-26",
         "best_interest": "Trygghet først.", "findings": "Utenfor.", "completed": "true"},
        today=TODAY, now=T0, by=LEADER_9)
    assert not isinstance(investigation, FormErrors)
    case.record_investigation(investigation, LEADER_9, T0)


def test_the_case_walks_through_the_sub_duties(school: School) -> None:
    case = opened_case(school)
    with pytest.raises(InvalidTransition, match="Start undersøkelsen"):
        case.save_plan(_plan(), LEADER_9, T0)
    investigation = parse_investigation({"loggbok_done": "true", "loggbok_date": "2026-11-26",
                                         "best_interest": "Trygghet først."},
                                        today=TODAY, now=T0, by=LEADER_9)
    assert not isinstance(investigation, FormErrors)
    case.record_investigation(investigation, LEADER_9, T0)
    assert case.state is CaseState.UNDERSOKE
    case.save_plan(_plan(), LEADER_9, T0)
    assert (case.state, case.next_evaluation_on) == (CaseState.TILTAK, date(2026, 12, 17))
    with pytest.raises(DomainError, match="endret av en annen"):
        case.save_plan(_plan(version=1), LEADER_9, T0)
    # The teacher responsible for a measure may now see and evaluate the case.
    assert case.can_view(TEACHER_9) and not case.can_view(TEACHER_8)
    evaluation = parse_evaluation({"outcome": "videreføre", "note": "Bedre",
                                   "next_evaluation_on": "2027-01-14"}, plan_version=1,
                                  today=TODAY, now=T0, by=TEACHER_9,
                                  default_next=TODAY + timedelta(weeks=3))
    assert not isinstance(evaluation, FormErrors)
    case.evaluate(evaluation, TEACHER_9, T0)
    assert _next(case) == date(2027, 1, 14)
    adjust = parse_evaluation({"outcome": "justere", "note": "Nye tiltak trengs"},
                              plan_version=1, today=TODAY, now=T0, by=LEADER_9,
                              default_next=TODAY)
    assert not isinstance(adjust, FormErrors)
    case.evaluate(adjust, LEADER_9, T0)
    assert _next(case) is None
    case.save_plan(_plan(version=2, evaluate_on="2027-01-21"), LEADER_9, T0)
    assert [p.version for p in case.plans] == [1, 2]
    close = parse_evaluation({"outcome": "avslutte", "note": "Eleven sier hen har det bra"},
                             plan_version=2, today=TODAY, now=T0, by=LEADER_9,
                             default_next=TODAY)
    assert not isinstance(close, FormErrors) and close.outcome is Outcome.CLOSE
    case.evaluate(close, LEADER_9, T0, today=date(2027, 1, 21))
    assert (case.state, case.next_evaluation_on) == (CaseState.AVSLUTTET, None)
    with pytest.raises(AccessDenied):
        case.evaluate(close, TEACHER_8, T0)


def test_members_are_added_by_rektor_or_the_taker(school: School) -> None:
    case = opened_case(school)
    with pytest.raises(DomainError, match="Bare rektor"):
        case.add_member(MILJO, LEADER_9, T0)
    case.take(LEADER_9, T0)
    assert case.add_member(MILJO, LEADER_9, T0)
    assert case.is_routed_to(MILJO) and case.add_member(MILJO, REKTOR, T0) == []


def test_investigation_reminders_fire_on_school_mornings(school: School) -> None:
    case = opened_case(school)  # reported Thursday 26.11 at 10:00
    reminders = investigation_reminders(case, school.calendar, ReminderRules())
    by_kind = {r.kind: r for r in reminders}
    leader = by_kind[ReminderKind.INVESTIGATION_LEADER]
    assert leader.recipient_id == LEADER_9
    assert leader.due_at == datetime(2026, 11, 30, 8, 0, tzinfo=OSLO)  # Monday
    rektor = by_kind[ReminderKind.INVESTIGATION_REKTOR]
    assert rektor.recipient_id == REKTOR
    assert rektor.due_at == datetime(2026, 12, 2, 8, 0, tzinfo=OSLO)
    assert still_relevant(leader, case)
    case.start_investigation(LEADER_9, T0)
    assert not still_relevant(leader, case)


def test_evaluation_reminders_and_their_overdue_chain(school: School) -> None:
    case = opened_case(school)
    case.start_investigation(LEADER_9, T0)
    documented(case)
    case.save_plan(_plan(evaluate_on="2026-12-17"), LEADER_9, T0)
    due = evaluation_reminders(case, school.calendar)
    assert {r.recipient_id for r in due} == {TEACHER_9, LEADER_9}
    assert {r.due_at for r in due} == {datetime(2026, 12, 17, 8, 0, tzinfo=OSLO)}
    mine = next(r for r in due if r.recipient_id == TEACHER_9)
    chain = follow_ups(mine, case, school.calendar, ReminderRules())
    assert [r.kind for r in chain] == [ReminderKind.EVALUATION_OVERDUE]
    assert chain[0].due_at == datetime(2026, 12, 18, 8, 0, tzinfo=OSLO)
    # Friday 18.12 → the next school day is after the Christmas holiday (4.1).
    later = follow_ups(chain[0], case, school.calendar, ReminderRules())
    assert later[0].due_at == datetime(2027, 1, 4, 8, 0, tzinfo=OSLO)
    assert ReminderKind.EVALUATION_REKTOR not in [r.kind for r in later]
    third = follow_ups(later[0], case, school.calendar, ReminderRules())
    assert ReminderKind.EVALUATION_REKTOR in [r.kind for r in third]


def test_observations_suggest_a_report_at_the_third_in_30_days() -> None:
    def note(day: date) -> object:
        return parse_observation({"pupil_name": "Ola  Nordmann", "pupil_class": "9 B",
                                  "note": "Alene", "observed_on": day.isoformat()},
                                 today=TODAY, now=T0, by=TEACHER_9, new_id=day.isoformat())

    notes = [note(TODAY - timedelta(days=d)) for d in (0, 10, 40)]
    assert all(not isinstance(n, FormErrors) for n in notes)
    assert not should_suggest_report(notes, TODAY)  # type: ignore[arg-type]
    notes.append(note(TODAY - timedelta(days=20)))
    assert should_suggest_report(notes, TODAY)  # type: ignore[arg-type]
    assert pupil_key("Ola Nordmann", "9B") == pupil_key("ola  nordmann", "9 b")
