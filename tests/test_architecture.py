"""The domain and the use cases must not know botbuilder, aiohttp, SQLAlchemy or Graph.

The Bot Framework SDK is archived upstream; this keeps a move to its successor a matter of
replacing `bot/teams`, `bot/dialogs`, `bot/app.py` and `storage/`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("botbuilder", "botframework", "aiohttp", "sqlalchemy", "msgraph", "azure",
             "alembic", "msrest", "storage", "bot.teams", "bot.dialogs", "bot.app",
             "bot.bootstrap")
PURE_PACKAGES = ["bot/domain", "bot/services", "bot/cards", "bot/knowledge", "bot/export"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_packages_import_no_framework(package: str) -> None:
    offenders = []
    for path in _files(package):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_domain_imports_only_the_domain_and_the_standard_library() -> None:
    offenders = []
    for path in _files("bot/domain"):
        for name in _imports(path):
            if name.startswith("bot.") and not name.startswith("bot.domain"):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_the_check_would_catch_an_offender(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from botbuilder.core import TurnContext\nimport sqlalchemy.orm\n")
    assert {"botbuilder.core", "sqlalchemy.orm"} <= _imports(bad)


def test_only_bot_graph_imports_graph() -> None:
    """msgraph is large (~0.8 s, 40 MB to import): only its own package, loaded on demand."""
    offenders = []
    for path in _files("bot") + _files("storage"):
        relative = str(path.relative_to(ROOT))
        if relative.startswith("bot/graph"):
            continue
        for name in _imports(path):
            if name.startswith(("msgraph", "azure", "kiota")):
                offenders.append(f"{relative} imports {name}")
    assert offenders == []


def test_only_the_teams_layer_imports_botbuilder() -> None:
    allowed = ("bot/teams", "bot/dialogs", "bot/bootstrap.py", "bot/app.py")
    offenders = []
    for path in _files("bot") + _files("storage"):
        relative = str(path.relative_to(ROOT))
        if relative.startswith(allowed):
            continue
        for name in _imports(path):
            if name.startswith(("botbuilder", "botframework")):
                offenders.append(f"{relative} imports {name}")
    assert offenders == []
