"""Evaluation dates in Outlook, when the school wants them (bot/services/calendar_sync.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Calendar(Protocol):
    async def upsert_event(
        self,
        user_id: str,
        event_id: str | None,
        subject: str,
        start: datetime,
        end: datetime,
        body_text: str,
    ) -> str:
        """Subject and body carry the case number only, never the pupil's name."""
        ...


class CalendarEvents(Protocol):
    """Which calendar event holds a case's evaluation date for a person."""

    async def get(self, case_id: str, user_id: str) -> str | None: ...

    async def put(self, case_id: str, user_id: str, event_id: str, now: datetime) -> None: ...

    async def delete_for_case(self, case_id: str) -> int: ...
