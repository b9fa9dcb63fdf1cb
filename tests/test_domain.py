"""The rules of the report, the routing and the case, without any I/O."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.domain.case import AccessDenied, Case, CaseState, DomainError, EventKind
from bot.domain.people import Person, Role, unknown_person
from bot.domain.report import MAX_TEXT, ReportErrors, parse_report
from bot.domain.routing import Reason, Warning, route
from bot.domain.school import ConfiguredDirectory, School
from tests.conftest import (
    DEPUTY,
    LEADER_9,
    OSLO,
    REKTOR,
    T0,
    TEACHER_8,
    TEACHER_9,
)
from tests.samples import form_values, report

TODAY = date(2026, 11, 26)


# --- parsing the form -------------------------------------------------------------------------


def test_a_complete_form_parses() -> None:
    parsed = parse_report(form_values(), TODAY)
    assert not isinstance(parsed, ReportErrors)
    assert parsed.signs == ("kvier_seg", "relasjoner")
    assert parsed.intervened is True


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pupil_name", "", "Fyll inn elevens navn."),
        ("pupil_name", "   ", "Fyll inn elevens navn."),
        ("description", "x" * (MAX_TEXT + 1), "for lang (4001 tegn, maks 4000)"),
        ("category", "hemmelig", "fra listen"),
        ("source", "", "Velg hvordan du fikk vite"),
        ("intervened", "kanskje", "Svar på om du grep inn."),
        ("pupil_informed", "", "Svar på om eleven vet"),
        ("occurred_on", "2026-12-24", "kan ikke være fram i tid"),
        ("occurred_on", "i går", "ÅÅÅÅ-MM-DD"),
        ("signs", "kvier_seg,ukjent", "Velg kjennetegn fra listen."),
        ("pupil_class", "12345678901", "fødselsnummer"),
        ("description", "Eleven 010203 12345 ble slått", "fødselsnummer"),
        ("staff_suspected", "kanskje", "Svar ja eller nei."),
        ("pupil_name", ["Ola"], "feil format"),
    ],
)
def test_every_bad_field_gets_a_norwegian_message(field: str, value: object, message: str
                                                  ) -> None:
    parsed = parse_report(form_values(**{field: value}), TODAY)
    assert isinstance(parsed, ReportErrors)
    assert message in parsed.messages[field]


def test_intervened_without_how_is_refused_and_how_is_dropped_when_not_intervened() -> None:
    parsed = parse_report(form_values(intervened="ja", intervention=""), TODAY)
    assert isinstance(parsed, ReportErrors)
    assert "intervention" in parsed.messages
    parsed = parse_report(form_values(intervened="nei", intervention="noe"), TODAY)
    assert not isinstance(parsed, ReportErrors)
    assert parsed.intervention == ""


def test_an_empty_submit_lists_every_required_field_in_form_order() -> None:
    parsed = parse_report({}, TODAY)
    assert isinstance(parsed, ReportErrors)
    assert list(parsed.messages)[:3] == ["pupil_name", "pupil_class", "category"]
    assert "description" in parsed.messages


def test_leadership_suspected_implies_staff_suspected() -> None:
    assert report(leadership_suspected="true").staff_suspected is True


def test_values_round_trip() -> None:
    original = report(serious="true", occurred_on="")
    again = parse_report(original.to_values(), TODAY)
    assert again == original


# --- routing (plan 8.3, §12-4, §12-5) ---------------------------------------------------------


@pytest.fixture
def staff(school: School) -> ConfiguredDirectory:
    return ConfiguredDirectory(school)


def _person(staff: ConfiguredDirectory, person_id: str) -> Person:
    found = staff.person(person_id)
    assert found is not None
    return found


def test_ordinary_report_goes_to_rektor_and_the_team_leader(staff: ConfiguredDirectory) -> None:
    routing = route(report(), _person(staff, TEACHER_9), staff)
    assert [(r.person.aad_object_id, r.reason) for r in routing.recipients] == [
        (REKTOR, Reason.REKTOR), (LEADER_9, Reason.NEAREST_LEADER)]
    assert not routing.urgent and not routing.owner_must_be_notified
    assert routing.warnings == ()


def test_an_explicit_leader_wins_over_the_team(staff: ConfiguredDirectory) -> None:
    routing = route(report(), _person(staff, TEACHER_8), staff)
    assert routing.recipient_ids == (REKTOR, DEPUTY)


def test_a_leader_reporting_reaches_rektor_alone(staff: ConfiguredDirectory) -> None:
    routing = route(report(), _person(staff, LEADER_9), staff)
    assert routing.recipient_ids == (REKTOR,)
    assert routing.warnings == ()


def test_rektor_reporting_receives_the_case_themself(staff: ConfiguredDirectory) -> None:
    routing = route(report(), _person(staff, REKTOR), staff)
    assert routing.recipient_ids == (REKTOR,)
    assert routing.reporter_is_recipient


def test_missing_leader_goes_to_rektor_alone_with_a_warning(staff: ConfiguredDirectory) -> None:
    stranger = unknown_person("ffffffff-0000-0000-0000-000000000000", None)
    routing = route(report(), stranger, staff)
    assert routing.recipient_ids == (REKTOR,)
    assert routing.warnings == (Warning.NO_LEADER,)


def test_staff_suspected_is_urgent_and_rektor_must_tell_the_owner(
    staff: ConfiguredDirectory,
) -> None:
    routing = route(report(staff_suspected="true"), _person(staff, TEACHER_9), staff)
    assert routing.urgent and routing.owner_must_be_notified
    assert routing.recipient_ids == (REKTOR, LEADER_9)


def test_leadership_suspected_reaches_nobody_in_the_leadership(
    staff: ConfiguredDirectory,
) -> None:
    routing = route(report(leadership_suspected="true"), _person(staff, TEACHER_9), staff)
    assert routing.recipients == ()
    assert routing.forwarded_to_owner


OWNER_PEOPLE = (Person("owner-1", "Ole i UDA", frozenset({Role.SKOLEEIER})),)


def test_leadership_suspected_goes_to_the_owners_people_when_there_are_any(
    staff: ConfiguredDirectory,
) -> None:
    r = report(leadership_suspected="true")
    routing = route(r, _person(staff, TEACHER_9), staff, OWNER_PEOPLE)
    assert [(x.person.aad_object_id, x.reason) for x in routing.recipients] == [
        ("owner-1", Reason.SKOLEEIER)]
    assert routing.forwarded_to_owner and routing.urgent and not routing.owner_must_be_notified
    case, _ = Case.open(case_id="c9", number=1, submission_id="e" * 32, reporter_id=TEACHER_9,
                        report=r, routing=routing, now=T0)
    # The owner's people handle it as rektor would: it runs as a case, not a phone note.
    assert case.state is CaseState.MELDE_FRA
    assert case.can_view("owner-1") and not case.can_view(REKTOR)
    assert Reason.SKOLEEIER.heads_case and Reason.REKTOR.heads_case
    assert not Reason.NEAREST_LEADER.heads_case and not Reason.DEPUTY.heads_case


def test_the_owners_notice_delivered_is_recorded_once_by_the_system(
    staff: ConfiguredDirectory,
) -> None:
    case = _case(staff, serious="true")
    events = case.owner_received_notice(T0 + timedelta(minutes=1))
    assert [(e.kind, e.actor_id) for e in events] == [(EventKind.OWNER_NOTIFIED, None)]
    assert case.owner_notified_at == T0 + timedelta(minutes=1) and case.owner_notified_by is None
    assert case.owner_received_notice(T0 + timedelta(minutes=2)) == []
    assert case.owner_notified_at == T0 + timedelta(minutes=1)


def test_serious_asks_rektor_to_notify_the_owner(staff: ConfiguredDirectory) -> None:
    routing = route(report(serious="true"), _person(staff, TEACHER_9), staff)
    assert routing.owner_must_be_notified and not routing.urgent


def test_unknown_sender_is_staff_not_an_error() -> None:
    person = unknown_person("abc", "Vikar Vera")
    assert person.roles == frozenset({Role.ANSATT}) and person.name == "Vikar Vera"


# --- the case ---------------------------------------------------------------------------------


def _case(staff: ConfiguredDirectory, **overrides: str) -> Case:
    r = report(**overrides)
    case, events = Case.open(case_id="c1", number=7, submission_id="d" * 32,
                             reporter_id=TEACHER_9, report=r,
                             routing=route(r, _person(staff, TEACHER_9), staff), now=T0)
    assert [e.kind for e in events][:2] == [EventKind.REPORTED, EventKind.ROUTED]
    return case


def test_a_report_opens_the_case_at_melde_fra(staff: ConfiguredDirectory) -> None:
    case = _case(staff)
    assert case.state is CaseState.MELDE_FRA
    assert case.reference == "2026-0007"
    assert case.unacknowledged


def test_acknowledging_twice_changes_nothing(staff: ConfiguredDirectory) -> None:
    case = _case(staff)
    assert [e.kind for e in case.acknowledge(LEADER_9, T0)] == [EventKind.ACKNOWLEDGED]
    assert case.acknowledge(LEADER_9, T0 + timedelta(minutes=1)) == []
    assert case.recipient(LEADER_9).acknowledged_at == T0  # type: ignore[union-attr]


def test_only_recipients_may_act(staff: ConfiguredDirectory) -> None:
    case = _case(staff)
    with pytest.raises(AccessDenied):
        case.acknowledge(TEACHER_8, T0)


def test_the_first_taker_owns_the_case(staff: ConfiguredDirectory) -> None:
    case = _case(staff)
    kinds = [e.kind for e in case.take(LEADER_9, T0)]
    assert kinds == [EventKind.ACKNOWLEDGED, EventKind.TAKEN]
    assert case.take(LEADER_9, T0) == []
    with pytest.raises(DomainError, match="allerede tatt"):
        case.take(REKTOR, T0)


def test_starting_the_investigation_moves_the_state_once(staff: ConfiguredDirectory) -> None:
    case = _case(staff)
    kinds = [e.kind for e in case.start_investigation(LEADER_9, T0)]
    assert EventKind.STATE_CHANGED in kinds and EventKind.INVESTIGATION_STARTED in kinds
    assert case.state is CaseState.UNDERSOKE and case.assignee_id == LEADER_9
    assert case.start_investigation(LEADER_9, T0) == []


def test_only_rektor_records_that_the_owner_was_told(staff: ConfiguredDirectory) -> None:
    case = _case(staff, serious="true")
    with pytest.raises(DomainError, match="Bare rektor"):
        case.record_owner_notified(LEADER_9, T0)
    assert [e.kind for e in case.record_owner_notified(REKTOR, T0)][-1] is \
        EventKind.OWNER_NOTIFIED
    assert case.owner_notified_at == T0 and case.record_owner_notified(REKTOR, T0) == []


def test_a_forwarded_case_cannot_be_investigated_by_the_school(
    staff: ConfiguredDirectory,
) -> None:
    case = _case(staff, leadership_suspected="true")
    assert case.state is CaseState.SKOLEEIER and case.recipients == []
    with pytest.raises(AccessDenied):
        case.start_investigation(REKTOR, T0)


def test_a_naive_time_is_refused(staff: ConfiguredDirectory) -> None:
    r = report()
    with pytest.raises(ValueError, match="timezone-aware"):
        Case.open(case_id="c", number=1, submission_id="x", reporter_id=TEACHER_9, report=r,
                  routing=route(r, _person(staff, TEACHER_9), staff),
                  now=datetime(2026, 11, 26, 10))  # noqa: DTZ001 (the naive time under test)


# --- school time ------------------------------------------------------------------------------


def test_school_hours_skip_evenings_weekends_and_holidays(school: School) -> None:
    calendar = school.calendar
    friday_evening = datetime(2026, 11, 27, 17, 30, tzinfo=OSLO)
    assert calendar.add_school_hours(friday_evening, 2) == datetime(2026, 11, 30, 10, 0,
                                                                    tzinfo=OSLO)
    assert calendar.add_school_hours(datetime(2026, 11, 26, 15, 0, tzinfo=OSLO), 2) == \
        datetime(2026, 11, 27, 9, 0, tzinfo=OSLO)
    before_christmas = datetime(2026, 12, 18, 15, 0, tzinfo=OSLO)
    assert calendar.add_school_hours(before_christmas, 2) == datetime(2027, 1, 4, 9, 0,
                                                                      tzinfo=OSLO)


def test_school_days_skip_the_weekend(school: School) -> None:
    thursday = datetime(2026, 11, 26, 10, 0, tzinfo=OSLO)
    assert school.calendar.add_school_days(thursday, 2) == datetime(2026, 11, 30, 10, 0,
                                                                    tzinfo=OSLO)
