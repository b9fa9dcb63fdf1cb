"""A form's fields, declared once: the card asks with them and the parser checks against them.

A field says what it is (id, label, kind, choices, limits, when it must be filled in) and what
to say when it is wrong. `FormSpec.check` applies every rule that concerns one field, or one
field and the answer it depends on; a parser adds the rules of its own domain on top (the five
elements of an aktivitetsplan, a report's routing flags) and builds its result.

Input ids are part of the cards already sitting in people's chats, so an id never changes; a
field can only be added, or kept and no longer asked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Final, TypeVar

FORM_ERROR: Final = "form"
"""Key of an error that belongs to the whole form rather than one field."""

YES_NO: Final = (("ja", "Ja"), ("nei", "Nei"))
"""How a yes/no question that must be answered is asked: a switch left off is no answer."""

DATE_FORMAT: Final = "Datoen må være på formen ÅÅÅÅ-MM-DD."
NATIONAL_ID: Final = "Skriv ikke fødselsnummer. Navn og klasse er nok."

# Eleven digits in a row look like a Norwegian national identity number; no form may hold one.
_NATIONAL_ID = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")
_Value = TypeVar("_Value", bound=str)
_TRUE = frozenset({"true", "ja", "yes", "1"})
_FALSE = frozenset({"false", "nei", "no", "0", ""})


class Kind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    TOGGLE = "toggle"
    """Yes or no; asked with a switch, or with «Ja»/«Nei» when it must be answered."""


class Dates(StrEnum):
    ANY = "any"
    PAST = "past"
    """Today or earlier: something that happened."""
    FUTURE = "future"
    """After today: something planned."""


_DATE_RULES: Final = {
    Dates.PAST: "Datoen kan ikke være fram i tid.",
    Dates.FUTURE: "Datoen må være fram i tid.",
}


@dataclass(frozen=True)
class When:
    """Required only while another field holds one of `values` (any answer, when empty).

    A card cannot make an input required depending on another one, so it marks the field with
    `hint` and the parser checks it.
    """

    field: str
    values: frozenset[str] = frozenset()
    hint: str = "må fylles ut"

    def holds(self, answer: str) -> bool:
        picked = set(split(answer))
        return bool(picked & self.values) if self.values else bool(picked)


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    kind: Kind
    required: bool | When = False
    missing: str = ""
    """What to say when a required field is left empty."""
    invalid: str = ""
    """What to say about an answer the field does not take (a choice not offered, a date out
    of range, a yes/no that is neither); a rule's own wording when empty."""
    max_length: int = 0
    """Text: the longest answer the parser accepts."""
    form_length: int = 0
    """Text: the longest answer the form asks for, where a long prefill would not fit a Teams
    message (0: `max_length`)."""
    choices: tuple[tuple[str, str], ...] = ()
    """(value, title), in the order shown."""
    dates: Dates = Dates.ANY
    noun: str = ""
    """How a message names the field ("elevens navn"); the label in lower case when empty."""
    placeholder: str | None = None
    title: str | None = None
    """A switch's text beside it."""
    compact: bool = False
    """A choice as a drop-down rather than buttons (long lists)."""

    @classmethod
    def required_choice(
        cls,
        field_id: str,
        label: str,
        options: Sequence[tuple[str, str]],
        missing: str,
        invalid: str = "",
        *,
        compact: bool = False,
    ) -> FormField:
        """A question that must be answered with one of `options` ((value, title) pairs)."""
        return cls(
            field_id,
            label,
            Kind.CHOICE,
            required=True,
            missing=missing,
            invalid=invalid,
            choices=tuple(options),
            compact=compact,
        )

    @property
    def asked_length(self) -> int:
        return self.form_length or self.max_length

    @property
    def absent(self) -> str:
        """The message for a required field left empty."""
        return self.missing or f"Fyll inn {self.label.lower()}."

    @property
    def rejection(self) -> str:
        """The message for an answer the field does not take."""
        if self.invalid:
            return self.invalid
        if self.kind is Kind.DATE and self.dates in _DATE_RULES:
            return _DATE_RULES[self.dates]
        if self.kind is Kind.TOGGLE:
            return "Svar ja eller nei."
        return self.absent

    def too_long(self, length: int) -> str:
        noun = self.noun or self.label.lower()
        return f"{noun[:1].upper()}{noun[1:]} er for lang ({length} tegn, maks {self.max_length})."


def split(answer: str) -> tuple[str, ...]:
    """A multi-choice answer (Teams sends `a,b`) as its values."""
    return tuple(part for part in (p.strip() for p in answer.split(",")) if part)


