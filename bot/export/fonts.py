"""The fonts a document embeds: Noto and DejaVu from Debian's packages, never downloaded.

An archived PDF must carry its fonts (PDF/A), and every name must print: pupils at Ellingsrud
carry names from many languages. Noto Sans (Latin with the Polish, Turkish and Vietnamese
letters, Greek, Cyrillic) sets the text; one Noto family per other script follows it, and DejaVu
Sans last for the symbols Noto spreads over several files (→ ≤ ✓ ●). A fallback family is
added to a document only when its text needs it, so a document in Norwegian embeds one font.

`make install` and CI install the packages (`fonts-noto-core`, `fonts-dejavu-core`); nothing
here imports fpdf, so `missing_fonts()` is cheap enough for a health check.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

NOTO = Path("/usr/share/fonts/truetype/noto")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
PACKAGES = ("fonts-noto-core", "fonts-dejavu-core")


@dataclass(frozen=True)
class Family:
    """One font family as fpdf2 knows it: its name and a file per style ("", "B", "I")."""

    name: str
    files: tuple[tuple[str, Path], ...]
    shaped: bool = False
    """The script needs text shaping: joined letters (Arabic), reordered marks (Indic)."""


def _noto(name: str, *, shaped: bool = False, italic: bool = False) -> Family:
    files = [("", NOTO / f"{name}-Regular.ttf"), ("B", NOTO / f"{name}-Bold.ttf")]
    if italic:
        files.append(("I", NOTO / f"{name}-Italic.ttf"))
    return Family(name.lower(), tuple(files), shaped)


PRIMARY = _noto("NotoSans", italic=True)
FALLBACKS: tuple[Family, ...] = (
    _noto("NotoSansArabic", shaped=True),  # Arabic, Persian, Urdu, Sorani, Pashto
    _noto("NotoSansHebrew", shaped=True),
    _noto("NotoSansArmenian"),
    _noto("NotoSansGeorgian"),
    _noto("NotoSansEthiopic"),  # Tigrinya, Amharic
    _noto("NotoSansDevanagari", shaped=True),
    _noto("NotoSansBengali", shaped=True),
    _noto("NotoSansGurmukhi", shaped=True),
    _noto("NotoSansTamil", shaped=True),
    _noto("NotoSansSinhala", shaped=True),
    _noto("NotoSansThai", shaped=True),
    _noto("NotoSansKhmer", shaped=True),
    _noto("NotoSansMyanmar", shaped=True),
    Family(
        "dejavusans",
        (("", DEJAVU / "DejaVuSans.ttf"), ("B", DEJAVU / "DejaVuSans-Bold.ttf")),
    ),
)


class FontsMissing(RuntimeError):
    """The font packages are not installed: the document cannot be made archive-grade."""

    def __init__(self, missing: list[Path]) -> None:
        super().__init__(
            f"{len(missing)} font file(s) missing, first {missing[0]}: "
            f"install the Debian packages {' and '.join(PACKAGES)} "
            f"(apt-get install {' '.join(PACKAGES)})"
        )


def missing_fonts() -> list[Path]:
    """The font files that are not on this machine; empty when the PDF export can run."""
    return [
        path for family in (PRIMARY, *FALLBACKS) for _, path in family.files if not path.is_file()
    ]


def require_fonts() -> None:
    missing = missing_fonts()
    if missing:
        raise FontsMissing(missing)


@cache
def charset(family: Family) -> frozenset[int]:
    """The code points every style of `family` has a glyph for (read once per process)."""
    from fontTools.ttLib import TTFont

    sets = []
    for _, path in family.files:
        with TTFont(path, lazy=True) as font:
            sets.append(frozenset(font.getBestCmap()))
    return frozenset.intersection(*sets)


@cache
def family_for(char: str) -> Family | None:
    """The first family that can show `char`, the primary one before any fallback."""
    point = ord(char)
    return next((f for f in (PRIMARY, *FALLBACKS) if point in charset(f)), None)


def covers(char: str) -> bool:
    return family_for(char) is not None
