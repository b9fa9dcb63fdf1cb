"""No repository method of a school's unit of work returns, changes or counts another school's
rows: two schools with the same kinds of data, every method called from one of them."""

from __future__ import annotations

import inspect
import typing
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import build_services
from bot.domain.case import CaseEvent, EventKind
from bot.domain.followup import Observation
from bot.domain.reminders import Reminder, ReminderKind
from bot.domain.school import School
from bot.domain.substitutes import Substitution
from bot.services.context import Services
from bot.services.messages import outbox_message
from bot.services.ports import (
    ArchiveEntry,
    ConversationRef,
    ExportLink,
    MessageKind,
    MessageStatus,
)
from bot.services.reporting import submit_report
from storage.migrate import upgrade
from storage.repositories import SqlUnitOfWork
from storage.repositories.outbox import SqlOutbox
from tests.conftest import BACKENDS, REKTOR, T0, TEACHER_9, unmigrated_engine
from tests.fakes import FakeClock
from tests.keys import TEST_KEYRING
from tests.samples import report

PUPIL = "ola nordmann|9b"


@pytest.fixture(params=BACKENDS)
async def two_schools(request: pytest.FixtureRequest, tmp_path: Path, school: School
                      ) -> AsyncIterator[tuple[AsyncEngine, Services, Services]]:
    """The school and a second one, «b», in one migrated database of each backend."""
    async with unmigrated_engine(request.param, tmp_path) as engine:
        await upgrade(engine)
        yield (engine, build_services(engine, TEST_KEYRING, school, FakeClock(T0)),
               build_services(engine, TEST_KEYRING, replace(school, id="b"), FakeClock(T0)))


async def _fill(svc: Services, tag: str) -> str:
    teacher = svc.directory.person(TEACHER_9)
    assert teacher is not None
    case = (await submit_report(svc, teacher, uuid.uuid4().hex, report(
        pupil_name="Ola Nordmann", description=f"skole {tag}"))).case
    async with svc.uow() as uow:
        await uow.conversations.upsert(ConversationRef(
            REKTOR, None, f"https://{tag}/", f"a:{tag}", {"tag": tag}, T0))
        await uow.drafts.open(f"{tag:0<32}", TEACHER_9, T0)
        await uow.reminders.add(Reminder(f"r-{tag}", case.id, ReminderKind.INVESTIGATION_LEADER,
                                         REKTOR, T0 - timedelta(minutes=1)))
        await uow.observations.add(Observation(uuid.uuid4().hex, PUPIL, "Ola Nordmann", "9B",
                                               T0.date(), f"notat {tag}", TEACHER_9, T0))
        await uow.export_links.add(ExportLink(f"tok-{tag}", case.id, REKTOR, False,
                                              T0 + timedelta(minutes=10)))
        await uow.calendar_events.put(case.id, REKTOR, f"ev-{tag}", T0)
        await uow.substitutions.add(Substitution(REKTOR, TEACHER_9, T0.date(), T0.date(),
                                                 REKTOR, f"sub-{tag}"), T0)
        await uow.archive.add([ArchiveEntry(case.id, "melding", 0, T0, T0, T0)])
        await uow.outbox.enqueue(outbox_message(f"n-{tag}", MessageKind.NOTICE, REKTOR,
                                                {"text": tag}, T0))
        failed = outbox_message(f"f-{tag}", MessageKind.ALERT, REKTOR, {"text": tag}, T0,
                                case_id=case.id)
        failed.status = MessageStatus.FAILED
        await uow.outbox.enqueue(failed)
        await uow.commit()
    return case.id


CALLS: dict[str, Any] = {
    "cases.get": lambda u, o: u.cases.get(o),
    "cases.get_for_update": lambda u, o: u.cases.get_for_update(o),
    "cases.by_reference": lambda u, o: u.cases.by_reference(T0.year, 1),
    "cases.by_submission": None,  # covered through get_for_update's id (ids are unique)
    "cases.routed_to": lambda u, o: u.cases.routed_to(REKTOR),
    "cases.reported_by": lambda u, o: u.cases.reported_by(TEACHER_9),
    "cases.awaiting_acknowledgement": lambda u, o: u.cases.awaiting_acknowledgement(),
    "cases.open_cases": lambda u, o: u.cases.open_cases(),
    "cases.closed_unpurged": lambda u, o: u.cases.closed_unpurged(),
    "events.for_case": lambda u, o: u.events.for_case(o),
    "outbox.get": lambda u, o: u.outbox.get("n-b"),
    "outbox.claim_due": lambda u, o: u.outbox.claim_due(T0, "x", T0, 100),
    "outbox.failed_unreported": lambda u, o: u.outbox.failed_unreported(),
    "outbox.for_case": lambda u, o: u.outbox.for_case(o),
    "outbox.count_by_status": None,  # checked below by its totals
    "conversations.get": None,
    "conversations.latest": None,
    "drafts.owner": lambda u, o: u.drafts.owner(f"{'b':0<32}"),
    "drafts.get": lambda u, o: u.drafts.get(f"{'b':0<32}", TEACHER_9),
    "reminders.claim_due": lambda u, o: u.reminders.claim_due(T0, 100),
    "reminders.for_case": lambda u, o: u.reminders.for_case(o),
    "observations.for_pupil": None,
    "export_links.use": lambda u, o: u.export_links.use("tok-b", T0),
    "calendar_events.get": lambda u, o: u.calendar_events.get(o, REKTOR),
    "archive.for_case": lambda u, o: u.archive.for_case(o),
    "archive.due_cases": lambda u, o: u.archive.due_cases(T0, 100),
    "archive.pending_cases": lambda u, o: u.archive.pending_cases(),
    "substitutions.current": lambda u, o: u.substitutions.current(T0.date()),
    "stats.facts": lambda u, o: u.stats.facts(T0 - timedelta(days=1), T0 + timedelta(days=1)),
}
WRITES = {"add", "add_many", "save", "enqueue", "enqueue_many", "enqueue_update", "finish",
          "upsert", "delete", "open", "purge", "append", "put", "mark", "next_number", "link",
          "delete_for_case", "forget_for_case", "hurry_stubs"}


