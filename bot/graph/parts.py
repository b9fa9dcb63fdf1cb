"""What Microsoft Graph adds to a running bot; the heavy Graph modules load only when used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.services.ports import AppInstaller, Calendar

if TYPE_CHECKING:
    from bot.graph.client import GraphConnection
    from bot.graph.directory import GraphDirectory


@dataclass
class GraphParts:
    """What Microsoft Graph adds when GRAPH_ENABLED: all None in local mode."""

    connection: GraphConnection | None = None
    directory: GraphDirectory | None = None
    installer: AppInstaller | None = None
    calendar: Calendar | None = None
