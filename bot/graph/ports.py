"""The ports this package fills, as proposed for `bot/services/ports.py`.

They live here until the use cases adopt them; `_conforms` makes mypy prove that the Graph
classes satisfy them (and the `Directory` port) structurally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.services.ports import AppInstaller, Calendar

if TYPE_CHECKING:
    from bot.graph.calendar import GraphCalendar
    from bot.graph.directory import GraphDirectory
    from bot.graph.installer import GraphAppInstaller
    from bot.services.ports import Directory

__all__ = ["AppInstaller", "Calendar", "DirectoryPrefetch"]


class DirectoryPrefetch(Protocol):
    async def prefetch(self, user_id: str, wait: float | None = None) -> None:
        """Bounded by `wait` (or the directory's default); never raises."""
        ...


if TYPE_CHECKING:

    def _conforms(
        installer: GraphAppInstaller, calendar: GraphCalendar, directory: GraphDirectory
    ) -> tuple[AppInstaller, Calendar, Directory, DirectoryPrefetch]:
        return installer, calendar, directory, directory
