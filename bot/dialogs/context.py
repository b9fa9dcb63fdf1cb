"""What every dialog handler is handed for one turn."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.dialogs.turn import Replies, Turn
from bot.domain.people import Person
from bot.services.context import Services


@dataclass
class Ctx:
    svc: Services
    turn: Turn
    person: Person
    data: Mapping[str, Any]
    """The card's data and inputs, ids already checked against their formats."""
    out: Replies
    schools: tuple[Services, ...] = ()
    """Every school the person acts in (several for some staff, all for the school owner's
    people): «Mine saker» lists them all; `svc` is this turn's."""

    @property
    def me(self) -> str:
        return self.person.aad_object_id

    @property
    def today(self) -> date:
        return self.svc.today()
