"""One-time download links for a case's PDF or documentation pack (bot/services/export.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass
class ExportLink:
    token: str
    case_id: str
    user_id: str
    redacted: bool
    expires_at: datetime
    used_at: datetime | None = None
    kind: str = "pdf"
    """`pdf` (the case as one PDF) or `pack` (the documentation pack, a ZIP)."""


class ExportLinks(Protocol):
    async def add(self, link: ExportLink) -> None: ...

    async def use(self, token: str, now: datetime) -> ExportLink | None:
        """Marks the link used; None when unknown, used already or expired."""
        ...

    async def delete_for_case(self, case_id: str) -> int: ...
