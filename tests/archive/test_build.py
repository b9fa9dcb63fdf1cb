"""A case as arkivmeldinger, valid against the Fiks Arkiv schema, and as a documentation pack."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from pypdf import PdfReader

from bot.archive.arkivmelding import AM, N5, InvalidArkivmelding, schema_errors, validate
from bot.archive.build import (
    OVERVIEW_FILE,
    ArchiveContext,
    archive_messages,
    documentation_pack,
)
from bot.archive.documents import case_documents, unsent
from bot.archive.message import ArchiveMessage
from bot.archive.settings import ArchiveSettings, Klasse
from bot.domain.case import Case, CaseEvent
from bot.domain.followup import Evaluation, Outcome
from bot.domain.school import School
from tests.export.cases import LEADER, OSLO, REKTOR, T0, full_case, open_case
from tests.export.pdfa import pdfa_problems
from tests.samples import report

NS = {"a": AM, "n": N5}
ROOT = Path(__file__).resolve().parents[2]
FULL_KEYS = [
    "melding",
    "undersokelse-20261201T090000Z",
    "plan-1",
    "evaluering-1",
    "plan-2",
    "evaluering-2",
]


def close(case: Case, events: list[CaseEvent]) -> None:
    at = T0 + timedelta(days=70)
    events += case.evaluate(
        Evaluation(2, Outcome.CLOSE, "Eleven har det trygt og godt nå.", at, LEADER), LEADER, at
    )


def unpack(message: ArchiveMessage) -> tuple[ET.Element, dict[str, bytes]]:
    archive = zipfile.ZipFile(io.BytesIO(message.zip))
    files = {name: archive.read(name) for name in archive.namelist()}
    return ET.fromstring(files.pop("arkivmelding.xml")), files


def text_of(element: ET.Element, path: str) -> str:
    found = element.findtext(path, namespaces=NS)
    assert found is not None, path
    return found


def test_an_open_case_gives_one_valid_message_per_document(
    school: School, context: ArchiveContext
) -> None:
    case, events = full_case(school)
    messages = archive_messages(case, events, context)
    assert [m.key for m in messages] == FULL_KEYS
    assert [m.creates_folder for m in messages] == [True] + [False] * 5
    for message in messages:
        root, files = unpack(message)
        xml = zipfile.ZipFile(io.BytesIO(message.zip)).read("arkivmelding.xml")
        assert schema_errors(xml) == []
        assert zipfile.ZipFile(io.BytesIO(message.zip)).namelist()[0] == "arkivmelding.xml"
        assert text_of(root, "a:system") == "Trygg skole"
        assert text_of(root, "a:antallFiler") == "1"
        assert list(files) == [f"{message.key}.pdf"]
        assert message.filename.startswith("2026-0001-") and message.filename.endswith(
            f"-{message.key}.zip"
        )
        assert message.sha256 == hashlib.sha256(message.zip).hexdigest().upper()
    names = [m.filename for m in messages]
    assert names == sorted(names)  # imported by hand in file order, the folder's first
    assert names[0] == "2026-0001-20261126-100000-melding.zip"


def test_the_folder_names_the_pupil_only_where_it_is_screened(
    school: School, context: ArchiveContext
) -> None:
    case, events = full_case(school)
    root, _ = unpack(archive_messages(case, events, context)[0])
    folder = root.find("a:mappe", NS)
    assert folder is not None
    assert folder.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "saksmappe"
    assert text_of(folder, "a:tittel") == "Skolemiljøsak – Ola Nordmann, 9B"
    assert text_of(folder, "a:offentligTittel") == "Skolemiljøsak"
    assert text_of(folder, "a:part/a:partNavn") == "Ola Nordmann"
    assert text_of(folder, "a:part/a:erSkjermet") == "true"
    assert text_of(folder, "a:skjerming/a:tilgangsrestriksjon/n:kode") == "13"
    assert (
        text_of(folder, "a:skjerming/a:skjermingshjemmel") == "Offl. § 13 jf. fvl. § 13 (1) nr. 1"
    )
    assert text_of(folder, "a:referanseEksternNoekkel/n:fagsystem") == "Trygg skole"
    assert text_of(folder, "a:referanseEksternNoekkel/n:noekkel") == "2026-0001"
    assert text_of(folder, "a:saksdato") == "2026-11-26"
    assert text_of(folder, "a:opprettetDato") == "2026-11-26T10:00:00+01:00"
    assert text_of(folder, "a:administrativEnhet/n:navn") == "Ellingsrud skole"
    assert text_of(folder, "a:saksansvarlig/n:navn") == "Berit Solberg"  # took the case
    assert folder.find("a:klassifikasjon", NS) is None  # the archive's rule decides
    for message in archive_messages(case, events, context):
        message_root, _ = unpack(message)
        for public in message_root.iter(f"{{{AM}}}offentligTittel"):
            assert "Ola" not in (public.text or "") and "Nordmann" not in (public.text or "")


def test_each_journalpost_is_an_internal_note_with_its_date_author_and_file(
    school: School, context: ArchiveContext
) -> None:
    case, events = full_case(school)
    expected = {
        "melding": ("Melding om skolemiljø (delplikt 3)", "2026-11-26", "Lise Dahl"),
        "plan-2": ("Aktivitetsplan versjon 2", "2026-12-23", "Berit Solberg"),
        "evaluering-2": (
            "Evaluering av aktivitetsplan versjon 2, 13.01.2027",
            "2027-01-13",
            "Lise Dahl",
        ),
    }
    for message in archive_messages(case, events, context):
        root, files = unpack(message)
        post = root.find("a:registrering", NS)
        assert post is not None
        assert post.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "journalpost"
        assert text_of(post, "a:journalposttype/n:kode") == "X"
        assert text_of(post, "a:journalposttype/n:beskrivelse") == (
            "Organinternt dokument uten oppfølging"
        )
        assert text_of(post, "a:referanseForelderMappe/n:referanseEksternNoekkel/n:noekkel") == (
            "2026-0001"
        )
        assert text_of(post, "a:referanseEksternNoekkel/n:noekkel") == f"2026-0001/{message.key}"
        for screened in (post, post.find("a:dokumentbeskrivelse", NS)):
            assert screened is not None
            assert text_of(screened, "a:skjerming/a:tilgangsrestriksjon/n:kode") == "13"
        content = post.find("a:dokumentbeskrivelse/a:dokumentobjekt", NS)
        assert content is not None
        name = text_of(content, "a:referanseDokumentfil")
        assert text_of(content, "a:sjekksum") == hashlib.sha256(files[name]).hexdigest()
        assert text_of(content, "a:filstoerrelse") == str(len(files[name]))
        assert text_of(content, "a:variantformat/n:kode") == "A"
        assert text_of(content, "a:format/n:kode") == "RA-PDF"
        assert text_of(post, "a:dokumentbeskrivelse/a:tilknyttetRegistreringSom/n:kode") == "H"
        assert "Ola Nordmann, 9B" in text_of(post, "a:tittel")
        if message.key in expected:
            title, day, author = expected[message.key]
            assert text_of(post, "a:dokumentbeskrivelse/a:tittel") == title
            assert text_of(post, "a:dokumentetsDato") == day
            assert text_of(post, "a:forfatter") == author
            assert text_of(post, "a:opprettetAv") == author


def test_every_document_is_pdfa_and_reads_as_its_part_of_the_case(
    school: School, context: ArchiveContext
) -> None:
    case, events = full_case(school)
    close(case, events)
    texts: dict[str, str] = {}
    for message in archive_messages(case, events, context):
        _, files = unpack(message)
        pdf = files[f"{message.key}.pdf"]
        assert pdfa_problems(pdf) == []
        reader = PdfReader(io.BytesIO(pdf))
        texts[message.key] = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for text in texts.values():
        assert "Elev Ola Nordmann" in text and "Klasse 9B" in text and "Sak 2026-0001" in text
        assert "Taushetsbelagt – unntatt offentlighet" in text
    assert "Hva som er sett eller hørt" in texts["melding"]
    assert "Skrevet av Lise Dahl" in texts["melding"]
    assert "Barnets beste-vurdering" in texts["undersokelse-20261201T090000Z"]
    assert "Versjon 1, laget 02.12.2026 av Berit Solberg" in texts["plan-1"]
    assert "(gjeldende)" not in texts["plan-1"] and "erstattet" not in texts["plan-1"]
    assert "Fast lekegruppe med Ola" in texts["plan-2"]
    assert "Justere planen (ny versjon)" in texts["evaluering-1"]
    closing = texts["avslutning"]
    assert "Avslutte 04.02.2027 kl. 10:00 Berit Solberg Saken avsluttet" in closing
    assert "Aktivitetsplan versjon 2 23.12.2026 Berit Solberg" in closing  # the documents


def test_a_case_archived_while_open_sends_only_what_was_added_at_closing(
    school: School, context: ArchiveContext
) -> None:
    case, events = full_case(school)
    first = archive_messages(case, events, context)
    close(case, events)
    head = dataclasses.replace(
        context.head, generated_at=context.head.generated_at + timedelta(days=12)
    )
    later = dataclasses.replace(context, head=head)
    second = archive_messages(case, events, later, already_sent={m.key for m in first})
    assert [m.key for m in second] == ["evaluering-3", "avslutning"]
    assert not any(m.creates_folder for m in second)
    for message in second:
        root, _ = unpack(message)
        assert root.find("a:mappe", NS) is None
        assert (
            text_of(
                root, "a:registrering/a:referanseForelderMappe/n:referanseEksternNoekkel/n:noekkel"
            )
            == "2026-0001"
        )
    everything = {m.key for m in first} | {m.key for m in second}
    assert archive_messages(case, events, later, already_sent=everything) == ()


def test_an_updated_investigation_is_a_new_document(
    school: School, context: ArchiveContext
) -> None:
    case, events = full_case(school)
    sent = {m.key for m in archive_messages(case, events, context)}
    investigation = case.investigation
    assert investigation is not None
    updated_at = T0 + timedelta(days=40)
    case.investigation = dataclasses.replace(
        investigation, findings="Nye funn.", updated_at=updated_at
    )
    [message] = archive_messages(case, events, context, already_sent=sent)
    assert message.key == "undersokelse-20270105T090000Z"


def test_the_same_case_gives_the_same_messages(school: School, context: ArchiveContext) -> None:
    case, events = full_case(school)
    first = archive_messages(case, events, context)
    again = archive_messages(case, events, context)
    assert [m.zip for m in again] == [m.zip for m in first]
    assert [m.message_id for m in again] == [m.message_id for m in first]
    assert len({m.message_id for m in first}) == len(first)


def test_the_schools_archive_settings_are_used(school: School, context: ArchiveContext) -> None:
    case, events = open_case(school, report())
    settings = ArchiveSettings(
        klassifikasjon=(Klasse("K-kode", "B31", "Skolemiljø"), Klasse("ORD", "skolemiljo")),
        administrativ_enhet="Ellingsrud skole – administrasjonen",
        saksansvarlig="Rita Haugen",
        journalenhet="ELL",
        arkivdel="ELEV",
        regel="TRYGG-SKOLE",
    )
    [message] = archive_messages(case, events, dataclasses.replace(context, settings=settings))
    root, _ = unpack(message)
    assert text_of(root, "a:regel") == "TRYGG-SKOLE"
    folder = root.find("a:mappe", NS)
    assert folder is not None
    classes = folder.findall("a:klassifikasjon", NS)
    assert [text_of(c, "a:klasseID") for c in classes] == ["B31", "skolemiljo"]
    assert text_of(classes[0], "a:klassifikasjonssystemID") == "K-kode"
    assert text_of(folder, "a:administrativEnhet/n:navn").endswith("administrasjonen")
    assert text_of(folder, "a:saksansvarlig/n:navn") == "Rita Haugen"
    assert text_of(folder, "a:journalenhet") == "ELL"
    assert text_of(folder, "a:arkivdel/n:kode") == "ELEV"


def test_a_fresh_case_without_a_leader_names_rektor_as_responsible(
    school: School, context: ArchiveContext
) -> None:
    case, events = open_case(school, report(pupil_name="Łukasz Wiśniewski", pupil_class="8A"))
    [message] = archive_messages(case, events, context)
    root, files = unpack(message)
    assert text_of(root, "a:mappe/a:saksansvarlig/n:navn") == "Rektor"
    assert text_of(root, "a:mappe/a:tittel") == "Skolemiljøsak – Łukasz Wiśniewski, 8A"
    text = PdfReader(io.BytesIO(files["melding.pdf"])).pages[0].extract_text()
    assert "Łukasz Wiśniewski" in text


def test_the_schema_check_catches_a_broken_message(school: School, context: ArchiveContext) -> None:
    case, events = open_case(school, report())
    root, _ = unpack(archive_messages(case, events, context)[0])
    post = root.find("a:registrering", NS)
    assert post is not None
    post.remove(post.find("a:journalposttype", NS))  # type: ignore[arg-type]
    broken = ET.tostring(root, encoding="utf-8")
    assert schema_errors(broken)
    with pytest.raises(InvalidArkivmelding):
        validate(broken)


def test_the_documentation_pack_holds_every_document_and_the_overview(
    school: School, context: ArchiveContext
) -> None:
    case, events = full_case(school)
    close(case, events)
    pack = documentation_pack(case, events, context)
    assert pack.filename == "sak-2026-0001-dokumentasjon.zip"
    files = {
        n: zipfile.ZipFile(io.BytesIO(pack.zip)).read(n)
        for n in zipfile.ZipFile(io.BytesIO(pack.zip)).namelist()
    }
    assert list(files) == [OVERVIEW_FILE] + [f"{k}.pdf" for k in FULL_KEYS] + [
        "evaluering-3.pdf",
        "avslutning.pdf",
    ]
    # The same documents as the archive got, byte for byte.
    for message in archive_messages(case, events, context):
        _, sent = unpack(message)
        assert files[f"{message.key}.pdf"] == sent[f"{message.key}.pdf"]
    overview = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(files[OVERVIEW_FILE])).pages
    )
    assert pdfa_problems(files[OVERVIEW_FILE]) == []
    for line in (
        "Følge med 25.11.2026 Lise Dahl Kjennetegn: kvier seg for å gå på skolen",
        "Melde fra 26.11.2026 kl. 10:00 Lise Dahl Til: Rita Haugen (bekreftet 26.11.2026 kl. "
        "10:05), Berit Solberg",
        "Undersøke 01.12.2026 kl. 10:00 Berit Solberg Startet 5 dager etter meldingen",
        "Sette inn tiltak 02.12.2026 kl. 10:00 Berit Solberg Aktivitetsplan versjon 1",
        "Sette inn tiltak 23.12.2026 kl. 10:00 Berit Solberg Aktivitetsplan versjon 2",
        "Evaluere 23.12.2026 kl. 10:00 Berit Solberg Versjon 1: justere planen",
        "Evaluere 13.01.2027 kl. 10:00 Lise Dahl Versjon 2: videreføre tiltakene",
        "Avslutte 04.02.2027 kl. 10:00 Berit Solberg Saken avsluttet",
        "Samtale med eleven 27.11.2026 Ola forteller at Sigurd og Kari ler av ham.",
        "Elevens syn, aktivitetsplan versjon 2 (23.12.2026) Ola ønsker å være med Sigurd",
        "4 Logg (revisjonsspor)",
    ):
        assert line in overview, line
    assert REKTOR not in overview  # names, never ids


def test_unsent_documents_are_listed_without_drawing_a_pdf(school: School) -> None:
    case, _ = full_case(school)
    keys = [d.key for d in case_documents(case, OSLO)]
    assert keys == FULL_KEYS
    assert [d.key for d in unsent(case, OSLO, {"melding", "plan-1"})] == [
        k for k in FULL_KEYS if k not in {"melding", "plan-1"}
    ]


def test_the_delivery_modules_load_no_pdf_or_schema_code() -> None:
    code = (
        "import sys\n"
        "import bot.archive.mottak, bot.archive.local, bot.archive.documents\n"
        "import bot.archive.settings, bot.export.fonts\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'fpdf', 'xmlschema', 'fontTools', 'elementpath'})\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
