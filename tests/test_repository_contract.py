"""One contract for every repository implementation: the fakes, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.case import Case, CaseEvent, EventKind
from bot.domain.followup import ActivityPlan, parse_plan
from bot.domain.school import School
from bot.services.ports import (
    ConversationRef,
    DuplicateSubmission,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    UnitOfWorkFactory,
)
from storage.engine import session_factory
from storage.migrate import upgrade
from storage.repositories import SqlUnitOfWork
from tests.conftest import (
    BACKENDS,
    LEADER_9,
    MILJO,
    REKTOR,
    T0,
    TEACHER_8,
    TEACHER_9,
    unmigrated_engine,
)
from tests.fakes import FakeStore, FakeUnitOfWork
from tests.keys import TEST_KEYRING
from tests.samples import reported_case
from tests.test_followup_domain import STAFF, plan_values


@pytest.fixture(params=["fake", *BACKENDS])
async def uow(request: pytest.FixtureRequest, tmp_path: Path, school: School
              ) -> AsyncIterator[UnitOfWorkFactory]:
    if request.param == "fake":
        store = FakeStore()
        yield lambda: FakeUnitOfWork(store)
        return
    async with unmigrated_engine(request.param, tmp_path) as engine:
        await upgrade(engine)
        sessions = session_factory(engine)
        yield lambda: SqlUnitOfWork(sessions, TEST_KEYRING, school.id)


def _case(school: School, case_id: str = "c" * 32, submission: str = "d" * 32,
          number: int = 1) -> tuple[Case, list[CaseEvent]]:
    return reported_case(school, case_id=case_id, number=number, submission_id=submission)


def _message(key: str, **overrides: object) -> OutboxMessage:
    message = OutboxMessage(id=key.replace(":", "")[:32].ljust(32, "0"), key=key,
                            kind=MessageKind.ALERT, recipient_id=REKTOR,
                            payload={"type": "message", "text": key}, created_at=T0,
                            next_attempt_at=T0, case_id="c" * 32)
    for name, value in overrides.items():
        setattr(message, name, value)
    return message


async def test_a_case_round_trips(uow: UnitOfWorkFactory, school: School) -> None:
    case, events = _case(school)
    async with uow() as u:
        await u.cases.add(case)
        await u.events.append(events)
        await u.commit()
    async with uow() as u:
        loaded = await u.cases.get(case.id)
        assert loaded == case
        assert (await u.cases.by_submission("d" * 32)) == case
        assert [e.kind for e in await u.events.for_case(case.id)] == [e.kind for e in events]
        assert (await u.events.for_case(case.id))[0].at == T0


async def test_uncommitted_work_is_lost(uow: UnitOfWorkFactory, school: School) -> None:
    case, _ = _case(school)
    async with uow() as u:
        await u.cases.add(case)
    async with uow() as u:
        assert await u.cases.get(case.id) is None


async def test_a_second_case_for_the_same_draft_is_refused(uow: UnitOfWorkFactory,
                                                          school: School) -> None:
    first, _ = _case(school)
    async with uow() as u:
        await u.cases.add(first)
        await u.commit()
    second, _ = _case(school, case_id="e" * 32, number=2)
    async def store_second() -> None:
        async with uow() as u:
            await u.cases.add(second)
            await u.commit()

    with pytest.raises(DuplicateSubmission):
        await store_second()


async def test_saving_changes_and_queries(uow: UnitOfWorkFactory, school: School) -> None:
    case, _ = _case(school)
    async with uow() as u:
        await u.cases.add(case)
        await u.commit()
    async with uow() as u:
        assert [c.id for c in await u.cases.awaiting_acknowledgement()] == [case.id]
        locked = await u.cases.get_for_update(case.id)
        assert locked is not None
        locked.take(LEADER_9, T0 + timedelta(minutes=5))
        await u.cases.save(locked)
        await u.commit()
    async with uow() as u:
        loaded = await u.cases.get(case.id)
        assert loaded is not None and loaded.assignee_id == LEADER_9
        assert loaded.recipient(LEADER_9).acknowledged_at == T0 + timedelta(minutes=5)  # type: ignore[union-attr]
        assert await u.cases.awaiting_acknowledgement() == []
        assert [c.id for c in await u.cases.routed_to(LEADER_9)] == [case.id]
        assert [c.id for c in await u.cases.reported_by(TEACHER_9)] == [case.id]
        assert await u.cases.routed_to(TEACHER_9) == []


async def test_routed_to_finds_members_and_the_plans_staff_and_no_look_alike(
    uow: UnitOfWorkFactory, school: School
) -> None:
    case, _ = _case(school)
    case.start_investigation(REKTOR, T0)
    case.add_member(MILJO, REKTOR, T0)
    plan = parse_plan(plan_values(m1_responsible=TEACHER_8), staff_ids=[*STAFF, TEACHER_8],
                      version=1, today=T0.date(), now=T0, by=REKTOR)
    assert isinstance(plan, ActivityPlan)
    case.plans.append(plan)
    async with uow() as u:
        await u.cases.add(case)
        await u.commit()
    async with uow() as u:
        for person in (REKTOR, MILJO, TEACHER_8, LEADER_9):
            assert [c.id for c in await u.cases.routed_to(person)] == [case.id], person
        # LIKE's wildcards and a prefix of a real id find nothing.
        for stranger in ("%", "_" * len(MILJO), MILJO[:-1], f'{MILJO}"', "0"):
            assert await u.cases.routed_to(stranger) == [], stranger


async def test_case_numbers_count_per_year(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        assert [await u.cases.next_number(2026) for _ in range(3)] == [1, 2, 3]
        assert await u.cases.next_number(2027) == 1
        await u.commit()
    async with uow() as u:
        assert await u.cases.next_number(2026) == 4


async def test_outbox_enqueue_is_idempotent_by_key(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        assert await u.outbox.enqueue(_message("alert:1"))
        assert not await u.outbox.enqueue(_message("alert:1", payload={"text": "other"}))
        await u.commit()
    async with uow() as u:
        stored = await u.outbox.get("alert:1")
        assert stored is not None and stored.payload == {"type": "message", "text": "alert:1"}


async def test_claiming_leases_and_finishing(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.outbox.enqueue(_message("a:1"))
        await u.outbox.enqueue(_message("a:2", next_attempt_at=T0 + timedelta(minutes=5)))
        await u.commit()
    async with uow() as u:
        claimed = await u.outbox.claim_due(T0, "w1", T0 + timedelta(minutes=2), 10)
        await u.commit()
    assert [m.key for m in claimed] == ["a:1"]
    async with uow() as u:
        assert await u.outbox.claim_due(T0, "w2", T0 + timedelta(minutes=2), 10) == []
        # A lease that ran out (its sender died) is claimed again.
        again = await u.outbox.claim_due(T0 + timedelta(minutes=6), "w2",
                                         T0 + timedelta(minutes=8), 10)
        await u.commit()
    assert [m.key for m in again] == ["a:1", "a:2"]
    message = again[0]
    message.status, message.activity_id = MessageStatus.SENT, "act-1"
    async with uow() as u:
        assert await u.outbox.finish(message)
        await u.commit()
    async with uow() as u:
        stored = await u.outbox.get("a:1")
        assert stored is not None and stored.status is MessageStatus.SENT
        assert stored.activity_id == "act-1" and stored.lease_owner is None


async def test_a_newer_update_wins_over_one_in_flight(uow: UnitOfWorkFactory) -> None:
    update = _message("update:a:1", kind=MessageKind.CARD_UPDATE, target_key="a:1")
    async with uow() as u:
        await u.outbox.enqueue_update(update)
        await u.commit()
    async with uow() as u:
        [claimed] = await u.outbox.claim_due(T0, "w1", T0 + timedelta(minutes=1), 10)
        await u.commit()
    async with uow() as u:
        await u.outbox.enqueue_update(_message("update:a:1", kind=MessageKind.CARD_UPDATE,
                                               target_key="a:1", payload={"text": "newer"}))
        await u.commit()
    claimed.status = MessageStatus.SENT
    async with uow() as u:
        assert not await u.outbox.finish(claimed)
        await u.commit()
    async with uow() as u:
        stored = await u.outbox.get("update:a:1")
        assert stored is not None
        assert stored.status is MessageStatus.PENDING and stored.version == 2
        assert stored.payload == {"text": "newer"}
        assert [m.key for m in await u.outbox.claim_due(T0, "w2", T0, 10)] == ["update:a:1"]


async def test_hurried_stubs_are_only_that_persons_pending_stubs_of_that_case(
    uow: UnitOfWorkFactory,
) -> None:
    later = T0 + timedelta(minutes=30)
    stub = {"kind": MessageKind.CARD_UPDATE, "next_attempt_at": later}
    async with uow() as u:
        await u.outbox.enqueue_update(_message("stub:act-1", **stub))
        await u.outbox.enqueue_update(_message("stub:act-2", **stub, recipient_id=TEACHER_9))
        await u.outbox.enqueue_update(_message("stub:act-3", **stub, case_id="e" * 32))
        await u.outbox.enqueue(_message("a:1", next_attempt_at=later))
        await u.outbox.enqueue_update(_message("stub:act-4", **stub, status=MessageStatus.SENT))
        await u.commit()
    async with uow() as u:
        assert await u.outbox.hurry_stubs("c" * 32, REKTOR, T0) == 1
        await u.commit()
    async with uow() as u:
        assert [m.key for m in await u.outbox.claim_due(T0, "w", T0, 10)] == ["stub:act-1"]


async def test_failed_messages_until_reported(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.outbox.enqueue(_message("a:1", status=MessageStatus.FAILED))
        await u.outbox.enqueue(_message("a:2"))
        await u.commit()
    async with uow() as u:
        [failed] = await u.outbox.failed_unreported()
        failed.failure_reported_at = T0
        await u.outbox.save(failed)
        await u.commit()
    async with uow() as u:
        assert await u.outbox.failed_unreported() == []
        assert [m.key for m in await u.outbox.for_case("c" * 32)] == ["a:1", "a:2"]


async def test_conversations_upsert(uow: UnitOfWorkFactory) -> None:
    ref = ConversationRef(REKTOR, "tenant", "https://smba.example/", "a:1",
                          {"conversation": {"id": "a:1"}}, T0)
    async with uow() as u:
        await u.conversations.upsert(ref)
        await u.conversations.upsert(ConversationRef(
            REKTOR, "tenant", "https://smba.example/", "a:2", {"conversation": {"id": "a:2"}},
            T0 + timedelta(hours=1)))
        await u.commit()
    async with uow() as u:
        stored = await u.conversations.get(REKTOR)
        assert stored is not None and stored.conversation_id == "a:2"
        assert stored.updated_at == T0 + timedelta(hours=1)
        latest = await u.conversations.latest()
        assert latest is not None and latest.user_id == REKTOR
        assert await u.conversations.get(LEADER_9) is None
        await u.conversations.delete(REKTOR)
        await u.commit()
    async with uow() as u:
        assert await u.conversations.get(REKTOR) is None


async def test_drafts_belong_to_their_author(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.drafts.save("d1", TEACHER_9, {"pupil_name": "Ola"}, T0)
        await u.drafts.save("d1", LEADER_9, {"pupil_name": "Kari"}, T0)
        await u.drafts.save("d2", TEACHER_9, {"pupil_name": "Per"}, T0 - timedelta(days=40))
        await u.commit()
    async with uow() as u:
        assert await u.drafts.get("d1", TEACHER_9) == {"pupil_name": "Ola"}
        assert await u.drafts.get("d1", LEADER_9) is None
        assert await u.drafts.purge(T0 - timedelta(days=30)) == 1
        await u.drafts.delete("d1", LEADER_9)  # not hers: nothing happens
        assert await u.drafts.get("d1", TEACHER_9) == {"pupil_name": "Ola"}
        await u.drafts.delete("d1", TEACHER_9)
        await u.commit()
    async with uow() as u:
        assert await u.drafts.get("d1", TEACHER_9) is None


async def test_an_opened_draft_has_its_owner_before_any_answer(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.drafts.open("d1", TEACHER_9, T0)
        await u.drafts.open("d1", LEADER_9, T0)  # the id is taken: the owner stays
        await u.commit()
    async with uow() as u:
        assert await u.drafts.owner("d1") == TEACHER_9
        assert await u.drafts.owner("d2") is None
        assert await u.drafts.get("d1", TEACHER_9) == {}
        await u.drafts.save("d1", LEADER_9, {"pupil_name": "Kari"}, T0)
        await u.commit()
    async with uow() as u:
        assert await u.drafts.get("d1", TEACHER_9) == {}
        assert await u.drafts.get("d1", LEADER_9) is None


async def test_times_come_back_zone_aware(uow: UnitOfWorkFactory, school: School) -> None:
    case, _ = _case(school)
    async with uow() as u:
        await u.cases.add(case)
        await u.events.append([CaseEvent(case.id, EventKind.ESCALATED, None, T0)])
        await u.commit()
    async with uow() as u:
        loaded = await u.cases.get(case.id)
        assert loaded is not None and loaded.created_at.tzinfo is not None
        assert loaded.created_at == T0


async def test_a_purged_case_is_a_tombstone(uow: UnitOfWorkFactory, school: School) -> None:
    case, _ = _case(school)
    case.closed_at = T0
    async with uow() as u:
        await u.cases.add(case)
        await u.commit()
    async with uow() as u:
        assert [c.id for c in await u.cases.closed_unpurged()] == [case.id]
        await u.cases.purge(case.id, T0)
        await u.commit()
    async with uow() as u:
        assert await u.cases.get(case.id) is None
        assert await u.cases.closed_unpurged() == []
        assert await u.cases.routed_to(REKTOR) == []


async def test_the_facts_for_the_figures_outlive_the_purge(uow: UnitOfWorkFactory,
                                                           school: School) -> None:
    from datetime import date

    from bot.domain.followup import Outcome
    from bot.services.ports import CaseFacts, EvaluationFact, PlanFact
    from tests.cards.samples import evaluation, investigation, plan

    case, events = _case(school)
    events += case.take(LEADER_9, T0 + timedelta(minutes=20))
    events += case.start_investigation(LEADER_9, T0 + timedelta(days=1))
    events += case.record_investigation(investigation(), LEADER_9, T0 + timedelta(days=2))
    events += case.save_plan(plan(1, evaluate_on=date(2026, 12, 14)), LEADER_9,
                             T0 + timedelta(days=5))
    closing = T0 + timedelta(days=18)
    events += case.evaluate(evaluation(outcome=Outcome.CLOSE, next_evaluation_on=None,
                                       at=closing), LEADER_9, closing)
    later, later_events = _case(school, case_id="f" * 32, submission="g" * 32, number=2)
    later.created_at = T0 + timedelta(days=40)
    async with uow() as u:
        await u.cases.add(case)
        await u.cases.add(later)
        await u.events.append([*events, *later_events])
        await u.commit()
    expected = CaseFacts(
        case_id=case.id, reported_at=T0, category="utenforskap", state="avsluttet",
        section_12_5=False, leadership=False, serious=False, routed=True,
        acknowledged_at=T0 + timedelta(minutes=20), rektor_acknowledged_at=None,
        investigation_started_at=T0 + timedelta(days=1), closed_at=closing,
        plans=(PlanFact(1, T0 + timedelta(days=5), date(2026, 12, 14)),),
        evaluations=(EvaluationFact(1, closing, "avslutte"),),
    )
    period = (T0 - timedelta(days=1), T0 + timedelta(days=30))
    async with uow() as u:
        assert await u.stats.facts(*period) == [expected]
        await u.cases.purge(case.id, T0 + timedelta(days=60))
        await u.commit()
    async with uow() as u:
        assert await u.cases.get(case.id) is None
        assert await u.stats.facts(*period) == [expected]
        every = await u.stats.facts(T0 - timedelta(days=1), T0 + timedelta(days=41))
        assert [f.case_id for f in every] == [case.id, later.id]
        assert every[1].acknowledged_at is None and every[1].plans == ()
