"""Labelled inputs and error notices shared by every form card.

A form's fields are declared in the domain (`bot.domain.forms`); `field_input` turns one into
the input Teams shows, so every form labels its inputs, marks what must be filled in, explains
errors in the same place and refuses to preselect a value the card does not offer, the same way
on every card. `errors_card` is what a rejected form gets back: the problems in short, with a
button that brings the form back as it was filled in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Final

from bot.cards.actions import FIX
from bot.cards.common import case_heading, field_error_card, notice, text
from bot.domain.forms import FORM_ERROR, YES_NO, Dates, FormField, FormSpec, Kind, When, flag

STAFF_PICKER_STYLE: Final = "compact"
"""Teams renders `filtered` (static typeahead) for schema 1.5, but the published 1.5 schema
file the tests validate against lists only compact and expanded. Switch to "filtered" (here and
for the fields marked `compact`) once the test schema accepts it; the ids and values stay the
same."""


def error_summary(
    errors: Mapping[str, str], *, lead: str = "Noe må rettes før du kan lagre:"
) -> dict[str, Any]:
    """At the top, where a phone user lands after submitting."""
    items: list[dict[str, Any]] = [text(lead, bold=True)]
    if FORM_ERROR in errors:
        items.append(text(errors[FORM_ERROR], color="attention"))
    items += [
        text(f"• {message}", color="attention", spacing="small")
        for key, message in errors.items()
        if key != FORM_ERROR
    ]
    return notice(items, style="attention", spacing="small")


def form_heading(title: str, reference: str, errors: Mapping[str, str]) -> list[dict[str, Any]]:
    """A case's form opens with its title and case number, and, when it was refused, with what
    to correct."""
    return [*case_heading(title, reference), *([error_summary(errors)] if errors else [])]


def field_error(errors: Mapping[str, str], key: str) -> list[dict[str, Any]]:
    """Under the field, where it is fixed."""
    if key not in errors:
        return []
    return [text(errors[key], color="attention", small=True, spacing="small")]


def _input(
    kind: str, input_id: str, label: str, *, required: bool, error_message: str
) -> dict[str, Any]:
    """What every input has: Teams shows the label, and the error under it when it refuses."""
    return {
        "type": kind,
        "id": input_id,
        "label": label,
        "isRequired": required,
        "errorMessage": error_message,
    }


def text_input(
    input_id: str,
    label: str,
    *,
    max_length: int,
    value: str | None,
    required: bool = False,
    error_message: str | None = None,
    multiline: bool = False,
    placeholder: str | None = None,
    clip: bool = True,
) -> dict[str, Any]:
    """`clip` cuts a prefill to the limit, to keep the card small; a form that shows the
    person's own over-long text back (to shorten it) passes False."""
    error = error_message or f"Skriv høyst {max_length} tegn."
    element = _input("Input.Text", input_id, label, required=required, error_message=error)
    element["maxLength"] = max_length
    if multiline:
        element["isMultiline"] = True
    if placeholder:
        element["placeholder"] = placeholder
    if value:
        # A value over the limit can only come from a client that ignored maxLength; the
        # parser already refused it, and an over-long prefill would break the card's size.
        element["value"] = value[:max_length] if clip else value
    return element


def choice_input(
    input_id: str,
    label: str,
    choices: Sequence[tuple[str, str]],
    *,
    value: str | None,
    required: bool,
    error_message: str,
    style: str,
    placeholder: str | None = None,
    multi: bool = False,
) -> dict[str, Any]:
    """`choices` are (value, title); a value the card does not offer is not preselected."""
    element = _input(
        "Input.ChoiceSet", input_id, label, required=required, error_message=error_message
    )
    element["style"] = style
    element["wrap"] = True
    element["choices"] = [{"title": title, "value": key} for key, title in choices]
    if multi:
        element["isMultiSelect"] = True
    if placeholder:
        element["placeholder"] = placeholder
    if value:
        offered = {key for key, _ in choices}
        picked = [v for v in (p.strip() for p in value.split(",")) if v in offered]
        if picked:
            element["value"] = ",".join(picked if multi else picked[:1])
    return element


def toggle_input(
    input_id: str,
    label: str,
    title: str,
    value: str | None,
    *,
    error_message: str = "Kryss av eller la stå tom.",
) -> dict[str, Any]:
    on = flag(value or "") is True
    element = _input("Input.Toggle", input_id, label, required=False, error_message=error_message)
    element.update(
        title=title, valueOn="true", valueOff="false", value="true" if on else "false", wrap=True
    )
    return element


