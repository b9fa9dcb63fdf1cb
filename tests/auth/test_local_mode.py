"""Local mode is local: it looks at no token, and it listens on loopback only.

Without MicrosoftAppId the Agents Playground and the Emulator talk to the bot without tokens;
a request that carries one anyway is served the same (its header is never read, so nothing is
fetched from Microsoft), and the bot refuses to start on an address others can reach unless
ALLOW_UNAUTHENTICATED=1 says the network is closed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.bootstrap import build_runtime
from bot.config import REPO_ROOT, ConfigError, Settings, check_listening, is_loopback
from bot.hosting.web import RUNTIME, create_app
from tests.auth.openid import FakeOpenId, Keys, connector_claims, sign
from tests.conftest import TEACHER_9
from tests.connector import FakeConnector
from tests.teams import activity, conversation_id, local_settings


@pytest.mark.usefixtures("sdk")  # on both hosts (tests/conftest.py)
async def test_local_mode_ignores_any_authorization_header(
    tmp_path: Path, keys: Keys, openid: FakeOpenId,
) -> None:
    connector = FakeConnector()
    await connector.start()
    settings = local_settings(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                              BOT_OPENID_METADATA_URL=openid.metadata_url("bf"))
    app = create_app(settings, build_runtime, background=False)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        assert app[RUNTIME].validator is None
        headers = [
            f"Bearer {sign(keys.bf, connector_claims(connector.url))}",  # looks like Teams'
            f"Bearer {sign(keys.attacker, connector_claims(connector.url))}",  # forged
            "Bearer not-a-jwt",
            "Basic YWJjOmRlZg==",
        ]
        async with aiohttp.ClientSession() as session:
            for header in headers:
                async with session.post(
                    server.make_url("/api/messages"),
                    json=activity(TEACHER_9, service_url=connector.url, text="hjelp"),
                    headers={"Authorization": header},
                ) as response:
                    assert response.status in (200, 201), await response.text()
        assert len(connector.delivered(conversation_id(TEACHER_9))) == len(headers)
        assert openid.requests == []  # nothing was validated, so nothing was fetched
    finally:
        await server.close()
        await connector.stop()


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.53", True), ("::1", True), ("localhost", True),
    ("LOCALHOST", True), ("0.0.0.0", False), ("::", False), ("", False),
    ("192.168.1.20", False), ("bot.skole.no", False), ("[::1]", False),
])
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(("env", "refused"), [
    ({"HOST": "0.0.0.0"}, True),
    ({"HOST": ""}, True),
    ({"HOST": "10.0.0.5", "ALLOW_UNAUTHENTICATED": "0"}, True),
    ({"HOST": "0.0.0.0", "ALLOW_UNAUTHENTICATED": "1"}, False),
    ({"HOST": "0.0.0.0", "ALLOW_UNAUTHENTICATED": "true"}, False),
    ({"HOST": "127.0.0.1"}, False),
    ({"HOST": "0.0.0.0", "MicrosoftAppId": "id", "MicrosoftAppTenantId": "t"}, False),
])
def test_local_mode_listens_on_loopback_unless_allowed(env: dict[str, str],
                                                       refused: bool) -> None:
    settings = Settings.from_env(env)
    if refused:
        with pytest.raises(ConfigError, match="ALLOW_UNAUTHENTICATED=1"):
            check_listening(settings)
    else:
        check_listening(settings)


def test_allow_unauthenticated_is_a_yes_or_no() -> None:
    with pytest.raises(ConfigError, match="ALLOW_UNAUTHENTICATED må være 1 eller 0"):
        Settings.from_env({"ALLOW_UNAUTHENTICATED": "kanskje"})


def test_python_m_bot_refuses_a_non_loopback_host_without_allow_unauthenticated(
    tmp_path: Path,
) -> None:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith("Microsoft") and k != "ALLOW_UNAUTHENTICATED"}
    environment.update(HOST="0.0.0.0", PORT="3978", PYTHONUNBUFFERED="1",
                       DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    finished = subprocess.run([sys.executable, "-m", "bot"], cwd=REPO_ROOT, env=environment,
                              capture_output=True, text=True, timeout=60)
    assert finished.returncode == 2
    assert finished.stderr.startswith("Feil i konfigurasjonen: HOST=0.0.0.0 er ikke en "
                                      "loopback-adresse")
    assert "MicrosoftAppId" in finished.stderr and "ALLOW_UNAUTHENTICATED=1" in finished.stderr
    assert "refusing to listen on a non-loopback address" in finished.stderr
    assert "Traceback" not in finished.stderr
    assert not (tmp_path / "bot.db").exists()  # refused before anything was opened
