"""Inbound tokens are checked by bot/hosting/auth.py alone; botbuilder's check is unused.

(That bot/hosting's shared parts import no SDK is an import-linter contract, pyproject.toml.)
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.test_architecture import ROOT


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_botbuilder_authentication_is_replaced_not_used() -> None:
    """Only the glue in bot/hosting/botbuilder/auth.py talks to botbuilder's authentication
    types, and no module calls botbuilder's own JWT validation."""
    callers = [
        f"{path.relative_to(ROOT)}"
        for path in _files("bot")
        for name in _imports(path)
        if name.startswith("botframework.connector.auth") and path.name not in (
            "auth.py", "build.py")
    ]
    assert callers == []
    for path in _files("bot"):
        text = path.read_text(encoding="utf-8")
        for validation in ("JwtTokenValidation", "ChannelValidation", "EmulatorValidation",
                           "JwtTokenExtractor", "SkillValidation"):
            assert validation not in text, f"{path.relative_to(ROOT)} uses {validation}"


def test_the_agents_sdk_checks_no_token_of_ours() -> None:
    """The Agents SDK host takes the claims bot/hosting/auth.py verified: neither its JWT
    middleware nor its validator (nor its `process`, which runs the middleware's result) is
    used anywhere."""
    for path in _files("bot"):
        text = path.read_text(encoding="utf-8")
        for validation in ("JwtTokenValidator", "jwt_authorization", "_authorize_request",
                           "start_agent_process", ".process(request"):
            assert validation not in text, f"{path.relative_to(ROOT)} uses {validation}"
        assert not any(name.startswith("microsoft_agents.hosting.core.authorization.jwt")
                       for name in _imports(path))
