"""What a staff member reports (plan 8.3), and the checks every report must pass.

The fields are parsed from whatever a client sent (an Adaptive Card sends strings, a stale card
may send fewer or stranger fields), so parsing never raises: it returns the report or a
Norwegian message per field, and the caller shows them on the same form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

MAX_TEXT = 4000
MAX_SHORT = 200
MAX_NAME = 120
MAX_CLASS = 40

# Eleven digits in a row look like a Norwegian national identity number; the form must not hold one.
_NATIONAL_ID = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")


class Field(StrEnum):
    """Input ids of the report form; the cards and the parser share them."""

    PUPIL_NAME = "pupil_name"
    PUPIL_CLASS = "pupil_class"
    CATEGORY = "category"
    SIGNS = "signs"
    DESCRIPTION = "description"
    PLACE = "place"
    OCCURRED_ON = "occurred_on"
    SOURCE = "source"
    INTERVENED = "intervened"
    INTERVENTION = "intervention"
    PUPIL_INFORMED = "pupil_informed"
    STAFF_SUSPECTED = "staff_suspected"
    LEADERSHIP_SUSPECTED = "leadership_suspected"
    SERIOUS = "serious"


CATEGORIES: dict[str, str] = {
    "krenkelser": "Krenkelser eller mobbing",
    "utenforskap": "Utestenging eller utenforskap",
    "vold": "Vold, trusler eller slåsskamp",
    "digitalt": "Krenkelser på nett eller sosiale medier",
    "utrygghet": "Utrygghet eller mistrivsel",
    "annet": "Annet",
}

# Plan 8.1: signs that a pupil may not be safe and well.
SIGNS: dict[str, str] = {
    "kvier_seg": "Kvier seg for å gå på skolen",
    "skolevei": "Opplever skoleveien som problematisk",
    "fravaer": "Kommer ofte for sent eller har økende fravær",
    "faglig": "Faglige resultater blir dårligere",
    "utstyr": "Klær eller utstyr blir borte eller ødelagt",
    "folelser": "Endret følelsesuttrykk (irritabel, aggressiv eller mer stille)",
    "spise_sovn": "Endret spise- eller søvnmønster",
    "fritid": "Slutter brått på fritidsaktiviteter, mer innesluttet",
    "somatisk": "Gjentatt vondt i magen eller hodet, kvalm",
    "relasjoner": "Endringer i den sosiale dynamikken i klassen",
    "oppholdssted": "Endring i hvor eleven oppholder seg",
    "sosiale_medier": "Ekskludering på sosiale medier",
    "krenkelse_sett": "Jeg så eller hørte en krenkelse",
}


class Source(StrEnum):
    OWN = "egen_observasjon"
    PUPIL = "eleven"
    PARENT = "foresatte"
    OTHER_PUPIL = "annen_elev"
    OTHER = "annet"


SOURCES: dict[str, str] = {
    Source.OWN: "Jeg har selv sett eller hørt det",
    Source.PUPIL: "Eleven har sagt det",
    Source.PARENT: "Foresatte har sagt det",
    Source.OTHER_PUPIL: "En annen elev har sagt det",
    Source.OTHER: "Annet",
}


class PupilInformed(StrEnum):
    YES = "ja"
    NOT_YET = "ikke_enna"
    NO = "nei"


PUPIL_INFORMED: dict[str, str] = {
    PupilInformed.YES: "Ja, eleven vet at rektor får beskjed",
    PupilInformed.NOT_YET: "Nei, ikke ennå – jeg gjør det snart",
    PupilInformed.NO: "Nei, det passer ikke (alder/situasjon)",
}


@dataclass(frozen=True)
class Report:
    pupil_name: str
    pupil_class: str
    category: str
    signs: tuple[str, ...]
    description: str
    place: str
    occurred_on: date | None
    source: Source
    intervened: bool
    intervention: str
    pupil_informed: PupilInformed
    staff_suspected: bool
    leadership_suspected: bool
    serious: bool

    def to_values(self) -> dict[str, str]:
        """The report as form values: prefills an edited form and is how the report is stored."""
        return {
            Field.PUPIL_NAME: self.pupil_name,
            Field.PUPIL_CLASS: self.pupil_class,
            Field.CATEGORY: self.category,
            Field.SIGNS: ",".join(self.signs),
            Field.DESCRIPTION: self.description,
            Field.PLACE: self.place,
            Field.OCCURRED_ON: self.occurred_on.isoformat() if self.occurred_on else "",
            Field.SOURCE: self.source.value,
            Field.INTERVENED: _yes_no(self.intervened),
            Field.INTERVENTION: self.intervention,
            Field.PUPIL_INFORMED: self.pupil_informed.value,
            Field.STAFF_SUSPECTED: _bool_text(self.staff_suspected),
            Field.LEADERSHIP_SUSPECTED: _bool_text(self.leadership_suspected),
            Field.SERIOUS: _bool_text(self.serious),
        }

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)


def _yes_no(value: bool) -> str:
    return "ja" if value else "nei"


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


@dataclass(frozen=True)
class ReportErrors:
    """Norwegian messages per field, in the form's order."""

    messages: dict[str, str]

    def summary(self) -> str:
        return " ".join(self.messages.values())


