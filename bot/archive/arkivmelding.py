"""The arkivmelding XML (Fiks Arkiv V1, `arkivmelding.opprett`) for one document of a case.

The schema allows one `mappe` and one `registrering` per message, so a case goes to the archive
as one message per document, in order: the first carries the case folder (saksmappe) and the
first journalpost, each later one a journalpost that names the folder by its external key
(fagsystem «Trygg skole», nøkkel the case number), as Fiks Arkiv attaches records to a folder
made earlier. Every message is validated against the schema in bot/archive/schema before it
leaves this module.

Codes are Noark 5's: journalposttype X (organinternt dokument uten oppfølging), journalstatus
F, dokumentstatus F, tilknyttetRegistreringSom H, variantformat A (arkivformat), format RA-PDF
(Arkivverket's code for PDF/A), and tilgangsrestriksjon 13 with its hjemmel on the folder, the
journalpost and the document, since both the metadata and the content are confidential.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.archive.settings import (
    PUBLIC_TITLE,
    SCREENING_BASIS,
    SCREENING_CODE,
    SCREENING_TEXT,
    ArchiveSettings,
)

if TYPE_CHECKING:
    import xmlschema

AM = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"
N5 = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = Path(__file__).with_name("schema") / (
    "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd"
)

ET.register_namespace("", AM)
ET.register_namespace("n5mdk", N5)
ET.register_namespace("xsi", XSI)


class InvalidArkivmelding(Exception):
    """The message breaks the schema: a fault in this code, never in the user's input. The
    reasons may quote the case's titles: log the case id, not the reasons."""


@dataclass(frozen=True)
class Folder:
    """The case folder (saksmappe) as the archive shows it."""

    case_reference: str
    title: str
    pupil_name: str
    created_at: datetime
    administrativ_enhet: str
    saksansvarlig: str


@dataclass(frozen=True)
class Record:
    """One journalpost with its one document."""

    key: str
    title: str
    public_title: str
    author: str
    at: datetime
    document_title: str
    file: str
    display_name: str
    sha256: str
    size: int


def _el(parent: ET.Element, name: str, text: str | None = None, *, ns: str = AM) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = text
    return element


def _code(parent: ET.Element, name: str, code: str, description: str) -> None:
    element = _el(parent, name)
    _el(element, "kode", code, ns=N5)
    _el(element, "beskrivelse", description, ns=N5)


def _key(parent: ET.Element, name: str, fagsystem: str, key: str, *, ns: str = AM) -> None:
    element = _el(parent, name, ns=ns)
    _el(element, "fagsystem", fagsystem, ns=N5)
    _el(element, "noekkel", key, ns=N5)


def _who(parent: ET.Element, name: str, who: str) -> None:
    _el(_el(parent, name), "navn", who, ns=N5)


def _screening(parent: ET.Element) -> None:
    element = _el(parent, "skjerming")
    _code(element, "tilgangsrestriksjon", SCREENING_CODE, SCREENING_TEXT)
    _el(element, "skjermingshjemmel", SCREENING_BASIS)


