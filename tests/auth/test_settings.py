"""The authentication settings are checked at start, and the validator follows the app type."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bootstrap import build_validator
from bot.config import ConfigError, Settings
from bot.hosting import http
from bot.hosting.auth import BOT_FRAMEWORK_OPENID_URL, ENTRA_OPENID_URL
from tests.auth.openid import APP_ID, TENANT


def _settings(**env: str) -> Settings:
    return Settings.from_env({"MicrosoftAppId": APP_ID, "MicrosoftAppTenantId": TENANT, **env})


@pytest.mark.parametrize(("env", "message"), [
    ({"BOT_OPENID_METADATA_URL": "http://login.botframework.com/v1/openid"},
     "BOT_OPENID_METADATA_URL må være en https-adresse"),
    ({"ENTRA_OPENID_METADATA_URL": "file:///etc/passwd"}, "ENTRA_OPENID_METADATA_URL"),
    ({"BOT_OPENID_METADATA_URL": "https://"}, "BOT_OPENID_METADATA_URL"),
    ({"OPENID_TIMEOUT_SECONDS": "0"}, "OPENID_TIMEOUT_SECONDS"),
    ({"OPENID_TIMEOUT_SECONDS": "lenge"}, "OPENID_TIMEOUT_SECONDS"),
    ({"OPENID_TIMEOUT_SECONDS": "600"}, "OPENID_TIMEOUT_SECONDS"),
])
def test_bad_authentication_settings_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _settings(**env)


def test_http_is_accepted_only_to_this_machine() -> None:
    settings = _settings(BOT_OPENID_METADATA_URL="http://127.0.0.1:8080/bf/openid")
    assert settings.bot_openid_metadata_url == "http://127.0.0.1:8080/bf/openid"


def test_the_validator_uses_microsofts_endpoints_by_default() -> None:
    validator = build_validator(_settings())
    assert validator is not None and validator.entra_keys is not None
    assert validator.connector_keys.metadata_url == BOT_FRAMEWORK_OPENID_URL
    assert validator.entra_keys.metadata_url == ENTRA_OPENID_URL.format(tenant=TENANT)


def test_multitenant_and_local_mode() -> None:
    multi = build_validator(_settings(MicrosoftAppType="MultiTenant"))
    assert multi is not None and multi.entra_keys is None
    assert build_validator(Settings.from_env({})) is None


def test_an_unreadable_ca_bundle_stops_the_start(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "missing.pem"))
    http.ssl_context.cache_clear()
    try:
        with pytest.raises(ConfigError, match="REQUESTS_CA_BUNDLE"):
            build_validator(_settings())
    finally:
        monkeypatch.undo()
        http.ssl_context.cache_clear()
