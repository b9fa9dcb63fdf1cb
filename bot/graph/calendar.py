"""The activity plan's evaluation date in the responsible leader's Outlook calendar.

Optional per school. A calendar is not confidential enough for a pupil: delegates, assistants
and free/busy views may show an event's subject, and its body syncs to phones. The caller must
pass the case number only (e.g. «Evaluering av aktivitetsplan, sak 2026-014») and never the
pupil's name, class or the report's text; this module cannot check that and does not try.

Times go to Graph as wall-clock times in the school's zone (Europe/Oslo), so an evaluation at
10:00 stays at 10:00 across a change to or from summer time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.event import Event
from msgraph.generated.models.item_body import ItemBody

from bot.graph.client import GraphConnection
from bot.graph.errors import Failure, classify

log = logging.getLogger(__name__)

T = TypeVar("T")

OSLO = ZoneInfo("Europe/Oslo")


class CalendarError(Exception):
    """An event could not be written; `retryable` and `retry_after` come from Graph's answer.

    Not retryable: `Calendars.ReadWrite` not consented or limited away from this mailbox by an
    application access policy (403), no mailbox (404), a refused credential.
    """

    def __init__(self, message: str, failure: Failure) -> None:
        super().__init__(message)
        self.failure = failure
        self.retryable = failure.retryable
        self.retry_after = failure.retry_after
        self.status = failure.status


def graph_time(moment: datetime, zone: ZoneInfo = OSLO) -> DateTimeTimeZone:
    """A timezone-aware moment as Graph's (wall-clock time, zone name) pair in `zone`."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("calendar times must be timezone-aware")
    local = moment.astimezone(zone).replace(tzinfo=None)
    return DateTimeTimeZone(date_time=local.isoformat(timespec="seconds"), time_zone=zone.key)


class GraphCalendar:
    def __init__(self, connection: GraphConnection, *, zone: ZoneInfo = OSLO) -> None:
        self._graph = connection.client
        self._timeout = connection.timeout_s
        self._zone = zone

    async def upsert_event(
        self,
        user_id: str,
        event_id: str | None,
        subject: str,
        start: datetime,
        end: datetime,
        body_text: str,
        *,
        transaction_id: str | None = None,
    ) -> str:
        """Creates the event, or updates `event_id`; returns the id to keep for next time.

        An event the user deleted (404 on update) is created again: the evaluation is still
        due. `transaction_id` (e.g. the case id and purpose) lets Graph drop a duplicate when a
        create is retried after a lost answer.
        """
        if end <= start:
            raise ValueError("an event must end after it starts")
        event = Event(
            subject=subject,
            body=ItemBody(content_type=BodyType.Text, content=body_text),
            start=graph_time(start, self._zone),
            end=graph_time(end, self._zone),
            is_reminder_on=True,
        )
        events = self._graph.users.by_user_id(user_id).events
        if event_id is not None:
            try:
                await self._call(events.by_event_id(event_id).patch(event))
            except Exception as error:
                failure = classify(error)
                if failure.status != 404:
                    raise _calendar_error("update", user_id, failure) from None
                log.info("calendar event for user %s was deleted; creating it again", user_id)
            else:
                log.info("calendar event updated for user %s", user_id)
                return event_id
        event.transaction_id = transaction_id
        try:
            created = await self._call(events.post(event))
        except Exception as error:
            raise _calendar_error("create", user_id, classify(error)) from None
        if created is None or not created.id:
            raise CalendarError(
                "Graph created the event but returned no id", Failure("no id", retryable=False)
            )
        log.info("calendar event created for user %s", user_id)
        return created.id

    async def _call(self, operation: Awaitable[T]) -> T:
        return await asyncio.wait_for(operation, self._timeout)


def _calendar_error(what: str, user_id: str, failure: Failure) -> CalendarError:
    log.warning(
        "graph calendar %s for user %s failed (%s%s)",
        what,
        user_id,
        failure.kind,
        f", {failure.code}" if failure.code else "",
    )
    return CalendarError(
        f"cannot {what} the calendar event: Graph answered {failure.kind}", failure
    )
