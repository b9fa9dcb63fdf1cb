"""The follow-up use cases (bot/services/followup.py) on the hand-written fakes: for each, who
may and who may not, what lands in the audit trail, and what is queued for a chat.

The scenario tests drive the same code through Teams; these pin each use case's own contract
so that a refusal that forgets its audit event, or a change that forgets its outbox message,
fails here by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from bot.domain.case import AccessDenied, Case, CaseEvent, CaseState, EventKind
from bot.domain.people import Person
from bot.domain.school import ConfiguredDirectory, School
from bot.services import followup
from bot.services.context import Services
from bot.services.messages import outbox_message
from bot.services.ports import MessageKind
from bot.services.reporting import submit_report
from tests.conftest import LEADER_9, OSLO, REKTOR, T0, TEACHER_8, TEACHER_9
from tests.fakes import FakeClock, FakeStore, FakeUnitOfWork
from tests.samples import report
from tests.test_followup_domain import plan_values

INVESTIGATION = {"loggbok_done": "true", "loggbok_date": "2026-11-26",
                 "best_interest": "Trygghet først."}
"""A plan needs a documented investigation with barnets beste first."""
CONTINUE = {"outcome": "videreføre", "note": "Bedre", "next_evaluation_on": "2027-01-14"}
CLOSE = {"outcome": "avslutte", "note": "Eleven sier hen har det bra"}


@dataclass
class World:
    svc: Services
    store: FakeStore
    clock: FakeClock
    case_id: str

    def person(self, person_id: str) -> Person:
        found = self.svc.directory.person(person_id)
        assert found is not None
        return found

    def case(self) -> Case:
        return self.store.cases[self.case_id]

    def kinds(self, since: int = 0) -> list[EventKind]:
        return [e.kind for e in self.store.events[since:]]

    def events(self, since: int = 0) -> list[CaseEvent]:
        return self.store.events[since:]


@pytest.fixture
async def world(school: School) -> World:
    """A report by Lise (9. trinn) has made a case, routed to rektor and Berit, her leader."""
    store, clock = FakeStore(), FakeClock(T0)
    svc = Services(uow=lambda: FakeUnitOfWork(store), directory=ConfiguredDirectory(school),
                   clock=clock, school=school)
    teacher = svc.directory.person(TEACHER_9)
    assert teacher is not None
    outcome = await submit_report(svc, teacher, "a" * 32, report())
    svc.outbox_ready.clear()  # the report's alerts: each test looks at what its use case queues
    return World(svc, store, clock, outcome.case.id)


async def _planned(w: World) -> None:
    leader = w.person(LEADER_9)
    assert (await followup.save_investigation(w.svc, w.case_id, leader, INVESTIGATION)).changed
    assert (await followup.save_plan(w.svc, w.case_id, leader, 1, plan_values())).changed


# --- open_case, record_refusal ----------------------------------------------------------------


async def test_opening_a_case_is_audited_as_a_view(world: World) -> None:
    before = len(world.store.events)
    case = await followup.open_case(world.svc, world.case_id, world.person(LEADER_9))
    assert case.id == world.case_id
    [viewed] = world.events(before)
    assert (viewed.kind, viewed.case_id, viewed.actor_id) == (
        EventKind.VIEWED, world.case_id, LEADER_9)


async def test_someone_the_case_is_not_routed_to_cannot_open_it(world: World) -> None:
    before = len(world.store.events)
    with pytest.raises(AccessDenied):
        await followup.open_case(world.svc, world.case_id, world.person(TEACHER_8))
    with pytest.raises(AccessDenied):
        await followup.open_case(world.svc, "0" * 32, world.person(LEADER_9))
    assert world.events(before) == []  # the caller records the refusal, by its own action name


async def test_a_refusal_is_recorded_with_its_action_and_ids_only(world: World) -> None:
    before = len(world.store.events)
    await followup.record_refusal(world.svc, world.case_id, TEACHER_8, "case.open")
    [refused] = world.events(before)
    assert (refused.kind, refused.case_id, refused.actor_id, refused.detail) == (
        EventKind.ACCESS_REFUSED, world.case_id, TEACHER_8, {"action": "case.open"})
    assert refused.at == T0


# --- save_investigation -----------------------------------------------------------------------


async def test_the_leader_starts_the_investigation(world: World) -> None:
    before = len(world.store.events)
    done = await followup.save_investigation(world.svc, world.case_id, world.person(LEADER_9),
                                             INVESTIGATION)
    assert done.changed
    assert world.case().state is CaseState.UNDERSOKE
    assert EventKind.INVESTIGATION_STARTED in world.kinds(before)
    assert all(e.actor_id == LEADER_9 for e in world.events(before) if e.actor_id)


async def test_an_outsider_cannot_save_an_investigation(world: World) -> None:
    before = (len(world.store.events), world.case().state)
    with pytest.raises(AccessDenied):
        await followup.save_investigation(world.svc, world.case_id, world.person(TEACHER_8),
                                          INVESTIGATION)
    assert (len(world.store.events), world.case().state) == before


async def test_an_investigation_form_with_errors_changes_nothing(world: World) -> None:
    before = (len(world.store.events), world.case().state)
    done = await followup.save_investigation(
        world.svc, world.case_id, world.person(LEADER_9),
        {"loggbok_done": "true", "loggbok_date": "ikke en dato"})
    assert done.errors is not None and not done.changed
    assert (len(world.store.events), world.case().state) == before


# --- save_plan --------------------------------------------------------------------------------


async def test_a_saved_plan_is_audited_and_schedules_its_evaluation_reminders(
    world: World,
) -> None:
    await followup.save_investigation(world.svc, world.case_id, world.person(LEADER_9),
                                      INVESTIGATION)
    before, reminders = len(world.store.events), set(world.store.reminders)
    saved = await followup.save_plan(world.svc, world.case_id, world.person(LEADER_9), 1,
                                     plan_values())
    assert saved.changed and world.case().state is CaseState.TILTAK
    assert EventKind.PLAN_SAVED in world.kinds(before)
    due = [world.store.reminders[k] for k in set(world.store.reminders) - reminders]
    assert due and all(r.kind.startswith("evaluation") and r.due_at > T0 for r in due)


async def test_a_plan_before_the_investigation_is_a_message_not_a_change(world: World) -> None:
    before, reminders = len(world.store.events), dict(world.store.reminders)
    saved = await followup.save_plan(world.svc, world.case_id, world.person(LEADER_9), 1,
                                     plan_values())
    assert saved.message is not None and "undersøkelsen" in saved.message
    assert world.events(before) == [] and world.store.reminders == reminders


async def test_an_outsider_cannot_save_a_plan(world: World) -> None:
    await followup.save_investigation(world.svc, world.case_id, world.person(LEADER_9),
                                      INVESTIGATION)
    before = len(world.store.events)
    with pytest.raises(AccessDenied):
        await followup.save_plan(world.svc, world.case_id, world.person(TEACHER_8), 1,
                                 plan_values())
    assert world.events(before) == [] and world.case().plans == []


# --- evaluate ---------------------------------------------------------------------------------


async def test_continuing_a_plan_is_audited_and_schedules_the_next_evaluation(
    world: World,
) -> None:
    await _planned(world)
    reminders = set(world.store.reminders)
    before = len(world.store.events)
    # The teacher responsible for a measure evaluates it too.
    done = await followup.evaluate(world.svc, world.case_id, world.person(TEACHER_9), 1, CONTINUE)
    assert done.changed
    assert EventKind.EVALUATED in world.kinds(before)
    assert set(world.store.reminders) > reminders


async def test_closing_a_case_queues_its_documents_for_the_archive(world: World) -> None:
    await _planned(world)
    world.clock.set(datetime(2026, 12, 17, 9, 0, tzinfo=OSLO))  # the plan's evaluation date
    before = len(world.store.events)
    done = await followup.evaluate(world.svc, world.case_id, world.person(LEADER_9), 1, CLOSE)
    assert done.changed and world.case().state is CaseState.AVSLUTTET
    kinds = world.kinds(before)
    assert EventKind.CLOSED in kinds and EventKind.ARCHIVE_QUEUED in kinds
    assert {case_id for case_id, _key in world.store.archive} == {world.case_id}


async def test_an_outsider_cannot_evaluate(world: World) -> None:
    await _planned(world)
    before = len(world.store.events)
    with pytest.raises(AccessDenied):
        await followup.evaluate(world.svc, world.case_id, world.person(TEACHER_8), 1, CLOSE)
    assert world.events(before) == [] and world.case().state is CaseState.TILTAK
    assert world.store.archive == {}


# --- add_member, remove_member ----------------------------------------------------------------


async def test_rektor_adds_a_member_who_is_told_through_the_outbox(world: World) -> None:
    before = len(world.store.events)
    added = await followup.add_member(world.svc, world.case_id, world.person(REKTOR), TEACHER_8)
    assert added.changed and world.svc.outbox_ready.is_set()
    assert EventKind.MEMBER_ADDED in world.kinds(before)
    told = world.store.outbox[f"member:{world.case_id}:{TEACHER_8}"]
    assert (told.recipient_id, told.kind, told.case_id) == (
        TEACHER_8, MessageKind.NOTICE, world.case_id)
    # The member now sees the case; adding them again tells them nothing new.
    assert (await followup.open_case(world.svc, world.case_id, world.person(TEACHER_8))).id
    outbox = dict(world.store.outbox)
    await followup.add_member(world.svc, world.case_id, world.person(REKTOR), TEACHER_8)
    assert world.store.outbox == outbox


async def test_only_rektor_or_the_assignee_adds_members(world: World) -> None:
    before = len(world.store.events)
    refused = await followup.add_member(world.svc, world.case_id, world.person(LEADER_9),
                                        TEACHER_8)
    assert refused.message is not None and "Bare rektor" in refused.message
    with pytest.raises(AccessDenied):
        await followup.add_member(world.svc, world.case_id, world.person(TEACHER_8), TEACHER_8)
    unknown = await followup.add_member(world.svc, world.case_id, world.person(REKTOR), "nobody")
    assert unknown.message == "Velg en ansatt fra listen."
    assert world.events(before) == []
    assert not any(k.startswith("member:") for k in world.store.outbox)
    assert not world.svc.outbox_ready.is_set()


async def test_removing_a_member_ends_access_and_hurries_the_stubs_of_their_cards(
    world: World,
) -> None:
    await followup.add_member(world.svc, world.case_id, world.person(REKTOR), TEACHER_8)
    later = T0 + timedelta(hours=1)
    stub = outbox_message(f"stub:{world.case_id}:{TEACHER_8}", MessageKind.CARD_UPDATE,
                          TEACHER_8, {"text": "Sendt"}, T0, case_id=world.case_id,
                          not_before=later)
    world.store.outbox[stub.key] = stub
    world.svc.outbox_ready.clear()
    world.clock.advance(minutes=5)
    before = len(world.store.events)
    removed = await followup.remove_member(world.svc, world.case_id, world.person(REKTOR),
                                           TEACHER_8)
    assert removed.changed and world.svc.outbox_ready.is_set()
    assert world.kinds(before) == [EventKind.MEMBER_REMOVED]
    assert world.store.outbox[stub.key].next_attempt_at == world.clock.now() < later
    with pytest.raises(AccessDenied):
        await followup.open_case(world.svc, world.case_id, world.person(TEACHER_8))


async def test_an_outsider_cannot_remove_a_member(world: World) -> None:
    await followup.add_member(world.svc, world.case_id, world.person(REKTOR), TEACHER_8)
    before = len(world.store.events)
    with pytest.raises(AccessDenied):
        await followup.remove_member(world.svc, "0" * 32, world.person(REKTOR), TEACHER_8)
    refused = await followup.remove_member(world.svc, world.case_id, world.person(TEACHER_8),
                                           TEACHER_8)
    assert refused.message is not None and not refused.changed
    assert world.events(before) == []


# --- request_export, use_export_link ----------------------------------------------------------


async def test_an_export_link_works_once_and_the_download_is_audited(world: World) -> None:
    link = await followup.request_export(world.svc, world.case_id, world.person(REKTOR),
                                         redacted=True, kind="pack")
    assert link.expires_at == T0 + timedelta(minutes=followup.EXPORT_LINK_MINUTES)
    before = len(world.store.events)
    download = await followup.use_export_link(world.svc, link.token)
    assert download is not None and download.person.aad_object_id == REKTOR
    [exported] = world.events(before)
    assert (exported.kind, exported.actor_id, exported.detail) == (
        EventKind.EXPORTED, REKTOR, {"redacted": "true", "kind": "pack"})
    assert await followup.use_export_link(world.svc, link.token) is None
    assert len(world.store.events) == before + 1


async def test_an_expired_link_gives_nothing(world: World) -> None:
    link = await followup.request_export(world.svc, world.case_id, world.person(LEADER_9),
                                         redacted=False)
    world.clock.advance(minutes=followup.EXPORT_LINK_MINUTES)
    assert await followup.use_export_link(world.svc, link.token) is None


async def test_a_member_sees_the_case_but_may_not_export_it(world: World) -> None:
    await followup.add_member(world.svc, world.case_id, world.person(REKTOR), TEACHER_8)
    for person_id in (TEACHER_8, TEACHER_9):
        with pytest.raises(AccessDenied):
            await followup.request_export(world.svc, world.case_id, world.person(person_id),
                                          redacted=True)
    assert world.store.export_links == {}


async def test_a_link_of_someone_who_lost_access_is_refused_and_audited(world: World) -> None:
    link = await followup.request_export(world.svc, world.case_id, world.person(LEADER_9),
                                         redacted=False)
    # Closed long ago: the case has faded to rektor alone.
    world.store.cases[world.case_id].state = CaseState.AVSLUTTET
    world.store.cases[world.case_id].closed_at = T0 - timedelta(days=3650)
    before = len(world.store.events)
    assert await followup.use_export_link(world.svc, link.token) is None
    [refused] = world.events(before)
    assert (refused.kind, refused.actor_id, refused.detail) == (
        EventKind.ACCESS_REFUSED, LEADER_9, {"action": "export.download"})


# --- record_observation, pupil_log ------------------------------------------------------------


def _note(text: str, day: str = "2026-11-26") -> dict[str, str]:
    return {"pupil_name": "Ola Nordmann", "pupil_class": "9B", "note": text, "observed_on": day}


async def test_an_observation_is_stored_and_audited_by_its_id(world: World) -> None:
    before = len(world.store.events)
    logged = await followup.record_observation(world.svc, world.person(TEACHER_9),
                                               _note("Satt alene"))
    assert logged.observation is not None and (logged.recent, logged.mine) == (1, 1)
    assert not logged.suggested
    [written] = world.events(before)
    assert (written.kind, written.case_id, written.detail) == (
        EventKind.LOG_WRITTEN, None, {"note": logged.observation.id})
    assert "Ola" not in repr(written.detail)


async def test_an_observation_with_errors_stores_nothing(world: World) -> None:
    before = len(world.store.events)
    logged = await followup.record_observation(world.svc, world.person(TEACHER_9),
                                               _note(""))
    assert logged.observation is None and logged.errors is not None
    assert world.events(before) == [] and world.store.observations == []


async def test_the_third_note_in_the_window_asks_the_leader_once(world: World) -> None:
    teacher = world.person(TEACHER_9)
    for text, day in (("En", "2026-11-20"), ("To", "2026-11-24")):
        assert not (await followup.record_observation(world.svc, teacher, _note(text, day))
                    ).suggested
    assert not any(k.startswith("suggest:") for k in world.store.outbox)
    third = await followup.record_observation(world.svc, teacher, _note("Tre"))
    assert third.suggested and world.svc.outbox_ready.is_set()
    [asked] = [m for k, m in world.store.outbox.items() if k.startswith("suggest:")]
    assert (asked.recipient_id, asked.kind) == (LEADER_9, MessageKind.NOTICE)
    fourth = await followup.record_observation(world.svc, teacher, _note("Fire"))
    assert not fourth.suggested and fourth.recent == 4
    assert sum(k.startswith("suggest:") for k in world.store.outbox) == 1


async def test_a_leader_reads_the_log_and_the_read_names_the_notes(world: World) -> None:
    logged = await followup.record_observation(world.svc, world.person(TEACHER_9),
                                               _note("Satt alene"))
    assert logged.observation is not None
    before = len(world.store.events)
    notes = await followup.pupil_log(world.svc, world.person(LEADER_9),
                                     logged.observation.pupil_key)
    assert [n.id for n in notes] == [logged.observation.id]
    [read] = world.events(before)
    assert (read.kind, read.actor_id, read.detail) == (
        EventKind.LOG_READ, LEADER_9, {"notes": logged.observation.id})


async def test_a_teacher_may_not_read_a_pupils_log_and_the_attempt_is_audited(
    world: World,
) -> None:
    before = len(world.store.events)
    with pytest.raises(AccessDenied):
        await followup.pupil_log(world.svc, world.person(TEACHER_8), "any-key")
    [refused] = world.events(before)
    assert (refused.kind, refused.actor_id, refused.detail) == (
        EventKind.ACCESS_REFUSED, TEACHER_8, {"action": "log.view"})
