"""Without ARCHIVE_URL the same ZIP and manifest land in ARCHIVE_DIR, for manual import."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from bot.archive.build import ArchiveContext, archive_messages
from bot.archive.local import ArchiveDirectory, case_files
from bot.archive.mottak import MottakClient
from bot.archive.outcome import Received, Retry, Written
from bot.domain.school import School
from tests.archive.fake_mottak import FakeMottak
from tests.export.cases import open_case
from tests.samples import report


async def test_the_zip_and_manifest_are_written_as_mottak_would_get_them(
    tmp_path: Path, school: School, context: ArchiveContext
) -> None:
    case, events = open_case(school, report())
    [message] = archive_messages(case, events, context)
    root = tmp_path / "data" / "arkiv"
    outcome = await ArchiveDirectory(root).deliver(message)
    assert outcome == Written(
        root / "2026-0001-20261126-100000-melding.zip",
        root / "2026-0001-20261126-100000-melding.manifest.json",
    )
    assert outcome.zip_path.read_bytes() == message.zip
    assert json.loads(outcome.manifest_path.read_text(encoding="utf-8")) == message.manifest()
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE(outcome.zip_path.stat().st_mode) == 0o600
    assert sorted(p.name for p in root.iterdir()) == [
        "2026-0001-20261126-100000-melding.manifest.json",
        "2026-0001-20261126-100000-melding.zip",
    ]
    # Written again (a retry after a crash): the same files, nothing beside them.
    assert await ArchiveDirectory(root).deliver(message) == outcome
    assert len(list(root.iterdir())) == 2
    assert case_files(root, "2026-0001") == [outcome.manifest_path, outcome.zip_path]
    (root / ".2026-0001-x.zip.tmp").write_bytes(b"half")
    assert case_files(root, "2026-0001")[0].name == ".2026-0001-x.zip.tmp"
    assert case_files(root, "2026-0002") == []
    assert case_files(tmp_path / "none", "2026-0001") == []

    # The files as written import as they would have been posted.
    async with FakeMottak() as mottak:
        assert isinstance(await MottakClient(mottak.url).deliver(message), Received)
        assert mottak.received[0].zip == outcome.zip_path.read_bytes()


async def test_a_folder_that_cannot_be_written_is_a_retry(
    tmp_path: Path, school: School, context: ArchiveContext
) -> None:
    case, events = open_case(school, report())
    [message] = archive_messages(case, events, context)
    blocked = tmp_path / "arkiv"
    blocked.write_text("a file where the folder should be")
    outcome = await ArchiveDirectory(blocked).deliver(message)
    assert isinstance(outcome, Retry) and "ARCHIVE_DIR" in outcome.reason
