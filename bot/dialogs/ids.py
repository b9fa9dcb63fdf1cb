"""The shape of every id a card carries back: checked before any of it is used.

Card data comes from the client: a stale card, an edited request or a fuzzer can put anything
there. An id that does not look like one of ours is refused at the door, so no query, lock or
log line ever sees it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from bot.cards.actions import CASE, DRAFT, LEAVING, MEMBER, PUPIL, SCHOOL, SECTION, VERSION
from bot.domain.school import SCHOOL_ID

_HEX32 = re.compile(r"[0-9a-f]{32}")
FORMATS: Final[Mapping[str, re.Pattern[str]]] = {
    CASE: _HEX32,
    DRAFT: _HEX32,
    SECTION: re.compile(r"\d{1,3}(\.\d{1,3}){0,3}"),
    VERSION: re.compile(r"\d{1,4}"),
    # Entra ID object ids are GUIDs; configured test schools use short readable ids.
    MEMBER: re.compile(r"[0-9A-Za-z][0-9A-Za-z._:-]{0,99}"),
    LEAVING: re.compile(r"[0-9A-Za-z][0-9A-Za-z._:-]{0,99}"),
    # A pupil's log key: the folded name and class (bot.domain.followup.pupil_key).
    PUPIL: re.compile(r"[^\x00-\x1f\x7f]{1,200}\|[^\x00-\x1f\x7f|]{0,60}"),
    SCHOOL: SCHOOL_ID,
}


def malformed(data: Mapping[str, object], required: tuple[str, ...]) -> str | None:
    """The first key that is missing (when required) or not of its format, else None."""
    for key, pattern in FORMATS.items():
        value = data.get(key)
        if value is None or value == "":
            if key in required:
                return key
            continue
        if not isinstance(value, str) or pattern.fullmatch(value) is None:
            return key
    return None
