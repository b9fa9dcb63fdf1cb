"""The command-line doors: db upgrade, reminders run-due, export, manifest, ask."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from bot.bootstrap import build_services
from bot.config import REPO_ROOT
from bot.domain.school import School
from bot.services.reporting import submit_report
from storage.engine import create_engine
from storage.migrate import revisions
from tests.conftest import T0, TEACHER_9
from tests.fakes import FakeClock
from tests.keys import TEST_KEY, TEST_KEYRING
from tests.samples import report


def run(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    env["DATA_ENCRYPTION_KEY"] = TEST_KEY
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


async def _one_case(database: Path, school: School) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    svc = build_services(engine, TEST_KEYRING, school, FakeClock(T0))
    teacher = svc.directory.person(TEACHER_9)
    assert teacher is not None
    await submit_report(svc, teacher, "a" * 32, report())
    await engine.dispose()


def test_db_upgrade_reminders_and_export(tmp_path: Path, school: School) -> None:
    database = tmp_path / "cli.db"
    upgraded = run("db", "upgrade", database=database)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"revisjon {revisions()[-1]}" in upgraded.stdout
    asyncio.run(_one_case(database, school))

    early = run("reminders", "run-due", "--now", "2026-11-27T09:00+01:00", database=database)
    assert early.returncode == 0, early.stderr
    assert "Påminnelser: 0 sendt" in early.stdout
    due = run("reminders", "run-due", "--now", "2026-11-30T08:00+01:00", database=database)
    assert "Påminnelser: 1 sendt" in due.stdout, due.stdout + due.stderr
    again = run("reminders", "run-due", "--now", "2026-11-30T08:05+01:00", database=database)
    assert "Påminnelser: 0 sendt" in again.stdout

    bad = run("reminders", "run-due", "--now", "i morgen", database=database)
    assert bad.returncode == 2 and "--now må være et tidspunkt" in bad.stderr

    out = tmp_path / "sak.pdf"
    exported = run("export", f"{T0.year}-0001", "--out", str(out), database=database)
    assert exported.returncode == 0, exported.stderr
    assert out.read_bytes().startswith(b"%PDF")
    missing = run("export", "2026-0099", "--out", str(out), database=database)
    assert missing.returncode == 1 and "Finner ikke sak" in missing.stderr


def test_manifest_and_ask(tmp_path: Path) -> None:
    package = tmp_path / "app.zip"
    built = run("manifest", "--app-id", "9b1c3a2e-0000-4000-8000-000000000001",
                "--privacy-url", "https://skole.example/personvern",
                "--terms-url", "https://skole.example/vilkar",
                "--out", str(package), database=tmp_path / "x.db")
    assert built.returncode == 0, built.stderr
    assert set(zipfile.ZipFile(package).namelist()) == {"manifest.json", "color.png",
                                                       "outline.png"}
    answered = run("ask", "--json", "hvordan melder jeg fra?", database=tmp_path / "x.db")
    assert json.loads(answered.stdout)["sections"][0] == "8.3"
