"""The school configuration and the environment are checked at start, naming the bad key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.config import DEFAULT_SCHOOL_CONFIG, ConfigError, Settings, load_school, parse_school
from tests.keys import TEST_KEY
from tests.schools import TEST_SCHOOL_CONFIG


def _sample() -> dict[str, Any]:
    return tomllib.loads(TEST_SCHOOL_CONFIG.read_text(encoding="utf-8"))


def test_the_shipped_configuration_loads() -> None:
    """The one test of the production file: it is the default, and it loads. Its values are the
    school's to change; every other test runs on tests/school.toml."""
    assert Settings.from_env({}).school_config == DEFAULT_SCHOOL_CONFIG
    school = load_school(DEFAULT_SCHOOL_CONFIG)
    assert str(school.calendar.zone) == "Europe/Oslo"
    assert any(p.is_rektor for p in school.staff)


def test_the_test_school_loads() -> None:
    school = load_school(TEST_SCHOOL_CONFIG)
    assert (school.id, school.name) == ("ellingsrud", "Ellingsrud skole")
    assert school.owner.phone == "23 05 10 09"
    assert school.evaluation_weeks == 3 and school.escalation_hours == 2
    assert any(p.is_rektor for p in school.staff)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("school"), "[school] mangler"),
        (lambda d: d["school"].update(timezone="Mars/Olympus"), "school.timezone"),
        (lambda d: d["school_owner"].pop("phone"), "school_owner.phone mangler"),
        (lambda d: d["staff"][0].update(roles=["sjef"]), "staff[1].roles: ukjent rolle «sjef»"),
        (lambda d: d["staff"][3].update(leader="nobody"), "staff[4].leader «nobody»"),
        (lambda d: d["staff"][1].update(aad_object_id=d["staff"][0]["aad_object_id"]),
         "står to ganger"),
        (lambda d: [p.update(roles=["ansatt"]) for p in d["staff"]], "ingen har rollen «rektor»"),
        (lambda d: d["routines"].update(evaluation_weeks=12), "routines.evaluation_weeks"),
        (lambda d: d["routines"].update(deputy="x"), "routines.deputy «x»"),
        (lambda d: d["school_hours"].update(end="07:00"), "school_hours.end"),
        (lambda d: d["school_hours"].update(holidays=["jul"]), "«jul» er ikke en dato"),
        (lambda d: d["staff"][0].pop("name"), "staff[1].name mangler"),
    ],
)
def test_a_bad_key_is_named(mutate: Any, message: str) -> None:
    data = _sample()
    mutate(data)
    with pytest.raises(ConfigError, match=None) as caught:
        parse_school(data)
    assert message in str(caught.value)


def test_a_missing_or_broken_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Finner ikke"):
        load_school(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[school\nname=", encoding="utf-8")
    with pytest.raises(ConfigError, match="ikke gyldig TOML"):
        load_school(broken)


def test_holiday_ranges_expand(tmp_path: Path) -> None:
    school = load_school(TEST_SCHOOL_CONFIG)
    from datetime import date

    assert date(2026, 12, 24) in school.calendar.holidays
    assert date(2027, 5, 17) in school.calendar.holidays


def test_settings_default_to_local_sqlite_without_credentials() -> None:
    settings = Settings.from_env({})
    assert settings.local_mode
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.host == "127.0.0.1" and settings.port == 3978


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "abc"}, "PORT"),
        ({"MicrosoftAppType": "Whatever"}, "MicrosoftAppType"),
        ({"MicrosoftAppId": "id", "MicrosoftAppType": "SingleTenant"}, "MicrosoftAppTenantId"),
    ],
)
def test_bad_environment_is_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_graph_needs_the_bots_identity() -> None:
    with pytest.raises(ConfigError, match="GRAPH_ENABLED=true krever MicrosoftAppId"):
        Settings.from_env({"GRAPH_ENABLED": "true"})
    with pytest.raises(ConfigError, match="GRAPH_ENABLED må være true eller false"):
        Settings.from_env({"GRAPH_ENABLED": "kanskje"})


def test_graph_parts_are_built_from_the_settings(tmp_path: Path) -> None:
    from bot.bootstrap import build_runtime

    config = tmp_path / "school.toml"
    config.write_text(TEST_SCHOOL_CONFIG.read_text(encoding="utf-8")
                      + "\n[microsoft365]\nleader_from_manager = true\ncalendar = true\n",
                      encoding="utf-8")
    settings = Settings.from_env({
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
        "SCHOOL_CONFIG": str(config),
        "MicrosoftAppId": "9b1c3a2e-0000-4000-8000-000000000001",
        "MicrosoftAppPassword": "secret", "MicrosoftAppTenantId": "t",
        "GRAPH_ENABLED": "true",
        "TEAMS_CATALOG_APP_ID": "f1e2d3c4-0000-4000-8000-00000000cafe",
        "DATA_ENCRYPTION_KEY": TEST_KEY,
    })
    runtime = build_runtime(settings)
    assert runtime.school.microsoft365.leader_from_manager
    assert runtime.graph.directory is runtime.services.directory
    assert runtime.graph.installer is not None
    assert runtime.services.calendar is runtime.graph.calendar is not None
    assert build_runtime(Settings.from_env({
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'y.db'}",
        "SCHOOL_CONFIG": str(TEST_SCHOOL_CONFIG)})).graph.connection is None


def test_microsoft365_flags_are_checked() -> None:
    data = _sample()
    data["microsoft365"] = {"calendar": "ja"}
    with pytest.raises(ConfigError, match=r"microsoft365\.calendar må være true eller false"):
        parse_school(data)