def flag(answer: str) -> bool | None:
    """A yes/no answer from a switch or from «Ja»/«Nei»; None when it is neither."""
    lowered = answer.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def _as_text(raw: object) -> str | None:
    """A submitted value as text; None for what no card sends (a list, an object)."""
    if raw is None:
        return ""
    if isinstance(raw, bool | int | float):
        return str(raw)
    if not isinstance(raw, str):
        return None
    return raw.strip()


@dataclass(frozen=True)
class Checked:
    """The answers as text (yes/no as "true", "false" or "" when unanswered) and the message
    for each field that is wrong, in the form's order."""

    texts: Mapping[str, str]
    errors: dict[str, str]

    def text(self, field_id: str) -> str:
        return self.texts.get(field_id, "")

    def flag(self, field_id: str) -> bool:
        return self.texts.get(field_id) == "true"

    def picked(self, field_id: str) -> tuple[str, ...]:
        return split(self.text(field_id))

    def day(self, field_id: str) -> date | None:
        """The date when it was given and valid."""
        if field_id in self.errors or not self.text(field_id):
            return None
        return date.fromisoformat(self.text(field_id)[:10])


@dataclass(frozen=True)
class FormSpec:
    """A form's fields in the order the card asks them."""

    fields: tuple[FormField, ...]
    _by_id: dict[str, FormField] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {f.id: f for f in self.fields})
        if len(self._by_id) != len(self.fields):
            raise ValueError("a form's field ids must be unique")

    def __getitem__(self, field_id: str) -> FormField:
        return self._by_id[field_id]

    def __iter__(self) -> Iterator[FormField]:
        return iter(self.fields)

    def span(self, first: str, last: str) -> tuple[FormField, ...]:
        """The fields from `first` to `last`, both included, for a card's section."""
        ids = [f.id for f in self.fields]
        return self.fields[ids.index(first) : ids.index(last) + 1]

    def label(self, field_id: str) -> str | None:
        found = self._by_id.get(field_id)
        return found.label if found else None

    def typed(self, values: Mapping[str, object]) -> dict[str, str]:
        """This form's answers in a submit (text only, each cut to what the form asks for):
        what a card may carry back to refill the form."""
        typed: dict[str, str] = {}
        for form_field in self.fields:
            raw = values.get(form_field.id)
            if isinstance(raw, str):
                limit = form_field.asked_length
                typed[form_field.id] = raw[:limit] if limit else raw
        return typed

    def check(self, values: Mapping[str, object], *, today: date) -> Checked:
        """Every rule of each field; never raises, whatever a client sent."""
        texts: dict[str, str] = {}
        errors: dict[str, str] = {}
        for form_field in self.fields:
            text = _as_text(values.get(form_field.id))
            if text is None:
                errors[form_field.id] = f"Feltet «{form_field.label}» har feil format."
                text = ""
            if form_field.kind is Kind.TOGGLE and text:
                answer = flag(text)
                if answer is None:
                    errors.setdefault(form_field.id, form_field.rejection)
                text = "" if answer is None else str(answer).lower()
            texts[form_field.id] = text
        for form_field in self.fields:
            problem = self._problem(form_field, texts, today)
            if problem is not None:
                errors.setdefault(form_field.id, problem)
        ordered = {f.id: errors[f.id] for f in self.fields if f.id in errors}
        return Checked(texts, ordered)

    def _problem(self, form_field: FormField, texts: Mapping[str, str], today: date) -> str | None:
        text = texts[form_field.id]
        rule = form_field.required
        required = rule if isinstance(rule, bool) else rule.holds(texts.get(rule.field, ""))
        if not text:
            return form_field.absent if required else None
        kind = form_field.kind
        if kind in (Kind.TEXT, Kind.LONG_TEXT):
            if form_field.max_length and len(text) > form_field.max_length:
                return form_field.too_long(len(text))
            if _NATIONAL_ID.search(text):
                return NATIONAL_ID
        elif kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
            offered = {value for value, _ in form_field.choices}
            picked = split(text) if kind is Kind.MULTI_CHOICE else (text,)
            if any(value not in offered for value in picked):
                return form_field.rejection
        elif kind is Kind.DATE:
            try:
                day = date.fromisoformat(text[:10])
            except ValueError:
                return DATE_FORMAT
            if (form_field.dates is Dates.PAST and day > today) or (
                form_field.dates is Dates.FUTURE and day <= today
            ):
                return form_field.rejection
        return None


def choices(options: Mapping[_Value, str]) -> tuple[tuple[str, str], ...]:
    """(value, title) pairs from a domain's labels (an enum's members to their titles)."""
    return tuple((str(value), title) for value, title in options.items())
