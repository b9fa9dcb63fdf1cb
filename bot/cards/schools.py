"""For someone at several schools: which school a report (or a note) is about, and the
school each of their cards belongs to."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from bot.cards.actions import SCHOOL, VERB, Verb
from bot.cards.common import adaptive_card, heading, objects_in, submit, text

_ACTIONS = ("Action.Submit", "Action.Execute")


def school_choice_card(
    schools: Sequence[tuple[str, str]], verb: Verb, data: Mapping[str, Any]
) -> dict[str, Any]:
    """One button per school (id, name); each repeats the press with the school added."""
    kept = {k: v for k, v in data.items() if k not in (VERB, SCHOOL)}
    return adaptive_card(
        [
            heading("Hvilken skole gjelder det?"),
            text("Du er ansatt på flere skoler. Saken går til rektor på skolen du velger."),
        ],
        [submit(name, verb, {**kept, SCHOOL: school_id}) for school_id, name in schools],
        fallback_text="Velg skolen saken gjelder.",
    )


def stamped(card: Mapping[str, Any], school_id: str) -> dict[str, Any]:
    """The card with the school in every button's data, unless a button names one already."""
    copied: dict[str, Any] = copy.deepcopy(dict(card))
    for node in objects_in(copied):
        if node.get("type") in _ACTIONS:
            data = node.setdefault("data", {})
            if isinstance(data, dict):
                data.setdefault(SCHOOL, school_id)
    return copied
