"""Teams' published send limits, kept on our side so a burst of alerts is paced, not throttled.

Per bot and conversation: 7 messages a second, 8 in 2 s, 60 in 30 s, 1800 an hour; per app and
tenant about 50 requests a second. Waiting here is cheaper than a 429 and its Retry-After.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable

CONVERSATION_WINDOWS: tuple[tuple[float, int], ...] = (
    (1.0, 7),
    (2.0, 8),
    (30.0, 60),
    (3600.0, 1800),
)
TENANT_RATE = 50
"""Requests per second Teams allows one app in one tenant; several instances share it."""
APP_WINDOWS: tuple[tuple[float, int], ...] = ((1.0, TENANT_RATE),)


def app_windows(per_second: int) -> tuple[tuple[float, int], ...]:
    return ((1.0, max(1, per_second)),)


class SlidingWindows:
    """Several sliding-window limits on one stream of events."""

    def __init__(self, windows: tuple[tuple[float, int], ...]) -> None:
        self._windows = windows
        self._horizon = max(w for w, _ in windows)
        self._times: deque[float] = deque()

    def delay(self, now: float) -> float:
        """Seconds to wait before one more event may happen at `now`."""
        while self._times and self._times[0] <= now - self._horizon:
            self._times.popleft()
        wait = 0.0
        for window, limit in self._windows:
            inside = [t for t in self._times if t > now - window]
            if len(inside) >= limit:
                wait = max(wait, inside[-limit] + window - now)
        return wait

    def record(self, now: float) -> None:
        self._times.append(now)


class RateLimiter:
    def __init__(
        self,
        monotonic: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        conversation_windows: tuple[tuple[float, int], ...] = CONVERSATION_WINDOWS,
        app_windows: tuple[tuple[float, int], ...] = APP_WINDOWS,
    ) -> None:
        self._monotonic = monotonic
        self._sleep = sleep
        self._conversation_windows = conversation_windows
        self._app = SlidingWindows(app_windows)
        self._conversations: dict[str, SlidingWindows] = {}
        self._lock = asyncio.Lock()

    async def acquire(self, conversation: str, *, max_wait: float | None = None) -> bool:
        """Waits for a slot; False, without taking one, when that would take over `max_wait`.

        Waits outside the lock, so a busy conversation does not hold up the others.
        """
        started = self._monotonic()
        while True:
            async with self._lock:
                windows = self._conversations.setdefault(
                    conversation, SlidingWindows(self._conversation_windows)
                )
                now = self._monotonic()
                wait = max(windows.delay(now), self._app.delay(now))
                if wait <= 0:
                    windows.record(now)
                    self._app.record(now)
                    return True
            if max_wait is not None and now + wait - started > max_wait:
                return False
            await self._sleep(wait)
