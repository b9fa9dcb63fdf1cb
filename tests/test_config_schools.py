"""SCHOOL_CONFIG as a directory: every *.toml a school, owner.toml the school owner; each
mistake names its file and key before the bot starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_deployment
from bot.domain.people import Role
from bot.domain.school import ConfiguredDirectory
from tests.schools import (
    BOTH,
    OWNER,
    OWNER_PERSON,
    REKTOR_A,
    REKTOR_B,
    TEST_SCHOOL_CONFIG,
    school,
    two_schools,
)


def test_a_directory_is_every_school_and_their_owner(tmp_path: Path) -> None:
    deployment = load_deployment(two_schools(tmp_path / "skoler"))
    assert [s.id for s in deployment.schools] == ["alfa", "beta"]
    assert [s.name for s in deployment.schools] == ["Alfa skole", "Beta skole"]
    assert deployment.owner.name == "Utdanningsetaten (UDA)"
    [person] = deployment.owner.people
    assert person.aad_object_id == OWNER_PERSON and person.roles == {Role.SKOLEEIER}
    assert all(s.owner == deployment.owner for s in deployment.schools)
    assert [s.id for s in deployment.schools_of(BOTH)] == ["alfa", "beta"]
    assert [s.id for s in deployment.schools_of(REKTOR_B)] == ["beta"]
    assert deployment.schools_of(OWNER_PERSON) == ()
    # The owner's people are known to every school's directory, but are no school's staff.
    directory = ConfiguredDirectory(deployment.schools[0])
    assert directory.person(OWNER_PERSON) is not None
    assert OWNER_PERSON not in {p.aad_object_id for p in deployment.schools[0].staff}


def test_one_file_is_one_school_as_before() -> None:
    deployment = load_deployment(TEST_SCHOOL_CONFIG)
    assert [s.id for s in deployment.schools] == ["ellingsrud"]
    assert deployment.owner.people == ()


def test_a_single_file_may_list_the_owners_people_in_its_staff(tmp_path: Path) -> None:
    path = tmp_path / "alfa.toml"
    owner_staff = OWNER.split("[[staff]]", 1)[1]
    path.write_text(
        school("Alfa skole", REKTOR_A, "x-leader", "x-teacher")
        + OWNER.split("[[staff]]", 1)[0]
        + "\n[[staff]]"
        + owner_staff,
        encoding="utf-8",
    )
    deployment = load_deployment(path)
    assert [p.aad_object_id for p in deployment.owner.people] == [OWNER_PERSON]
    assert OWNER_PERSON not in {p.aad_object_id for p in deployment.schools[0].staff}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: (d / "owner.toml").unlink(), "owner.toml mangler"),
        (
            lambda d: (d / "owner.toml").write_text(OWNER.replace("skoleeier", "rektor")),
            'owner.toml: staff[1].roles: i owner.toml har alle roles = ["skoleeier"]',
        ),
        (
            lambda d: (d / "owner.toml").write_text(OWNER.replace("phone", "telefon")),
            "owner.toml: school_owner.phone mangler",
        ),
        (
            lambda d: (d / "owner.toml").write_text(OWNER + "\n[routines]\n"),
            "owner.toml: ukjent tabell [routines]",
        ),
        (
            lambda d: (d / "gamma.toml").write_text(
                school("Gamma skole", "g-r", "g-l", "g-t") + '\n[school_owner]\nname = "X"\n'
            ),
            "gamma.toml: [school_owner] og skoleeiers folk står i owner.toml",
        ),
        (
            lambda d: (d / "gamma.toml").write_text(
                school("Gamma skole", "g-r", "g-l", "g-t")
                + '\n[routines]\nescalation_hours = "snart"\n'
            ),
            "gamma.toml: routines.escalation_hours",
        ),
        (
            lambda d: (d / "gamma.toml").write_text(
                school("Gamma skole", "g-r", "g-l", "g-t").replace(
                    "[school]\n", '[school]\nid = "alfa"\n'
                )
            ),
            "gamma.toml: school.id «alfa» brukes også av",
        ),
        (
            lambda d: (d / "gamma.toml").write_text(
                school("Gamma skole", OWNER_PERSON, "g-l", "g-t")
            ),
            "gamma.toml: 00000000-0000-0000-0000-0000000000e1 står både i skolens [[staff]]",
        ),
        (
            lambda d: [p.unlink() for p in d.glob("*.toml") if p.name != "owner.toml"],
            "mappen har ingen skolefiler",
        ),
    ],
)
def test_a_mistake_names_its_file_and_key(tmp_path: Path, change: object, message: str) -> None:
    directory = two_schools(tmp_path / "skoler")
    change(directory)  # type: ignore[operator]
    with pytest.raises(ConfigError) as caught:
        load_deployment(directory)
    assert message in str(caught.value)
