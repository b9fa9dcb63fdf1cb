"""A small, valid plan to build test cases from, so tests do not depend on one school."""

from __future__ import annotations

import copy
from typing import Any

_BASE: dict[str, Any] = {
    "format": "trygg-skole-plan/1",
    "plan": {
        "id": "testskole",
        "name": "Plan for et trygt og godt skolemiljø - Testskolen",
        "citation_name": "Testplanen",
        "school": "Testskolen",
    },
    "sections": [
        {
            "id": "1",
            "title": "Aktivitetsplikten",
            "short_title": "Aktivitetsplikten",
            "text": "",
            "summary": "Alle ansatte har aktivitetsplikt etter opplæringslova kapittel 12.",
        },
        {
            "id": "1.1",
            "title": "Rutine for å melde fra til rektor",
            "short_title": "Melde fra",
            "text": "Alle som arbeider på skolen skal varsle rektor ved mistanke om at en elev "
            "ikke har det trygt og godt. Bruk varslingsskjemaet.",
            "summary": "Varsle rektor straks ved mistanke. Bruk varslingsskjemaet.",
            "questions": ["Hvordan sier jeg ifra?"],
            "keywords": ["varsle", "skjema"],
            "action": "start_report",
        },
        {
            "id": "1.2",
            "title": "Rutine for aktivitetsplan",
            "short_title": "Aktivitetsplan",
            "text": "Skolen lager en aktivitetsplan med tiltak, ansvarlige og evaluering.",
            "summary": "Skolen lager en aktivitetsplan med tiltak.",
            "action": "my_cases",
        },
        {
            "id": "2",
            "title": "Turer og arrangementer",
            "short_title": "Turer",
            "text": "Åttende trinn drar til Tryvann i mars.",
            "summary": "Åttende trinn drar til Tryvann i mars.",
        },
    ],
}


def plan_dict() -> dict[str, Any]:
    """A fresh deep copy, safe to break in a test."""
    return copy.deepcopy(_BASE)


def section(data: dict[str, Any], section_id: str) -> dict[str, Any]:
    for item in data["sections"]:
        if item["id"] == section_id:
            return item  # type: ignore[no-any-return]
    raise KeyError(section_id)