def test_every_read_method_is_in_the_isolation_test() -> None:
    names = set()
    for repository, cls in typing.get_type_hints(SqlUnitOfWork).items():
        for name, _ in inspect.getmembers(cls, inspect.iscoroutinefunction):
            if not name.startswith("_") and name not in WRITES:
                names.add(f"{repository}.{name}")
    assert names == set(CALLS)


async def test_no_repository_method_returns_another_schools_rows(
    two_schools: tuple[AsyncEngine, Services, Services],
) -> None:
    _engine, a, b = two_schools
    case_a = await _fill(a, "a")
    case_b = await _fill(b, "b")
    async with a.uow() as uow:
        for name, call in CALLS.items():
            if call is None:
                continue
            found = repr(await call(uow, case_b))
            leaked = [m for m in (case_b, "skole b", "notat b", "'n-b'", "'f-b'", "'r-b'",
                                  "tok-b", "ev-b", "https://b/", "sub-b") if m in found]
            assert leaked == [], name
        # Methods answered for the school's own rows only:
        assert (await uow.cases.get(case_a)) is not None
        assert (await uow.cases.by_submission(
            (await uow.cases.get(case_a)).submission_id)) is not None  # type: ignore[union-attr]
        ref = await uow.conversations.get(REKTOR)
        assert ref is not None and ref.reference == {"tag": "a"}
        latest = await uow.conversations.latest()
        assert latest is not None and latest.reference == {"tag": "a"}
        notes = await uow.observations.for_pupil(PUPIL)
        assert [n.note for n in notes] == ["notat a"]
        assert isinstance(uow.outbox, SqlOutbox)  # a count the port does not offer
        counts = await uow.outbox.count_by_status()
        assert sum(counts.values()) == len(await uow.outbox.for_case(case_a)) + 1
        assert await uow.cases.next_number(T0.year) == 2  # each school counts on its own
        assert await uow.observations.link(PUPIL, case_a) == 1  # its own note only
        # Writes never reach the other school's rows either:
        await uow.drafts.delete(f"{'b':0<32}", TEACHER_9)
        await uow.conversations.delete(REKTOR)
        await uow.drafts.purge(T0 + timedelta(days=1))
        await uow.events.append([CaseEvent(case_b, EventKind.VIEWED, REKTOR, T0)])
        for repository in (uow.reminders, uow.export_links, uow.calendar_events,
                           uow.observations):
            await repository.delete_for_case(case_b)
        await uow.outbox.forget_for_case(case_b)
        assert await uow.outbox.hurry_stubs(case_b, REKTOR, T0) == 0
        await uow.archive.forget_for_case(case_b)
        await uow.cases.purge(case_b, T0)
        await uow.observations.purge(T0 + timedelta(days=1))
        await uow.commit()
    async with b.uow() as uow:
        assert await uow.drafts.owner(f"{'b':0<32}") == TEACHER_9
        assert await uow.conversations.get(REKTOR) is not None
        assert [e.kind for e in await uow.events.for_case(case_b)][-1] is not EventKind.VIEWED
        assert await uow.export_links.use("tok-b", T0) is not None
        keys = [r.key for r in await uow.reminders.claim_due(T0, 100)]
        assert "r-b" in keys and "r-a" not in keys
        assert await uow.cases.get(case_b) is not None  # not purged from school A
        assert await uow.calendar_events.get(case_b, REKTOR) == "ev-b"
        assert [n.note for n in await uow.observations.for_pupil(PUPIL)] == ["notat b"]
        assert (await uow.outbox.get("n-b")) is not None


async def test_the_locator_answers_with_school_ids_only(
    two_schools: tuple[AsyncEngine, Services, Services], school: School
) -> None:
    """The one read across schools: where a case or draft is, and which schools have work."""
    from storage.engine import session_factory
    from storage.repositories.locator import SqlLocator

    engine, a, b = two_schools
    case_a = await _fill(a, "a")
    locator = SqlLocator(session_factory(engine))
    assert await locator.school_of_case(case_a) == school.id
    assert await locator.school_of_case("0" * 32) is None
    assert await locator.school_of_draft(f"{'a':0<32}") == school.id
    assert await locator.schools_with_mail(T0) == {school.id}
    assert await locator.schools_with_due_work(T0) == {school.id}  # its reminder is due
    assert await locator.schools_of_person(REKTOR) == {school.id}
    assert await locator.schools_of_person(TEACHER_9) == {school.id}  # the reporter
    assert await locator.schools_of_person("someone-else") == set()
    await _fill(b, "b")
    assert await locator.schools_of_person(REKTOR) == {school.id, "b"}
    assert await locator.schools_with_due_work(T0 - timedelta(days=1)) >= {school.id, "b"}
