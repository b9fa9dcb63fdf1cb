"""A deployment of two schools and their owner, written as TOML files the way a municipality
would keep them: `owner.toml` and one file per school in one directory."""

from __future__ import annotations

from pathlib import Path

TEST_SCHOOL_CONFIG = Path(__file__).with_name("school.toml")
"""The one school every test runs on (and every bot a test starts), not config/ellingsrud.toml."""

OWNER_PERSON = "00000000-0000-0000-0000-0000000000e1"
REKTOR_A = "00000000-0000-0000-0000-00000000a0a1"
LEADER_A = "00000000-0000-0000-0000-00000000a0b1"
TEACHER_A = "00000000-0000-0000-0000-00000000a0c1"
REKTOR_B = "00000000-0000-0000-0000-00000000b0a1"
LEADER_B = "00000000-0000-0000-0000-00000000b0b1"
TEACHER_B = "00000000-0000-0000-0000-00000000b0c1"
BOTH = "00000000-0000-0000-0000-0000000ab0c1"
"""A teacher at both schools (a shared music teacher)."""

OWNER = f'''
[school_owner]
name = "Utdanningsetaten (UDA)"
phone = "23 05 10 09"

[[staff]]
aad_object_id = "{OWNER_PERSON}"
name = "Rådgiver Ole i UDA"
roles = ["skoleeier"]
'''


def school(name: str, rektor: str, leader: str, teacher: str, *, extra: str = "") -> str:
    return f'''
[school]
name = "{name}"

[school_hours]
holidays = ["2026-12-21..2027-01-01"]

[[staff]]
aad_object_id = "{rektor}"
name = "Rektor på {name}"
roles = ["rektor"]

[[staff]]
aad_object_id = "{leader}"
name = "Leder på {name}"
roles = ["leder"]
team = "9. trinn"

[[staff]]
aad_object_id = "{teacher}"
name = "Lærer på {name}"
team = "9. trinn"

[[staff]]
aad_object_id = "{BOTH}"
name = "Musikklærer Mia"
team = "9. trinn"
{extra}'''


def two_schools(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "owner.toml").write_text(OWNER, encoding="utf-8")
    (directory / "alfa.toml").write_text(
        school("Alfa skole", REKTOR_A, LEADER_A, TEACHER_A), encoding="utf-8"
    )
    (directory / "beta.toml").write_text(
        school("Beta skole", REKTOR_B, LEADER_B, TEACHER_B), encoding="utf-8"
    )
    return directory
