"""What a school tells the archive package about its archive; every field has a default.

A school without an `[archive]` section still gets a valid package: no classification (the
archive's import rule for the sender sets one), the school as the administrative unit and the
leader who took the case as saksansvarlig.
"""

from __future__ import annotations

# The settings themselves are the school's configuration (bot.domain.school): the school owns
# them, this package reads them.
from bot.domain.school import ArchiveSettings, Klasse

FAGSYSTEM = "Trygg skole"
SCREENING_CODE = "13"
SCREENING_TEXT = "Taushetsplikt"
SCREENING_BASIS = "Offl. § 13 jf. fvl. § 13 (1) nr. 1"
PUBLIC_TITLE = "Skolemiljøsak"

__all__ = [
    "FAGSYSTEM",
    "PUBLIC_TITLE",
    "SCREENING_BASIS",
    "SCREENING_CODE",
    "SCREENING_TEXT",
    "ArchiveSettings",
    "Klasse",
]
