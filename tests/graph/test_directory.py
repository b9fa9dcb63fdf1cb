"""The directory over Graph: managers as leaders, names for ids, and the configuration whenever
Graph does not answer well."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.domain.people import Person, Role
from bot.domain.routing import route
from bot.domain.school import ConfiguredDirectory, School
from bot.graph.client import GraphConnection, build_graph
from bot.graph.directory import GraphDirectory
from bot.services.ports import Directory
from tests.conftest import DEPUTY, LEADER_9, REKTOR, TEACHER_8, TEACHER_9
from tests.graph.conftest import TickingClock, settings_for
from tests.graph.fake_graph import FakeGraph
from tests.samples import report

# Not in the school's configuration: known to Entra ID only.
STRANGER = "00000000-0000-0000-0000-0000000000e1"
OUTSIDE_LEADER = "00000000-0000-0000-0000-0000000000e2"
CONTACT = "00000000-0000-0000-0000-0000000000e3"

SECRET_NAMES = ("Hemmelig Hege", "Skjult Sjef", "Navn Navnesen", "hege@skole.example")


@pytest.fixture
def entra(graph: FakeGraph) -> FakeGraph:
    """Entra ID's view: names differ from the configuration's, to see whose name is used."""
    graph.add_user(TEACHER_9, "Lise Lærer (Entra)", "lise@skole.example")
    graph.add_user(TEACHER_8, "Kari Lærer (Entra)")
    graph.add_user(LEADER_9, "Berit Leder (Entra)", "berit@skole.example")
    graph.add_user(DEPUTY, "Anders Ass (Entra)", "anders@skole.example")
    graph.add_user(REKTOR, "Rita Rektor (Entra)", "rita@skole.example")
    graph.add_user(STRANGER, "Hemmelig Hege", "hege@skole.example")
    graph.add_user(OUTSIDE_LEADER, "Skjult Sjef", "sjef@skole.example")
    graph.managers[TEACHER_9] = DEPUTY  # the configuration says Berit (9. trinn's leader)
    graph.managers[STRANGER] = OUTSIDE_LEADER
    return graph


def directory_for(
    connection: GraphConnection, school: School, clock: TickingClock, **options: object
) -> GraphDirectory:
    settings: dict[str, Any] = {"ttl_s": 600, **options}
    return GraphDirectory(connection, ConfiguredDirectory(school), clock=clock, **settings)


def person(school: School, user_id: str) -> Person:
    found = ConfiguredDirectory(school).person(user_id)
    assert found is not None
    return found


def as_in_entra(entra: FakeGraph, user_id: str, role: Role) -> Person:
    """Someone the configuration does not know, as Entra ID describes them (`entra`)."""
    user = entra.users[user_id]
    return Person(aad_object_id=user_id, name=user["displayName"], roles=frozenset({role}),
                  email=user["mail"])


def test_it_is_a_directory(
    connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory: Directory = directory_for(connection, school, ticking)
    assert directory.rektor() == ConfiguredDirectory(school).rektor()


async def test_the_manager_in_entra_is_the_nearest_leader(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory = directory_for(connection, school, ticking)
    lise = person(school, TEACHER_9)
    assert directory.nearest_leader(lise) == person(school, LEADER_9)  # nothing fetched yet

    await directory.prefetch(TEACHER_9)

    leader = directory.nearest_leader(lise)
    assert leader is not None
    assert leader.aad_object_id == DEPUTY
    assert leader.name == "Assisterende rektor Anders"  # configured people keep their names
    assert leader.roles == frozenset({Role.LEDER})
    manager_calls = entra.graph_requests(f"/users/{TEACHER_9}/manager")
    assert len(manager_calls) == 1
    assert manager_calls[0].query["$select"] == "id,displayName,mail,userPrincipalName"
    # A configured person needs no profile from Graph.
    assert entra.graph_requests(f"/users/{TEACHER_9}$") == []


async def test_routing_follows_the_manager(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory = directory_for(connection, school, ticking)
    await directory.prefetch(TEACHER_9)

    routing = route(report(), person(school, TEACHER_9), directory)

    assert routing.recipient_ids == (REKTOR, DEPUTY)


async def test_someone_known_by_id_only_gets_their_entra_name_and_manager(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory = directory_for(connection, school, ticking, only_configured_leaders=False)
    assert directory.person(STRANGER) is None

    await directory.prefetch(STRANGER)

    stranger = directory.person(STRANGER)
    assert stranger == as_in_entra(entra, STRANGER, Role.ANSATT)
    assert stranger is not None and stranger.name == "Hemmelig Hege"
    leader = directory.nearest_leader(stranger)
    assert leader == as_in_entra(entra, OUTSIDE_LEADER, Role.LEDER)
    assert leader is not None and leader.name == "Skjult Sjef"
    # The manager's own card can name them without another call.
    assert directory.person(OUTSIDE_LEADER) == leader
    assert entra.graph_requests(f"/users/{OUTSIDE_LEADER}") == []
    # A name from Entra is not a place on the staff: the manager the school chose to take
    # from Entra sees the case they are alerted to; the stranger sees no case at all.
    assert directory.is_staff(OUTSIDE_LEADER) and not directory.is_staff(STRANGER)


async def test_by_default_an_entra_manager_outside_the_staff_is_no_leader(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory = directory_for(connection, school, ticking)
    await directory.prefetch(STRANGER)
    stranger = directory.person(STRANGER)
    assert stranger is not None
    leader = directory.nearest_leader(stranger)
    assert leader is None or leader.aad_object_id != OUTSIDE_LEADER
    assert not directory.is_staff(OUTSIDE_LEADER) and not directory.is_staff(STRANGER)


async def test_managers_outside_the_configuration_can_be_refused(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory = directory_for(connection, school, ticking, only_configured_leaders=True)
    await directory.prefetch(STRANGER)
    await directory.prefetch(TEACHER_9)

    stranger = directory.person(STRANGER)
    assert stranger is not None
    assert directory.nearest_leader(stranger) is None  # a stranger has no configured leader
    leader = directory.nearest_leader(person(school, TEACHER_9))
    assert leader is not None and leader.aad_object_id == DEPUTY


async def test_no_manager_in_entra_means_the_configured_leader_and_is_remembered(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory = directory_for(connection, school, ticking)
    kari = person(school, TEACHER_8)  # configured leader: the deputy

    await directory.prefetch(TEACHER_8)
    await directory.prefetch(TEACHER_8)

    leader = directory.nearest_leader(kari)
    assert leader is not None and leader.aad_object_id == DEPUTY
    assert len(entra.graph_requests(f"/users/{TEACHER_8}/manager")) == 1  # 404 cached


async def test_an_organisational_contact_as_manager_is_no_leader(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    entra.contacts[CONTACT] = {"id": CONTACT, "displayName": "Ekstern Konsulent"}
    entra.managers[TEACHER_9] = CONTACT
    directory = directory_for(connection, school, ticking)

    await directory.prefetch(TEACHER_9)

    assert directory.nearest_leader(person(school, TEACHER_9)) == person(school, LEADER_9)


@pytest.mark.parametrize(
    ("status", "headers"),
    [(503, {}), (429, {"Retry-After": "30"}), (500, {}), (403, {}), (401, {})],
)
async def test_a_failing_graph_means_the_configured_leader(
    entra: FakeGraph,
    connection: GraphConnection,
    school: School,
    ticking: TickingClock,
    status: int,
    headers: dict[str, str],
) -> None:
    entra.fail(status, "/manager$", headers=headers, message="Hemmelig Hege is throttled")
    directory = directory_for(connection, school, ticking)

    await directory.prefetch(TEACHER_9)

    assert directory.nearest_leader(person(school, TEACHER_9)) == person(school, LEADER_9)


async def test_a_slow_graph_costs_the_turn_no_more_than_its_wait(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    release = asyncio.Event()
    entra.fail(504, "/manager$", release=release)
    directory = directory_for(connection, school, ticking)
    lise = person(school, TEACHER_9)

    # The call stays unanswered until released: the turn returns on its own wait, not Graph's
    # (the outer bound only stops a hang).
    await asyncio.wait_for(directory.prefetch(TEACHER_9, wait=0.1), timeout=30)
    [stalled] = entra.graph_requests(f"/users/{TEACHER_9}/manager")
    assert stalled.status == 0  # not answered yet
    assert directory.nearest_leader(lise) == person(school, LEADER_9)

    # The stalled call answers (an error here) after the turn: the next turn waits for that
    # lookup rather than starting another; the one after the rest tries again.
    release.set()
    await directory.prefetch(TEACHER_9, wait=30)
    assert len(entra.graph_requests(f"/users/{TEACHER_9}/manager")) == 1
    ticking.advance(61)
    await directory.prefetch(TEACHER_9, wait=30)
    leader = directory.nearest_leader(lise)
    assert leader is not None and leader.aad_object_id == DEPUTY


async def test_a_lookup_that_outlives_its_wait_serves_the_next_turn(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory = directory_for(connection, school, ticking)
    await directory.prefetch(STRANGER, wait=0)  # gives up at once; the lookup goes on
    assert directory.person(STRANGER) is None

    # The next turn finds that lookup still running and waits for it: no second request.
    await directory.prefetch(STRANGER, wait=30)
    assert len(entra.graph_requests(f"/users/{STRANGER}$")) == 1
    found = directory.person(STRANGER)
    assert found is not None and found.name == "Hemmelig Hege"


async def test_a_timeout_means_the_configured_leader(
    entra: FakeGraph, graph: FakeGraph, school: School, ticking: TickingClock
) -> None:
    connection = build_graph(
        settings_for(graph, timeout_s=0.2), connection_verify=str(graph.cert_path)
    )
    try:
        entra.fail(504, "/manager$", stall_s=1.0)
        directory = directory_for(connection, school, ticking)
        await directory.prefetch(TEACHER_9, wait=5)
        assert directory.nearest_leader(person(school, TEACHER_9)) == person(school, LEADER_9)
    finally:
        await connection.close()


async def test_after_a_failure_graph_rests_then_is_asked_again(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    entra.fail(503, "/manager$")
    directory = directory_for(connection, school, ticking, failure_backoff_s=60)

    await directory.prefetch(TEACHER_9)
    await directory.prefetch(TEACHER_9)  # resting: no call
    assert len(entra.graph_requests("/manager$")) == 1

    ticking.advance(61)
    await directory.prefetch(TEACHER_9)
    assert len(entra.graph_requests("/manager$")) == 2
    leader = directory.nearest_leader(person(school, TEACHER_9))
    assert leader is not None and leader.aad_object_id == DEPUTY


async def test_throttling_pauses_every_lookup_for_retry_after(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    entra.fail(429, "/manager$", headers={"Retry-After": "120"})
    directory = directory_for(connection, school, ticking, failure_backoff_s=1)

    await directory.prefetch(TEACHER_9)
    ticking.advance(100)
    await directory.prefetch(STRANGER)  # another user, still inside Retry-After
    await directory.refresh([TEACHER_8])
    assert len(entra.requests) == 1

    ticking.advance(21)
    await directory.prefetch(STRANGER)
    assert directory.person(STRANGER) is not None


async def test_entries_expire_after_the_ttl(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory = directory_for(connection, school, ticking)  # ttl 600 s
    lise = person(school, TEACHER_9)
    await directory.prefetch(TEACHER_9)
    await directory.prefetch(STRANGER)

    ticking.advance(599)
    await directory.prefetch(TEACHER_9)
    assert len(entra.graph_requests(f"/users/{TEACHER_9}/manager")) == 1
    assert directory.nearest_leader(lise).aad_object_id == DEPUTY  # type: ignore[union-attr]

    ticking.advance(2)
    # Expired: the lookups answer from the configuration until Graph is asked again.
    assert directory.nearest_leader(lise) == person(school, LEADER_9)
    assert directory.person(STRANGER) is None

    entra.managers[TEACHER_9] = LEADER_9
    await directory.prefetch(TEACHER_9)
    assert len(entra.graph_requests(f"/users/{TEACHER_9}/manager")) == 2
    leader = directory.nearest_leader(lise)
    assert leader is not None and leader.aad_object_id == LEADER_9
    assert leader.email == "berit@skole.example"  # the manager call brought the address


async def test_a_negative_answer_expires_too(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory = directory_for(connection, school, ticking)
    await directory.prefetch(TEACHER_8)  # no manager: 404, cached
    entra.managers[TEACHER_8] = LEADER_9

    ticking.advance(300)
    await directory.prefetch(TEACHER_8)
    assert directory.nearest_leader(person(school, TEACHER_8)).aad_object_id == DEPUTY  # type: ignore[union-attr]

    ticking.advance(301)
    await directory.prefetch(TEACHER_8)
    assert directory.nearest_leader(person(school, TEACHER_8)).aad_object_id == LEADER_9  # type: ignore[union-attr]


async def test_refresh_reloads_everyone_and_fills_missing_emails(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory = directory_for(connection, school, ticking)
    staff = [p.aad_object_id for p in school.staff]

    await directory.refresh(staff)
    await directory.refresh(staff)

    assert len(entra.graph_requests(f"/users/{TEACHER_9}/manager")) == 2
    rektor = directory.rektor()
    assert rektor is not None
    assert rektor.name == "Rektor Rita" and rektor.email == "rita@skole.example"
    deputy = directory.deputy()
    assert deputy is not None and deputy.email == "anders@skole.example"


async def test_refresh_survives_failures_and_keeps_going(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    entra.fail(500, f"/users/{TEACHER_9}/manager$")
    directory = directory_for(connection, school, ticking)

    await directory.refresh([TEACHER_9, STRANGER])

    assert directory.person(STRANGER) is not None
    assert directory.nearest_leader(person(school, TEACHER_9)) == person(school, LEADER_9)


async def test_leader_from_manager_off_asks_graph_for_names_only(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory = directory_for(connection, school, ticking, leader_from_manager=False)
    await directory.prefetch(TEACHER_9)
    await directory.prefetch(STRANGER)

    assert entra.graph_requests("/manager$") == []
    assert directory.nearest_leader(person(school, TEACHER_9)) == person(school, LEADER_9)
    assert directory.person(STRANGER) is not None


async def test_concurrent_turns_share_one_lookup(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory = directory_for(connection, school, ticking)
    await asyncio.gather(*(directory.prefetch(STRANGER) for _ in range(5)))
    assert len(entra.graph_requests(f"/users/{STRANGER}/manager")) == 1
    assert len(entra.graph_requests(f"/users/{STRANGER}$")) == 1


async def test_names_and_addresses_never_reach_the_log(
    entra: FakeGraph,
    connection: GraphConnection,
    school: School,
    ticking: TickingClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    entra.fail(503, f"/users/{STRANGER}/manager$", message="Hemmelig Hege: Skjult Sjef busy")
    entra.fail(404, f"/users/{TEACHER_9}/manager$", message="Navn Navnesen has no manager")
    directory = directory_for(connection, school, ticking)

    await directory.prefetch(STRANGER)
    await directory.prefetch(TEACHER_9)
    ticking.advance(120)
    await directory.refresh([STRANGER, TEACHER_9, OUTSIDE_LEADER])
    stranger = directory.person(STRANGER)
    assert stranger is not None
    directory.nearest_leader(stranger)

    ours = [r for r in caplog.records if r.name.startswith("bot.graph")]
    assert any(STRANGER in r.getMessage() for r in ours)  # ids are logged
    everything = "\n".join(r.getMessage() for r in caplog.records)
    for secret in SECRET_NAMES:
        assert secret not in everything


async def test_a_refused_credential_means_the_configured_leader(
    entra: FakeGraph, school: School, ticking: TickingClock, caplog: pytest.LogCaptureFixture
) -> None:
    connection = build_graph(
        settings_for(entra, secret="expired"), connection_verify=str(entra.cert_path)
    )
    try:
        directory = directory_for(connection, school, ticking)
        await directory.prefetch(TEACHER_9, wait=5)
    finally:
        await connection.close()
    assert directory.nearest_leader(person(school, TEACHER_9)) == person(school, LEADER_9)
    assert entra.requests == []
    assert f"manager for user {TEACHER_9} failed (auth" in caplog.text


async def test_the_periodic_refresh_runs_until_cancelled(
    entra: FakeGraph, connection: GraphConnection, school: School, ticking: TickingClock
) -> None:
    directory = directory_for(connection, school, ticking)
    rounds = 0
    third_round = asyncio.Event()

    def ids() -> list[str]:
        """Asked at the start of each round: the third ask means two refreshes have finished."""
        nonlocal rounds
        rounds += 1
        if rounds == 3:
            third_round.set()
        return [STRANGER]

    task = asyncio.create_task(directory.refresh_forever(ids, every_s=0.01))
    try:
        await asyncio.wait_for(third_round.wait(), timeout=30)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert len(entra.graph_requests(f"/users/{STRANGER}/manager")) >= 2
    assert directory.person(STRANGER) is not None
