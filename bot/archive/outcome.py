"""What became of a message sent to the archive, as the outbox acts on it.

- `Received` (201): stored in the archive's Mottak; never send this message again.
- `Rejected` (400, 422, other 4xx): the archive refused it and says why; a person must act
  before it is sent again (rektor's card shows `reason`, which may quote the case: do not log it).
- `WrongTenant` (404): the tenant key in ARCHIVE_URL is unknown or inactive: a configuration
  error, for the log and /healthz.
- `Retry` (5xx, timeout, unreachable): try again later with back-off.
- `Written`: no ARCHIVE_URL; the ZIP and its manifest are in ARCHIVE_DIR for manual import,
  and rektor confirms «Importert i Websak».
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.archive.message import ArchiveMessage


@dataclass(frozen=True)
class Received:
    status: int
    receipt: str
    """Mottak's answer (the file it stored and its hash): a queue receipt, not a case number."""


@dataclass(frozen=True)
class Rejected:
    status: int
    reason: str


@dataclass(frozen=True)
class WrongTenant:
    status: int
    detail: str


@dataclass(frozen=True)
class Retry:
    reason: str
    """Safe to log: a status code or the kind of network failure, never the case's content."""
    status: int | None = None


@dataclass(frozen=True)
class Written:
    zip_path: Path
    manifest_path: Path


DeliveryOutcome = Received | Rejected | WrongTenant | Retry | Written


class ArchiveTransport(Protocol):
    """Sends one message; never raises for what the archive or the network does."""

    async def deliver(self, message: ArchiveMessage) -> DeliveryOutcome: ...
