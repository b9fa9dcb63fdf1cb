"""Graph in the bot: the Entra manager routes a report, a leader who never opened the bot gets
the app installed and the alert, and the evaluation date lands in the calendars."""

from __future__ import annotations

from pathlib import Path

from bot.bootstrap import build_runtime
from bot.config import load_school
from bot.domain.school import ConfiguredDirectory
from bot.graph.calendar import GraphCalendar
from bot.graph.client import GraphConnection
from bot.graph.directory import GraphDirectory
from bot.graph.installer import GraphAppInstaller
from bot.hosting.activity import parse
from bot.hosting.botbuilder.host import BotbuilderHost
from bot.services import followup
from bot.services.calendar_sync import wait_for_syncs
from bot.services.context import Services
from bot.services.reporting import submit_report
from storage.migrate import upgrade
from tests.conftest import LEADER_9, REKTOR, T0, TEACHER_8, TEACHER_9
from tests.connector import FakeConnector
from tests.fakes import FakeClock
from tests.graph.fake_graph import CATALOG_APP_ID, FakeGraph
from tests.samples import report
from tests.schools import TEST_SCHOOL_CONFIG
from tests.teams import conversation_id, installation, local_settings
from tests.test_scenario_case import PLAN


async def test_manager_routing_install_and_calendar(
    tmp_path: Path, graph: FakeGraph, connection: GraphConnection,
) -> None:
    school = load_school(TEST_SCHOOL_CONFIG)
    for person in school.staff:
        graph.add_user(person.aad_object_id, person.name)
    # In Entra, Kari's manager is Berit (the config says Anders): Entra wins when asked to.
    graph.managers[TEACHER_8] = LEADER_9
    directory = GraphDirectory(connection, ConfiguredDirectory(school), leader_from_manager=True)
    connector = FakeConnector()
    await connector.start()
    clock = FakeClock(T0)
    settings = local_settings(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    runtime = build_runtime(
        settings, clock=clock, directory=directory,
        installer=GraphAppInstaller(connection, catalog_app_id=CATALOG_APP_ID,
                                    graph_base_url=graph.base_url),
        calendar=GraphCalendar(connection, zone=school.calendar.zone))
    svc: Services = runtime.services
    try:
        await upgrade(runtime.engine)
        # Rektor and Kari have opened the bot; Berit never has.
        host = runtime.host
        assert isinstance(host, BotbuilderHost)
        for person_id in (REKTOR, TEACHER_8):
            body = installation(person_id, service_url=connector.url)
            await host.adapter.process_activity("", _activity(body), host.logic(parse(body)))

        await directory.prefetch(TEACHER_8, wait=5)
        kari = svc.directory.person(TEACHER_8)
        assert kari is not None
        case = (await submit_report(svc, kari, "a" * 32, report())).case
        assert [r.person_id for r in case.recipients] == [REKTOR, LEADER_9]

        connector.create_status = 403  # Teams: the app is not installed for Berit
        await runtime.worker.run_until_idle()
        assert graph.graph_requests(f"/users/{LEADER_9}/teamwork/installedApps", "POST")
        chat = next(iter(graph.chats.values()))
        alerts = connector.delivered(chat)
        assert len(alerts) == 1 and "Bekymring for en elev" in alerts[0].card_json
        assert connector.delivered(conversation_id(REKTOR))

        # The plan's evaluation date goes into the calendars of those who evaluate it.
        berit = svc.directory.person(LEADER_9)
        assert berit is not None
        await followup.open_case(svc, case.id, berit)
        started = await followup.save_investigation(svc, case.id, berit, {
            "loggbok_done": "true", "loggbok_date": "2026-11-26",
            "best_interest": "Trygghet først."})  # a plan needs barnets beste first
        assert started.errors is None
        saved = await followup.save_plan(svc, case.id, berit, 1, PLAN)
        assert saved.errors is None and saved.message is None
        await wait_for_syncs()
        for person_id in (TEACHER_9, LEADER_9):
            [event] = graph.events[person_id].values()
            assert event["subject"] == f"Evaluering av aktivitetsplan, sak {case.reference}"
            assert "Ola" not in str(event)
            assert event["start"]["timeZone"] == "Europe/Oslo"
            assert event["start"]["dateTime"].startswith("2026-12-17T08:00")
    finally:
        await runtime.engine.dispose()
        await connector.stop()


def _activity(body: dict[str, object]) -> object:
    from botbuilder.schema import Activity

    return Activity().deserialize(body)
