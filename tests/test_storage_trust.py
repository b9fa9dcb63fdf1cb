"""What a DPO checks in the database itself: nothing personal in clear text, an audit trail that
shows any change, keys that rotate, and old data moved to its school and sealed."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import build_services
from bot.domain.case import CaseEvent, EventKind
from bot.domain.followup import parse_observation
from bot.domain.people import Person
from bot.domain.school import School
from bot.services.reporting import submit_report
from storage.crypto import Keyring, Tampered, new_key
from storage.maintenance import KeysMissing, check_keys, rotate, verify_audit
from storage.migrate import upgrade
from tests.conftest import BACKENDS, T0, TEACHER_9, unmigrated_engine
from tests.fakes import FakeClock
from tests.keys import TEST_KEYRING
from tests.samples import report

MARKERS = ("Markørnavn Ølstad", "markørbeskrivelse-7731", "markørsted-4410", "markørlogg-5521")


def _teacher(school: School) -> Person:
    return next(p for p in school.staff if p.aad_object_id == TEACHER_9)


async def _a_case_with_markers(engine: AsyncEngine, school: School,
                               keyring: Keyring = TEST_KEYRING) -> str:
    svc = build_services(engine, keyring, school, FakeClock(T0))
    outcome = await submit_report(svc, _teacher(school), uuid.uuid4().hex, report(
        pupil_name=MARKERS[0], description=MARKERS[1], place=MARKERS[2]))
    note = parse_observation({"pupil_name": MARKERS[0], "pupil_class": "9B", "note": MARKERS[3]},
                             today=T0.date(), now=T0, by=TEACHER_9, new_id=uuid.uuid4().hex)
    assert not hasattr(note, "messages")
    async with svc.uow() as uow:
        await uow.observations.add(note)
        await uow.drafts.save("e" * 32, TEACHER_9, {"pupil_name": MARKERS[0]}, T0)
        await uow.commit()
    return outcome.case.id


async def test_no_marker_is_found_in_the_raw_sqlite_file_or_its_wal(tmp_path: Path,
                                                                   school: School) -> None:
    async with unmigrated_engine("sqlite", tmp_path) as engine:
        await upgrade(engine)
        case_id = await _a_case_with_markers(engine, school)
        # The case is open and readable through the repositories...
        svc = build_services(engine, TEST_KEYRING, school, FakeClock(T0))
        async with svc.uow() as uow:
            case = await uow.cases.get(case_id)
            assert case is not None and case.report.pupil_name == MARKERS[0]
            [found] = await uow.observations.for_pupil(f"{MARKERS[0].lower()}|9b")
            assert found.note == MARKERS[3]
        database = Path(str(engine.url.database))
        files = [database, database.with_name(database.name + "-wal")]
        raw = b"".join(f.read_bytes() for f in files if f.exists())
        assert len(raw) > 10_000
    for marker in MARKERS:
        for encoding in ("utf-8", "utf-16-le"):
            assert marker.encode(encoding) not in raw, marker
        assert marker.split()[0].encode() not in raw, marker


@pytest.mark.parametrize("backend", BACKENDS)
async def test_no_marker_is_in_any_row_as_postgresql_or_sqlite_hands_it_out(
    backend: str, tmp_path: Path, school: School
) -> None:
    async with unmigrated_engine(backend, tmp_path) as engine:
        await upgrade(engine)
        await _a_case_with_markers(engine, school)
        async with engine.connect() as connection:
            tables = [r[0] for r in await connection.execute(text(
                "SELECT name FROM sqlite_master WHERE type='table'" if backend == "sqlite" else
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"))]
            dump = ""
            for table in tables:
                rows = await connection.execute(text(f'SELECT * FROM "{table}"'))
                dump += json.dumps([list(map(str, r)) for r in rows], ensure_ascii=False)
    assert "cases" in tables and dump
    for marker in MARKERS:
        assert marker not in dump


async def test_a_sealed_value_moved_to_another_row_does_not_open(tmp_path: Path,
                                                                 school: School) -> None:
    async with unmigrated_engine("sqlite", tmp_path) as engine:
        await upgrade(engine)
        first = await _a_case_with_markers(engine, school)
        second = await _a_case_with_markers(engine, school)
        async with engine.begin() as connection:
            await connection.execute(text(
                "UPDATE cases SET sealed = (SELECT sealed FROM cases WHERE id = :a) "
                "WHERE id = :b"), {"a": first, "b": second})
        svc = build_services(engine, TEST_KEYRING, school, FakeClock(T0))
        async with svc.uow() as uow:
            with pytest.raises(Tampered):
                await uow.cases.get(second)


async def test_a_missing_key_stops_the_start_and_rotation_frees_the_old_one(
    tmp_path: Path, school: School
) -> None:
    async with unmigrated_engine("sqlite", tmp_path) as engine:
        await upgrade(engine)
        case_id = await _a_case_with_markers(engine, school)
        await check_keys(engine, TEST_KEYRING)
        newer = Keyring.of(new_key())
        with pytest.raises(KeysMissing, match=TEST_KEYRING.current):
            await check_keys(engine, newer)
        both = Keyring.of(newer.keys[newer.current], [TEST_KEYRING.keys[TEST_KEYRING.current]])
        rotated = await rotate(engine, both)
        assert rotated.resealed >= 4 and rotated.old_keys == (TEST_KEYRING.current,)
        await check_keys(engine, newer)  # the old key can go
        svc = build_services(engine, newer, school, FakeClock(T0))
        async with svc.uow() as uow:
            case = await uow.cases.get(case_id)
            assert case is not None and case.report.description == MARKERS[1]
            assert len(await uow.observations.for_pupil(f"{MARKERS[0].lower()}|9b")) == 1


# --- the audit trail -------------------------------------------------------------------------


async def _events(engine: AsyncEngine, school: School, n: int) -> None:
    svc = build_services(engine, TEST_KEYRING, school, FakeClock(T0))
    async with svc.uow() as uow:
        await uow.events.append([
            CaseEvent("c" * 32, EventKind.VIEWED, TEACHER_9, T0 + timedelta(seconds=i),
                      {"via": "test"}) for i in range(n)])
        await uow.commit()


async def _drop_triggers(engine: AsyncEngine, backend: str) -> None:
    """What an attacker with the database could do first."""
    async with engine.begin() as connection:
        if backend == "sqlite":
            await connection.execute(text("DROP TRIGGER audit_events_no_update"))
            await connection.execute(text("DROP TRIGGER audit_events_no_delete"))
        else:
            await connection.execute(text(
                "DROP TRIGGER audit_events_append_only ON audit_events"))


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_trigger_refuses_update_and_delete(backend: str, tmp_path: Path,
                                                     school: School) -> None:
    async with unmigrated_engine(backend, tmp_path) as engine:
        await upgrade(engine)
        await _events(engine, school, 3)
        for statement in ("UPDATE audit_events SET actor_id = 'x' WHERE seq = 2",
                          "DELETE FROM audit_events WHERE seq = 2"):
            with pytest.raises((DBAPIError, IntegrityError), match="append-only"):
                async with engine.begin() as connection:
                    await connection.execute(text(statement))
        assert await verify_audit(engine) == []


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("attack", ["change", "delete", "insert", "truncate"])
async def test_verify_names_the_first_event_that_was_tampered_with(
    backend: str, attack: str, tmp_path: Path, school: School
) -> None:
    async with unmigrated_engine(backend, tmp_path) as engine:
        await upgrade(engine)
        await _events(engine, school, 5)
        assert await verify_audit(engine) == []
        await _drop_triggers(engine, backend)
        async with engine.begin() as connection:
            if attack == "change":
                await connection.execute(text(
                    "UPDATE audit_events SET actor_id = 'someone-else' WHERE seq = 3"))
            elif attack == "delete":
                await connection.execute(text("DELETE FROM audit_events WHERE seq = 3"))
            elif attack == "insert":
                row = (await connection.execute(text(
                    "SELECT hash, at FROM audit_events WHERE seq = 5"))).first()
                assert row is not None
                await connection.execute(text(
                    "INSERT INTO audit_events (school_id, seq, case_id, kind, actor_id, at, "
                    "detail, prev_hash, hash) VALUES (:s, 6, NULL, 'viewed', 'intruder', :at, "
                    "'{}', :p, :h)"),
                    {"s": school.id, "at": row[1], "p": row[0], "h": "f" * 64})
            else:
                await connection.execute(text("DELETE FROM audit_events WHERE seq >= 4"))
        [found] = await verify_audit(engine)
        expected = {"change": 3, "delete": 3, "insert": 6, "truncate": 4}[attack]
        assert found.seq == expected, found
        assert found.school_id == school.id and found.problem


async def test_a_case_deleted_by_hand_keeps_its_trail(tmp_path: Path, school: School) -> None:
    async with unmigrated_engine("sqlite", tmp_path) as engine:
        await upgrade(engine)
        case_id = await _a_case_with_markers(engine, school)
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM cases WHERE id = :c"), {"c": case_id})
        svc = build_services(engine, TEST_KEYRING, school, FakeClock(T0))
        async with svc.uow() as uow:
            assert len(await uow.events.for_case(case_id)) >= 2
        assert await verify_audit(engine) == []


# --- the migration moves old data to the school and seals it ---------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
async def test_migration_0004_moves_rows_to_the_school_and_seals_them(
    backend: str, tmp_path: Path, school: School
) -> None:
    async with unmigrated_engine(backend, tmp_path) as engine:
        await upgrade(engine, "0003")
        values = report(pupil_name=MARKERS[0], description=MARKERS[1]).to_values()
        async with engine.begin() as connection:
            await connection.execute(text(
                "INSERT INTO cases (id, year, number, submission_id, reporter_id, state, "
                "created_at, urgent, owner_must_be_notified, forwarded_to_owner, report, plans, "
                "evaluations, members) VALUES ('a1', 2026, 7, 's1', :r, 'melde_fra', :t, "
                "false, false, false, :report, '[]', '[]', '[]')"),
                {"r": TEACHER_9, "t": T0.astimezone(UTC).replace(tzinfo=None)
                 if backend == "sqlite" else T0, "report": json.dumps(values)})
            await connection.execute(text(
                "INSERT INTO case_events (case_id, kind, actor_id, at, detail) VALUES "
                "('a1', 'reported', :r, :t, '{}')"),
                {"r": TEACHER_9, "t": T0.astimezone(UTC).replace(tzinfo=None)
                 if backend == "sqlite" else T0})
            await connection.execute(text(
                "INSERT INTO case_counters (year, last) VALUES (2026, 7)"))
        with pytest.raises(Exception, match="needs the school"):
            await upgrade(engine)
        await upgrade(engine, school_id=school.id, keyring=TEST_KEYRING)
        svc = build_services(engine, TEST_KEYRING, school, FakeClock(T0))
        async with svc.uow() as uow:
            case = await uow.cases.by_reference(2026, 7)
            assert case is not None and case.report.pupil_name == MARKERS[0]
            assert [e.kind for e in await uow.events.for_case("a1")] == [EventKind.REPORTED]
            assert await uow.cases.next_number(2026) == 8
        other = replace(school, id="en-annen-skole")
        async with build_services(engine, TEST_KEYRING, other, FakeClock(T0)).uow() as uow:
            assert await uow.cases.by_reference(2026, 7) is None
        assert await verify_audit(engine) == []
        async with engine.connect() as connection:
            stored = (await connection.execute(text("SELECT sealed FROM cases"))).scalar_one()
        assert MARKERS[0] not in stored and stored.startswith("v1.")


@pytest.mark.parametrize("backend", BACKENDS)
async def test_migration_0005_fills_the_plans_staff_from_the_sealed_document(
    backend: str, tmp_path: Path, school: School
) -> None:
    from bot.domain.followup import ActivityPlan, parse_plan
    from storage.migrate import downgrade
    from tests.conftest import REKTOR, TEACHER_8
    from tests.test_followup_domain import STAFF, opened_case, plan_values

    case = opened_case(school, "b" * 32)
    plan = parse_plan(plan_values(m1_responsible=TEACHER_8), staff_ids=[*STAFF, TEACHER_8],
                      version=1, today=T0.date(), now=T0, by=REKTOR)
    assert isinstance(plan, ActivityPlan)
    case.plans.append(plan)
    async with unmigrated_engine(backend, tmp_path) as engine:
        await upgrade(engine)
        svc = build_services(engine, TEST_KEYRING, school, FakeClock(T0))
        async with svc.uow() as uow:
            await uow.cases.add(case)
            await uow.commit()
        await downgrade(engine, "0004")
        await upgrade(engine, keyring=TEST_KEYRING)
        async with svc.uow() as uow:
            assert [c.id for c in await uow.cases.routed_to(TEACHER_8)] == [case.id]
