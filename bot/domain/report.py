"""What a staff member reports (plan 8.3), and the checks every report must pass.

The fields are parsed from whatever a client sent (an Adaptive Card sends strings, a stale card
may send fewer or stranger fields), so parsing never raises: it returns the report or a
Norwegian message per field. The form's fields are declared once, in `REPORT_FORM`: the card
asks with them and `parse_report` checks against them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from bot.domain.forms import YES_NO, Dates, FormField, FormSpec, Kind, When, choices

MAX_TEXT = 4000
MAX_SHORT = 200
MAX_NAME = 120
MAX_CLASS = 40


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
    SUSPECTED_ID = "suspected_id"
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
    suspected_id: str = ""
    """§ 12-5: the employee the report is about, when the reporter picked one (optional)."""

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
            Field.SUSPECTED_ID: self.suspected_id,
        }

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)


def _yes_no(value: bool) -> str:
    return "ja" if value else "nei"


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


PUPIL_NAME, PUPIL_CLASS = (
    FormField(
        Field.PUPIL_NAME,
        "Elevens navn",
        Kind.TEXT,
        required=True,
        max_length=MAX_NAME,
        placeholder="Fornavn og etternavn",
    ),
    FormField(
        Field.PUPIL_CLASS,
        "Klasse",
        Kind.TEXT,
        required=True,
        max_length=MAX_CLASS,
        placeholder="F.eks. 9B",
    ),
)
"""Who the form is about, both asked together; the log asks the same way
(`bot.domain.followup`)."""

SUSPECTED_FIELD = FormField(
    Field.SUSPECTED_ID,
    "Hvis ja: hvilken ansatt? (valgfritt)",
    Kind.TEXT,
    max_length=64,
    noun="den ansatte",
    placeholder="Velg ansatt",
)
"""Asked as a staff picker (`suspected_field_for`); the id is checked against the staff when
the case is made. That employee is never on the case, never sees it, never gets its reminders."""


def suspected_field_for(staff: Sequence[tuple[str, str]]) -> FormField:
    """The picker of the employee a § 12-5 report is about: (staff id, name) to choose from."""
    return replace(
        SUSPECTED_FIELD,
        kind=Kind.CHOICE,
        choices=tuple(staff),
        compact=True,
        invalid="Velg den ansatte fra listen.",
    )


REPORT_FORM = FormSpec(
    (
        PUPIL_NAME,
        PUPIL_CLASS,
        FormField.required_choice(
            Field.CATEGORY,
            "Hva gjelder det?",
            choices(CATEGORIES),
            "Velg hva det gjelder.",
            "Velg hva det gjelder fra listen.",
        ),
        FormField(
            Field.SIGNS,
            "Kjennetegn du har sett (valgfritt)",
            Kind.MULTI_CHOICE,
            invalid="Velg kjennetegn fra listen.",
            choices=choices(SIGNS),
            placeholder="Velg ett eller flere",
            compact=True,
        ),
        FormField(
            Field.DESCRIPTION,
            "Hva har du sett eller hørt?",
            Kind.LONG_TEXT,
            required=True,
            missing="Skriv kort hva du har sett eller hørt.",
            max_length=MAX_TEXT,
            noun="hva du har sett eller hørt",
            placeholder="Skriv kort og konkret hva som skjedde.",
        ),
        FormField(
            Field.PLACE,
            "Hvor og når?",
            Kind.TEXT,
            max_length=MAX_SHORT,
            noun="sted og tidspunkt",
            placeholder="F.eks. skolegården, storefri",
        ),
        FormField(Field.OCCURRED_ON, "Dato", Kind.DATE, dates=Dates.PAST),
        FormField.required_choice(
            Field.SOURCE,
            "Hvordan fikk du vite det?",
            choices(SOURCES),
            "Velg hvordan du fikk vite om dette.",
            "Velg hvordan du fikk vite om dette fra listen.",
        ),
        FormField(
            Field.INTERVENED,
            "Grep du inn?",
            Kind.TOGGLE,
            required=True,
            missing="Svar på om du grep inn.",
            invalid="Svar på om du grep inn.",
            choices=YES_NO,
        ),
        FormField(
            Field.INTERVENTION,
            "Hvis ja: hvordan grep du inn?",
            Kind.LONG_TEXT,
            required=When(Field.INTERVENED, frozenset({"true"})),
            missing="Skriv kort hvordan du grep inn.",
            max_length=MAX_TEXT,
            noun="hvordan du grep inn",
        ),
        FormField.required_choice(
            Field.PUPIL_INFORMED,
            "Vet eleven at rektor får beskjed?",
            choices(PUPIL_INFORMED),
            "Svar på om eleven vet at rektor får beskjed.",
        ),
        FormField(
            Field.STAFF_SUSPECTED,
            "Gjelder det en ansatt? (§ 12-5)",
            Kind.TOGGLE,
            title="Jeg mistenker at en ansatt krenker eleven",
        ),
        SUSPECTED_FIELD,
        FormField(
            Field.LEADERSHIP_SUSPECTED,
            "Gjelder det skolens ledelse?",
            Kind.TOGGLE,
            title="Mistanken gjelder noen i skolens ledelse",
        ),
        FormField(Field.SERIOUS, "Alvorlig sak?", Kind.TOGGLE, title="Saken er spesielt alvorlig"),
    )
)


@dataclass(frozen=True)
class ReportErrors:
    """Norwegian messages per field, in the form's order."""

    messages: dict[str, str]

    def summary(self) -> str:
        return " ".join(self.messages.values())


def parse_report(values: Mapping[str, object], today: date) -> Report | ReportErrors:
    """Checks a submitted form the way a careful colleague would, and explains every problem."""
    checked = REPORT_FORM.check(values, today=today)
    if checked.errors:
        return ReportErrors(checked.errors)
    intervened = checked.flag(Field.INTERVENED)
    leadership = checked.flag(Field.LEADERSHIP_SUSPECTED)
    return Report(
        pupil_name=checked.text(Field.PUPIL_NAME),
        pupil_class=checked.text(Field.PUPIL_CLASS),
        category=checked.text(Field.CATEGORY),
        signs=checked.picked(Field.SIGNS),
        description=checked.text(Field.DESCRIPTION),
        place=checked.text(Field.PLACE),
        occurred_on=checked.day(Field.OCCURRED_ON),
        source=Source(checked.text(Field.SOURCE)),
        intervened=intervened,
        intervention=checked.text(Field.INTERVENTION) if intervened else "",
        pupil_informed=PupilInformed(checked.text(Field.PUPIL_INFORMED)),
        staff_suspected=checked.flag(Field.STAFF_SUSPECTED) or leadership,
        leadership_suspected=leadership,
        serious=checked.flag(Field.SERIOUS),
        suspected_id=checked.text(Field.SUSPECTED_ID)
        if checked.flag(Field.STAFF_SUSPECTED) and not leadership
        else "",
    )
