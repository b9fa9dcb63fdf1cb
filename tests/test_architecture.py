"""The layers hold: import-linter's contracts (pyproject.toml), and the check README promises.

`make test` runs `lint-imports` itself; the test here runs it too, so a plain `pytest` finds a
broken layer, and shows that the SDK check would catch an offender.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOSTS = ("bot/hosting/botbuilder/", "bot/hosting/agents/")
SDK_IMPORT = re.compile(r"^\s*(from|import) (botbuilder|botframework|microsoft_agents)\b", re.M)


def sdk_importers(root: Path) -> list[str]:
    r"""What `grep -rlE '^\s*(from|import) (botbuilder|botframework|microsoft_agents)'` finds."""
    found = []
    for package in ("bot", "storage"):
        for path in sorted((root / package).rglob("*.py")):
            if SDK_IMPORT.search(path.read_text(encoding="utf-8")):
                found.append(path.relative_to(root).as_posix())
    return found


def test_the_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_only_the_two_hosting_packages_import_a_bot_sdk() -> None:
    offenders = [p for p in sdk_importers(ROOT) if not p.startswith(HOSTS)]
    assert offenders == []
    assert any(p.startswith(HOSTS[0]) for p in sdk_importers(ROOT))


def test_the_check_would_catch_an_offender(tmp_path: Path) -> None:
    bad = tmp_path / "bot" / "domain" / "bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("import logging\n  from botbuilder.core import TurnContext\n")
    (tmp_path / "storage").mkdir()
    assert sdk_importers(tmp_path) == ["bot/domain/bad.py"]
