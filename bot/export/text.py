"""Text as the embedded fonts can show it, so no character stops an export or prints as a box.

PDF/A forbids drawing a glyph the font does not have (the «.notdef» box), and a staff member
may paste anything: emoji, Chinese, a stray control character. What a font covers passes
unchanged; invisible formatting characters no font covers are dropped; anything else becomes
one «?» per run, and the caller says so in the document.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from bot.export.fonts import covers

UNKNOWN = "?"

_NEWLINES = {"\u2028": "\n", "\u2029": "\n", "\t": " "}

# Invisible characters that carry nothing on paper once the font lacks them: emoji variation
# selectors and skin tones, tag characters. Format characters (category Cf: joiners,
# direction marks, the soft hyphen) are treated the same way.
_INVISIBLE_RANGES = (
    (0xFE00, 0xFE0F),
    (0x1F3FB, 0x1F3FF),
    (0xE0000, 0xE007F),
)


def _invisible(char: str) -> bool:
    point = ord(char)
    return unicodedata.category(char) == "Cf" or any(
        low <= point <= high for low, high in _INVISIBLE_RANGES
    )


def _substitute(char: str, covered: Callable[[str], bool]) -> str | None:
    """What to print for one character; None when nothing printable comes close."""
    if char in _NEWLINES:
        return _NEWLINES[char]
    category = unicodedata.category(char)
    if category == "Cc":
        return "\n" if char == "\n" else ""
    if covered(char):
        return char
    if _invisible(char) or category in {"Mn", "Me"}:
        return ""
    if category == "Zs":
        return " "
    # Compatibility forms no font has (fullwidth Ａ, circled ①) have a plain twin.
    decomposed = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    )
    if decomposed and decomposed != char and all(covered(c) for c in decomposed):
        return decomposed
    return None


def printable(text: str, *, covered: Callable[[str], bool] = covers) -> tuple[str, bool]:
    """`text` as the fonts can show it, and whether something had to be replaced.

    A run of characters that cannot be shown (an emoji with its skin tone, a word in Chinese)
    becomes one «?» rather than a row of them.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    out: list[str] = []
    lost = False
    in_unknown = False
    for char in text:
        if in_unknown and (_invisible(char) or unicodedata.combining(char)):
            continue  # a joiner, skin tone or mark inside what could not be shown
        substitute = _substitute(char, covered)
        if substitute is None:
            lost = True
            if not in_unknown:
                out.append(UNKNOWN)
            in_unknown = True
            continue
        in_unknown = False
        if substitute:
            out.append(substitute)
        elif unicodedata.category(char) in {"Mn", "Me"}:
            lost = True  # a mark no font has, on a letter that prints
    return "".join(out), lost
