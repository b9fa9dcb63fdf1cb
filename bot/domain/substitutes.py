"""Substitutes while rektor or a leader is away (issue 14): «Vikar for rektor/leder fra–til».

In the period the substitute gets the absent person's new alerts, escalations and reminders as
well (the absent person still gets them); the period ends by itself, as dates do. A substitution
comes from the school's TOML (`[[substitutes]]`) or from rektor's card.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.forms import Dates, FormField, FormSpec, Kind


@dataclass(frozen=True)
class Substitution:
    absent_id: str
    substitute_id: str
    starts_on: date
    ends_on: date
    """Inclusive: the substitute's last day."""
    set_by: str | None = None
    """Who set it on the card; None: the school's configuration."""
    id: str = ""

    def active(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def period(self) -> str:
        return f"{self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"


def substitutes_for(
    substitutions: Iterable[Substitution], person_id: str, day: date
) -> tuple[Substitution, ...]:
    """Who stands in for `person_id` on `day` (nobody stands in for themselves)."""
    return tuple(
        s
        for s in substitutions
        if s.absent_id == person_id and s.substitute_id != person_id and s.active(day)
    )


def stands_in_for(
    substitutions: Iterable[Substitution], person_id: str, day: date
) -> tuple[str, ...]:
    """Whom `person_id` stands in for on `day`."""
    return tuple(
        s.absent_id for s in substitutions if s.substitute_id == person_id and s.active(day)
    )


MAX_SUBSTITUTION_DAYS = 366


def substitution_problem(
    absent_id: str, substitute_id: str, starts_on: date, ends_on: date, today: date
) -> str | None:
    """Why a substitution cannot be set, in Norwegian; None when it can."""
    if absent_id == substitute_id:
        return "Vikaren må være en annen enn den som er borte."
    if ends_on < starts_on:
        return "«Til» må være samme dag som eller etter «fra»."
    if ends_on < today:
        return "Perioden er allerede over."
    if (ends_on - starts_on).days > MAX_SUBSTITUTION_DAYS:
        return "En vikarperiode kan vare høyst ett år."
    return None


def substitute_form_for(
    absent: Sequence[tuple[str, str]], staff: Sequence[tuple[str, str]]
) -> FormSpec:
    """«Vikar for rektor/leder fra–til»: `absent` are (id, name) of rektor and the leaders,
    `staff` of everyone who can stand in."""
    return FormSpec(
        (
            FormField.required_choice(
                "absent",
                "Hvem er borte?",
                absent,
                "Velg hvem som er borte.",
                "Velg rektor eller en leder fra listen.",
                compact=True,
            ),
            FormField.required_choice(
                "substitute",
                "Vikar",
                staff,
                "Velg vikaren.",
                "Velg en ansatt fra listen.",
                compact=True,
            ),
            FormField(
                "starts_on",
                "Fra (første dag)",
                Kind.DATE,
                required=True,
                missing="Velg første dag.",
            ),
            FormField(
                "ends_on",
                "Til (siste dag)",
                Kind.DATE,
                required=True,
                missing="Velg siste dag.",
                dates=Dates.ANY,
            ),
        )
    )
