"""bot/hosting serves every host: it knows aiohttp and PyJWT, never a bot SDK.

A later host on the Microsoft 365 Agents SDK reuses the validator; were it to import
botbuilder, that host would drag the archived SDK along.
"""

from __future__ import annotations

from tests.test_architecture import ROOT, _files, _imports

SDKS = ("botbuilder", "botframework", "msrest", "microsoft_agents", "bot.teams",
        "bot.app", "bot.bootstrap", "sqlalchemy", "storage")


def test_the_hosting_package_imports_no_bot_sdk() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _files("bot/hosting")
        for name in _imports(path)
        if any(name == sdk or name.startswith(sdk + ".") for sdk in SDKS)
    ]
    assert _files("bot/hosting")
    assert offenders == []


def test_botbuilder_authentication_is_replaced_not_used() -> None:
    """Only the glue in bot/teams/auth.py talks to botbuilder's authentication types, and no
    module calls botbuilder's own JWT validation."""
    callers = [
        f"{path.relative_to(ROOT)}"
        for path in _files("bot")
        for name in _imports(path)
        if name.startswith("botframework.connector.auth") and path.name not in (
            "auth.py", "bootstrap.py")
    ]
    assert callers == []
    for path in _files("bot"):
        text = path.read_text(encoding="utf-8")
        for validation in ("JwtTokenValidation", "ChannelValidation", "EmulatorValidation",
                           "JwtTokenExtractor", "SkillValidation"):
            assert validation not in text, f"{path.relative_to(ROOT)} uses {validation}"