def _stamp(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _folder(root: ET.Element, folder: Folder, settings: ArchiveSettings, zone: ZoneInfo) -> None:
    mappe = _el(root, "mappe")
    mappe.set(f"{{{XSI}}}type", "saksmappe")
    _el(mappe, "tittel", folder.title)
    _el(mappe, "offentligTittel", PUBLIC_TITLE)
    _el(mappe, "opprettetDato", _stamp(folder.created_at, zone))
    if settings.arkivdel:
        _el(_el(mappe, "arkivdel"), "kode", settings.arkivdel, ns=N5)
    part = _el(mappe, "part")
    _el(part, "partNavn", folder.pupil_name)
    _code(part, "partRolle", "ELEV", "Elev")
    _el(part, "erSkjermet", "true")
    _el(part, "erPersonnavn", "true")
    _screening(mappe)
    for klasse in settings.klassifikasjon:
        element = _el(mappe, "klassifikasjon")
        _el(element, "klassifikasjonssystemID", klasse.system)
        _el(element, "klasseID", klasse.klasse_id)
        if klasse.tittel:
            _el(element, "tittel", klasse.tittel)
    _key(mappe, "referanseEksternNoekkel", settings.fagsystem, folder.case_reference)
    _el(mappe, "saksdato", folder.created_at.astimezone(zone).date().isoformat())
    _who(mappe, "administrativEnhet", folder.administrativ_enhet)
    _who(mappe, "saksansvarlig", folder.saksansvarlig)
    if settings.journalenhet:
        _el(mappe, "journalenhet", settings.journalenhet)


def _record(
    root: ET.Element, case_reference: str, record: Record, settings: ArchiveSettings, zone: ZoneInfo
) -> None:
    post = _el(root, "registrering")
    post.set(f"{{{XSI}}}type", "journalpost")
    created = _stamp(record.at, zone)
    _el(post, "opprettetDato", created)
    _el(post, "opprettetAv", record.author)
    parent = _el(post, "referanseForelderMappe")
    _key(parent, "referanseEksternNoekkel", settings.fagsystem, case_reference, ns=N5)
    _screening(post)
    document = _el(post, "dokumentbeskrivelse")
    _code(document, "dokumentstatus", "F", "Dokumentet er ferdigstilt")
    _el(document, "tittel", record.document_title)
    _el(document, "forfatter", record.author)
    _el(document, "opprettetDato", created)
    _code(document, "tilknyttetRegistreringSom", "H", "Hoveddokument")
    _el(document, "dokumentnummer", "1")
    _screening(document)
    content = _el(document, "dokumentobjekt")
    _el(content, "versjonsnummer", "1")
    _code(content, "variantformat", "A", "Arkivformat")
    _code(content, "format", "RA-PDF", "PDF/A")
    _el(content, "formatDetaljer", "PDF/A-2b (ISO 19005-2)")
    _el(content, "mimeType", "application/pdf")
    _el(content, "opprettetDato", created)
    _el(content, "filnavn", record.display_name)
    _el(content, "referanseDokumentfil", record.file)
    _el(content, "sjekksum", record.sha256)
    _el(content, "sjekksumAlgoritme", "SHA256")
    _el(content, "filstoerrelse", str(record.size))
    _el(post, "tittel", record.title)
    _el(post, "offentligTittel", record.public_title)
    _el(post, "forfatter", record.author)
    _key(post, "referanseEksternNoekkel", settings.fagsystem, f"{case_reference}/{record.key}")
    _code(post, "journalposttype", "X", "Organinternt dokument uten oppfølging")
    _code(post, "journalstatus", "F", "Ferdigstilt fra saksbehandler")
    _el(post, "dokumentetsDato", record.at.astimezone(zone).date().isoformat())


def arkivmelding(
    *,
    case_reference: str,
    record: Record,
    folder: Folder | None,
    settings: ArchiveSettings,
    zone: ZoneInfo,
) -> bytes:
    """The message for one document, with the case folder when `folder` is given."""
    root = ET.Element(f"{{{AM}}}arkivmelding")
    _el(root, "system", settings.fagsystem)
    if settings.regel:
        _el(root, "regel", settings.regel)
    _el(root, "antallFiler", "1")
    if folder is not None:
        _folder(root, folder, settings, zone)
    _record(root, case_reference, record, settings, zone)
    ET.indent(root)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    validate(xml)
    return xml


@cache
def schema() -> xmlschema.XMLSchema:
    """The Fiks Arkiv schema, parsed once per process (xmlschema loads on first use)."""
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMA))


def schema_errors(xml: bytes) -> list[str]:
    return [str(error.reason or error) for error in schema().iter_errors(xml.decode("utf-8"))]


def validate(xml: bytes) -> None:
    errors = schema_errors(xml)
    if errors:
        raise InvalidArkivmelding("; ".join(errors))
