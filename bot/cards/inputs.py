"""Labelled inputs and error notices shared by every form card.

One builder per input type, so every form labels its inputs, explains errors in the same place
and refuses to preselect a value the card does not offer, the same way on every card.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.cards.common import notice, text

FORM_ERROR = "form"
"""Key of an error that belongs to the whole form rather than one field."""

_MARKERS = ("true", "ja", "yes", "1")


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


def field_error(errors: Mapping[str, str], key: str) -> list[dict[str, Any]]:
    """Under the field, where it is fixed."""
    if key not in errors:
        return []
    return [text(errors[key], color="attention", small=True, spacing="small")]


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
    element: dict[str, Any] = {
        "type": "Input.Text",
        "id": input_id,
        "label": label,
        "isRequired": required,
        "errorMessage": error_message or f"Skriv høyst {max_length} tegn.",
        "maxLength": max_length,
    }
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
    element: dict[str, Any] = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "isRequired": required,
        "errorMessage": error_message,
        "style": style,
        "wrap": True,
        "choices": [{"title": title, "value": key} for key, title in choices],
    }
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
    on = (value or "").strip().lower() in _MARKERS
    return {
        "type": "Input.Toggle",
        "id": input_id,
        "label": label,
        "title": title,
        "valueOn": "true",
        "valueOff": "false",
        "value": "true" if on else "false",
        "isRequired": False,
        "errorMessage": error_message,
        "wrap": True,
    }


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
    element: dict[str, Any] = {
        "type": "Input.Date",
        "id": input_id,
        "label": label,
        "isRequired": required,
        "errorMessage": error_message,
    }
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
