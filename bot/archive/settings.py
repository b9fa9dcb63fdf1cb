"""What a school tells the archive package about its archive; every field has a default.

A school without an `[archive]` section still gets a valid package: no classification (the
archive's import rule for the sender sets one), the school as the administrative unit and the
leader who took the case as saksansvarlig.
"""

from __future__ import annotations

from dataclasses import dataclass

FAGSYSTEM = "Trygg skole"
SCREENING_CODE = "13"
SCREENING_TEXT = "Taushetsplikt"
SCREENING_BASIS = "Offl. § 13 jf. fvl. § 13 (1) nr. 1"
PUBLIC_TITLE = "Skolemiljøsak"


@dataclass(frozen=True)
class Klasse:
    """One classification of the case folder: the archive's key (klassifikasjonssystem) and
    the class in it, for example K-kode and a code, or the school's own key."""

    system: str
    klasse_id: str
    tittel: str | None = None


@dataclass(frozen=True)
class ArchiveSettings:
    klassifikasjon: tuple[Klasse, ...] = ()
    administrativ_enhet: str | None = None
    """The unit the case belongs to in the archive; None: the school's name."""
    saksansvarlig: str | None = None
    """Who answers for the case in the archive (a name, or a role such as «Rektor» resolved to
    a name by the caller); None: the leader who took the case, else «Rektor»."""
    journalenhet: str | None = None
    arkivdel: str | None = None
    regel: str | None = None
    """The name of the import rule in the archive's Mottak that sets the archive's defaults."""
    fagsystem: str = FAGSYSTEM
    """The system named in every referanseEksternNoekkel: the archive recognises the case by it
    and the case number. Never change it for a school that has archived cases."""