def date_input(
    input_id: str,
    label: str,
    *,
    value: str | None,
    error_message: str,
    required: bool = False,
    minimum: date | None = None,
    maximum: date | None = None,
) -> dict[str, Any]:
    element = _input("Input.Date", input_id, label, required=required, error_message=error_message)
    if minimum is not None:
        element["min"] = minimum.isoformat()
    if maximum is not None:
        element["max"] = maximum.isoformat()
    day = parse_day(value)
    if day is not None:
        element["value"] = day.isoformat()
    return element


def parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


_ASK_DATE: Final = {
    Dates.PAST: "Velg en dato som ikke er fram i tid.",
    Dates.FUTURE: "Velg en dato fram i tid.",
}


def _label(field: FormField) -> str:
    """A field required only after another answer says so in its label: a card cannot make
    that input required, and a person must not find out only when the form comes back."""
    rule = field.required
    return f"{field.label} ({rule.hint})" if isinstance(rule, When) else field.label


def _client_error(field: FormField) -> str:
    """What Teams shows under an input it refuses to send."""
    if field.kind is Kind.DATE and field.dates in _ASK_DATE:
        return _ASK_DATE[field.dates]  # empty or out of range: Teams says the same for both
    if field.required is True:
        return field.absent
    if field.kind in (Kind.TEXT, Kind.LONG_TEXT):
        return f"Skriv høyst {field.asked_length} tegn."
    return field.rejection


def field_input(field: FormField, value: str | None, *, today: date) -> dict[str, Any]:
    """The input for one field, prefilled with `value` (cut to what the form asks for)."""
    label = _label(field)
    required = field.required is True
    error = _client_error(field)
    kind = field.kind
    if kind in (Kind.TEXT, Kind.LONG_TEXT):
        return text_input(
            field.id,
            label,
            max_length=field.asked_length,
            value=value,
            required=required,
            error_message=error,
            multiline=kind is Kind.LONG_TEXT,
            placeholder=field.placeholder,
        )
    if kind is Kind.DATE:
        return date_input(
            field.id,
            label,
            value=value,
            error_message=error,
            required=required,
            minimum=today + timedelta(days=1) if field.dates is Dates.FUTURE else None,
            maximum=today if field.dates is Dates.PAST else None,
        )
    if kind is Kind.TOGGLE and not required:
        return toggle_input(field.id, label, field.title or field.label, value, error_message=error)
    if kind is Kind.TOGGLE:
        answer = flag(value) if value else None  # unanswered: neither is chosen for them
        value = None if answer is None else YES_NO[0 if answer else 1][0]
    return choice_input(
        field.id,
        label,
        YES_NO if kind is Kind.TOGGLE else field.choices,
        value=value,
        required=required,
        error_message=error,
        style=STAFF_PICKER_STYLE if field.compact else "expanded",
        placeholder=field.placeholder,
        multi=kind is Kind.MULTI_CHOICE,
    )


def form_inputs(
    fields: Iterable[FormField],
    values: Mapping[str, str],
    errors: Mapping[str, str],
    *,
    today: date,
) -> list[dict[str, Any]]:
    """Each field's input with its error under it."""
    items: list[dict[str, Any]] = []
    for field in fields:
        items.append(field_input(field, values.get(field.id), today=today))
        items += field_error(errors, field.id)
    return items


def sent_back(
    spec: FormSpec, data: Mapping[str, object], *, today: date
) -> tuple[dict[str, str] | None, dict[str, str] | None]:
    """The answers of a form sent back to be shown again (None: it was not), and after «Rett
    opp» the errors to mark at their fields."""
    typed = spec.typed(data)
    if not typed:
        return None, None
    return typed, spec.check(typed, today=today).errors if data.get(FIX) else None


def errors_card(
    spec: FormSpec,
    errors: Mapping[str, str],
    *,
    unsaved: str,
    fix: dict[str, Any],
) -> dict[str, Any]:
    """One short card naming what to correct, instead of the whole form again.

    `unsaved` says what did not happen ("Undersøkelsen er ikke lagret."); `fix` is the button
    back to the form, filled in as it was sent (or the form itself, unfolded by a ShowCard).
    """
    pairs = [("", errors[FORM_ERROR])] if FORM_ERROR in errors else []
    pairs += [
        (spec.label(key) or "Skjemaet", message)
        for key, message in errors.items()
        if key != FORM_ERROR
    ]
    first, *more = pairs or [("", "Skjemaet må rettes.")]
    return field_error_card("Noe må rettes", *first, fix, note=unsaved, more=more)
