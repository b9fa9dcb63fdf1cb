"""The evaluation date in the leader's calendar: created once, moved later, Oslo wall time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.graph.calendar import CalendarError, GraphCalendar, graph_time
from bot.graph.client import GraphConnection
from tests.graph.fake_graph import FakeGraph

OSLO = ZoneInfo("Europe/Oslo")
LEADER = "00000000-0000-0000-0000-0000000000b9"
SUBJECT = "Evaluering av aktivitetsplan, sak 2026-014"
BODY = "Evaluer tiltakene i aktivitetsplanen for sak 2026-014. Se Trygg skole i Teams."


@pytest.fixture
def calendar(connection: GraphConnection) -> GraphCalendar:
    return GraphCalendar(connection)


async def test_an_event_is_created_in_oslo_time(graph: FakeGraph, calendar: GraphCalendar) -> None:
    start = datetime(2026, 12, 10, 10, 0, tzinfo=OSLO)

    event_id = await calendar.upsert_event(
        LEADER,
        None,
        SUBJECT,
        start,
        start + timedelta(minutes=30),
        BODY,
        transaction_id="case-1:evaluation",
    )

    stored = graph.events[LEADER][event_id]
    assert stored["subject"] == SUBJECT
    assert stored["body"] == {"contentType": "text", "content": BODY}
    assert stored["start"] == {"dateTime": "2026-12-10T10:00:00", "timeZone": "Europe/Oslo"}
    assert stored["end"] == {"dateTime": "2026-12-10T10:30:00", "timeZone": "Europe/Oslo"}
    assert stored["isReminderOn"] is True
    assert stored["transactionId"] == "case-1:evaluation"
    post = graph.graph_requests(f"/users/{LEADER}/events$", method="POST")
    assert len(post) == 1


async def test_an_event_is_moved_in_place(graph: FakeGraph, calendar: GraphCalendar) -> None:
    start = datetime(2026, 12, 10, 10, 0, tzinfo=OSLO)
    event_id = await calendar.upsert_event(
        LEADER, None, SUBJECT, start, start + timedelta(hours=1), BODY
    )

    later = datetime(2027, 1, 7, 13, 15, tzinfo=OSLO)
    again = await calendar.upsert_event(
        LEADER, event_id, SUBJECT, later, later + timedelta(hours=1), "Flyttet."
    )

    assert again == event_id
    assert len(graph.events[LEADER]) == 1
    stored = graph.events[LEADER][event_id]
    assert stored["start"] == {"dateTime": "2027-01-07T13:15:00", "timeZone": "Europe/Oslo"}
    assert stored["body"]["content"] == "Flyttet."
    patch = graph.graph_requests(f"/users/{LEADER}/events/{event_id}$", method="PATCH")
    assert len(patch) == 1
    assert patch[0].body is not None and "transactionId" not in patch[0].body


async def test_an_event_the_user_deleted_is_created_again(
    graph: FakeGraph, calendar: GraphCalendar
) -> None:
    start = datetime(2026, 12, 10, 10, 0, tzinfo=OSLO)

    event_id = await calendar.upsert_event(
        LEADER, "AAMk-gone", SUBJECT, start, start + timedelta(hours=1), BODY
    )

    assert event_id != "AAMk-gone"
    assert list(graph.events[LEADER]) == [event_id]


@pytest.mark.parametrize(
    ("moment", "wall"),
    [
        # Winter (CET, +01:00) and summer (CEST, +02:00) from UTC.
        (datetime(2027, 1, 15, 9, 0, tzinfo=UTC), "2027-01-15T10:00:00"),
        (datetime(2027, 6, 15, 8, 0, tzinfo=UTC), "2027-06-15T10:00:00"),
        # From another fixed offset.
        (datetime(2027, 6, 15, 3, 0, tzinfo=timezone(timedelta(hours=-5))), "2027-06-15T10:00:00"),
        # The night summer time begins: 01:30 UTC is 03:30 in Oslo.
        (datetime(2027, 3, 28, 1, 30, tzinfo=UTC), "2027-03-28T03:30:00"),
        # Seconds kept, microseconds dropped.
        (datetime(2027, 2, 1, 10, 0, 5, 999, tzinfo=OSLO), "2027-02-01T10:00:05"),
    ],
)
def test_times_become_oslo_wall_time(moment: datetime, wall: str) -> None:
    converted = graph_time(moment)
    assert converted.date_time == wall
    assert converted.time_zone == "Europe/Oslo"


async def test_utc_times_arrive_as_oslo_time(graph: FakeGraph, calendar: GraphCalendar) -> None:
    start = datetime(2027, 6, 15, 8, 0, tzinfo=UTC)
    event_id = await calendar.upsert_event(
        LEADER, None, SUBJECT, start, start + timedelta(hours=1), BODY
    )
    assert graph.events[LEADER][event_id]["start"]["dateTime"] == "2027-06-15T10:00:00"


async def test_naive_times_are_refused(graph: FakeGraph, calendar: GraphCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await calendar.upsert_event(
            LEADER, None, SUBJECT, datetime(2027, 1, 1, 10),  # noqa: DTZ001 (under test)
            datetime(2027, 1, 1, 11), BODY  # noqa: DTZ001
        )
    start = datetime(2027, 1, 1, 10, tzinfo=OSLO)
    with pytest.raises(ValueError, match="end after"):
        await calendar.upsert_event(LEADER, None, SUBJECT, start, start, BODY)
    assert graph.requests == []


@pytest.mark.parametrize(
    ("status", "headers", "retryable", "retry_after"),
    [
        (403, {}, False, None),
        (429, {"Retry-After": "9"}, True, 9.0),
        (503, {}, True, None),
    ],
)
async def test_failures_say_whether_to_retry(
    graph: FakeGraph,
    calendar: GraphCalendar,
    status: int,
    headers: dict[str, str],
    retryable: bool,
    retry_after: float | None,
) -> None:
    graph.fail(status, "/events$", headers=headers, message="Mailbox of Hemmelig Hege")
    start = datetime(2027, 1, 7, 10, tzinfo=OSLO)

    with pytest.raises(CalendarError) as caught:
        await calendar.upsert_event(LEADER, None, SUBJECT, start, start + timedelta(hours=1), BODY)

    assert caught.value.status == status
    assert caught.value.retryable is retryable
    assert caught.value.retry_after == retry_after
    assert "Hemmelig Hege" not in str(caught.value)


async def test_a_failed_update_is_not_turned_into_a_create(
    graph: FakeGraph, calendar: GraphCalendar
) -> None:
    start = datetime(2027, 1, 7, 10, tzinfo=OSLO)
    event_id = await calendar.upsert_event(
        LEADER, None, SUBJECT, start, start + timedelta(hours=1), BODY
    )
    graph.fail(503, "/events/", method="PATCH")

    with pytest.raises(CalendarError):
        await calendar.upsert_event(
            LEADER, event_id, SUBJECT, start, start + timedelta(hours=2), BODY
        )
    assert len(graph.events[LEADER]) == 1