def _text(values: Mapping[str, object], key: str) -> str | None:
    raw = values.get(key)
    if raw is None:
        return ""
    if isinstance(raw, bool | int | float):
        return str(raw)
    if not isinstance(raw, str):
        return None
    return raw.strip()


def _flag(raw: str) -> bool | None:
    lowered = raw.lower()
    if lowered in {"true", "ja", "yes", "1"}:
        return True
    if lowered in {"false", "nei", "no", "0", ""}:
        return False
    return None


def parse_report(values: Mapping[str, object], today: date) -> Report | ReportErrors:
    """Checks a submitted form the way a careful colleague would, and explains every problem."""
    errors: dict[str, str] = {}
    texts: dict[str, str] = {}
    for key in Field:
        text = _text(values, key)
        if text is None:
            errors[key] = f"Feltet «{key}» har feil format."
            text = ""
        texts[key] = text

    def required(key: Field, label: str, limit: int) -> None:
        value = texts[key]
        if not value:
            errors.setdefault(key, f"Fyll inn {label}.")
        elif len(value) > limit:
            errors.setdefault(
                key, f"{label[0].upper()}{label[1:]} er for lang ({len(value)} tegn, maks {limit})."
            )

    def optional(key: Field, label: str, limit: int) -> None:
        if len(texts[key]) > limit:
            errors.setdefault(
                key,
                f"{label[0].upper()}{label[1:]} er for lang "
                f"({len(texts[key])} tegn, maks {limit}).",
            )

    required(Field.PUPIL_NAME, "elevens navn", MAX_NAME)
    required(Field.PUPIL_CLASS, "klasse", MAX_CLASS)
    required(Field.DESCRIPTION, "hva du har sett eller hørt", MAX_TEXT)
    optional(Field.PLACE, "sted og tidspunkt", MAX_SHORT)
    optional(Field.INTERVENTION, "hvordan du grep inn", MAX_TEXT)

    for key in (
        Field.PUPIL_NAME,
        Field.PUPIL_CLASS,
        Field.DESCRIPTION,
        Field.PLACE,
        Field.INTERVENTION,
    ):
        if _NATIONAL_ID.search(texts[key]):
            errors[key] = "Skriv ikke fødselsnummer. Navn og klasse er nok."

    category = texts[Field.CATEGORY]
    if not category:
        errors[Field.CATEGORY] = "Velg hva det gjelder."
    elif category not in CATEGORIES:
        errors[Field.CATEGORY] = "Velg hva det gjelder fra listen."

    signs = tuple(s for s in (p.strip() for p in texts[Field.SIGNS].split(",")) if s)
    if any(s not in SIGNS for s in signs):
        errors[Field.SIGNS] = "Velg kjennetegn fra listen."

    source_text = texts[Field.SOURCE]
    source: Source | None = None
    if not source_text:
        errors[Field.SOURCE] = "Velg hvordan du fikk vite om dette."
    else:
        try:
            source = Source(source_text)
        except ValueError:
            errors[Field.SOURCE] = "Velg hvordan du fikk vite om dette fra listen."

    intervened = _flag(texts[Field.INTERVENED])
    if not texts[Field.INTERVENED] or intervened is None:
        errors[Field.INTERVENED] = "Svar på om du grep inn."
    elif intervened and not texts[Field.INTERVENTION]:
        errors[Field.INTERVENTION] = "Skriv kort hvordan du grep inn."

    informed: PupilInformed | None = None
    try:
        informed = PupilInformed(texts[Field.PUPIL_INFORMED])
    except ValueError:
        errors[Field.PUPIL_INFORMED] = "Svar på om eleven vet at rektor får beskjed."

    occurred_on: date | None = None
    if texts[Field.OCCURRED_ON]:
        try:
            occurred_on = date.fromisoformat(texts[Field.OCCURRED_ON][:10])
        except ValueError:
            errors[Field.OCCURRED_ON] = "Datoen må være på formen ÅÅÅÅ-MM-DD."
        else:
            if occurred_on > today:
                errors[Field.OCCURRED_ON] = "Datoen kan ikke være fram i tid."

    flags: dict[Field, bool] = {}
    for key in (Field.STAFF_SUSPECTED, Field.LEADERSHIP_SUSPECTED, Field.SERIOUS):
        flag = _flag(texts[key])
        if flag is None:
            errors[key] = "Svar ja eller nei."
            flag = False
        flags[key] = flag

    if errors or source is None or informed is None or intervened is None:
        ordered = {key.value: errors[key] for key in Field if key in errors}
        return ReportErrors(ordered or {"form": "Skjemaet er ufullstendig."})
    return Report(
        pupil_name=texts[Field.PUPIL_NAME],
        pupil_class=texts[Field.PUPIL_CLASS],
        category=category,
        signs=signs,
        description=texts[Field.DESCRIPTION],
        place=texts[Field.PLACE],
        occurred_on=occurred_on,
        source=source,
        intervened=intervened,
        intervention=texts[Field.INTERVENTION] if intervened else "",
        pupil_informed=informed,
        staff_suspected=flags[Field.STAFF_SUSPECTED] or flags[Field.LEADERSHIP_SUSPECTED],
        leadership_suspected=flags[Field.LEADERSHIP_SUSPECTED],
        serious=flags[Field.SERIOUS],
    )
