"""Without ARCHIVE_URL: each message's ZIP and manifest in a folder, for manual import in Websak.

The files are what Mottak would have received, so the school's archive can import them with
the same rule; rektor then confirms «Importert i Websak». The folder holds special-category
data about children: it is made readable by the bot's user only, and the retention purge
removes a case's files with the case.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from bot.archive.message import ArchiveMessage
from bot.archive.outcome import DeliveryOutcome, Retry, Written

DEFAULT_DIR = Path("data/arkiv")


def paths(root: Path, message: ArchiveMessage) -> tuple[Path, Path]:
    """Where a message's ZIP and manifest go: `<message file name>.zip` and the same name
    with `.manifest.json`."""
    stem = message.filename.removesuffix(".zip")
    return root / message.filename, root / f"{stem}.manifest.json"


def delete_case_files(root: Path, case_reference: str) -> int:
    """The retention purge's part here: the packages hold the case in clear text."""
    files = case_files(root, case_reference)
    for path in files:
        path.unlink(missing_ok=True)
    return len(files)


def case_files(root: Path, case_reference: str) -> list[Path]:
    """A case's files in the folder, a crash's half-written ones too: what the retention purge
    deletes."""
    if not root.is_dir():
        return []
    found = [*root.glob(f"{case_reference}-*"), *root.glob(f".{case_reference}-*.tmp")]
    return sorted(p for p in found if p.is_file())


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a crash leaves the old file or none, never half a ZIP."""
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


class ArchiveDirectory:
    def __init__(self, root: Path = DEFAULT_DIR) -> None:
        self.root = root

    def _store(self, message: ArchiveMessage) -> Written:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        zip_path, manifest_path = paths(self.root, message)
        _write(zip_path, message.zip)
        _write(manifest_path, message.manifest_json())
        return Written(zip_path, manifest_path)

    async def deliver(self, message: ArchiveMessage) -> DeliveryOutcome:
        try:
            return await asyncio.to_thread(self._store, message)
        except OSError as error:
            return Retry(f"could not write to ARCHIVE_DIR ({type(error).__name__})")
