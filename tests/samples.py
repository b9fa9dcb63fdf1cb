"""Report values as a card would submit them."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.report import Report, parse_report


def form_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "pupil_name": "Ola Nordmann",
        "pupil_class": "9B",
        "category": "utenforskap",
        "signs": "kvier_seg,relasjoner",
        "description": "Ola satt alene i friminuttet tre dager på rad og ble holdt utenfor.",
        "place": "Skolegården, storefri",
        "occurred_on": "2026-11-25",
        "source": "egen_observasjon",
        "intervened": "ja",
        "intervention": "Snakket med gruppen og tok Ola med i fotballen.",
        "pupil_informed": "ja",
        "staff_suspected": "false",
        "leadership_suspected": "false",
        "serious": "false",
    }
    values.update(overrides)
    return values


def report(**overrides: Any) -> Report:
    parsed = parse_report(form_values(**overrides), date(2026, 11, 26))
    assert isinstance(parsed, Report), parsed
    return parsed
