"""The exported PDF is PDF/A-2b with its fonts embedded, and other scripts print as written."""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from fpdf import FPDF
from pypdf import PdfReader

from bot.domain.school import School
from bot.export import fonts
from tests.export.cases import export, full_case, open_case, pdf_text
from tests.export.pdfa import NS, pdfa_problems, xmp
from tests.samples import report

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "export"
ARABIC = "محمد عبد الله"
MANY_SCRIPTS = (
    f"Łukasz Wiśniewski, Nguyễn Thị Hằng og Ayşe Yılmaz satt med {ARABIC}, Ṣọlá, "
    "Ελένη, Жанна, Tsegay (ፀጋይ), Priya (प्रिया), Nilani (நிலானி), Sarah (שרה), Ani (Անի), "
    "Nino (ნინო), Somchai (สมชาย) og Sokha (សុខា). Det gikk ≤ 2 min → ✓ ●."
)


def _embedded(data: bytes) -> dict[str, set[int]]:
    """The code points each embedded font subset maps, by the font's base name."""
    found: dict[str, set[int]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                program = font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
                name = str(font.BaseFont).split("+", 1)[1]
                found.setdefault(name, set()).update(TTFont(io.BytesIO(program)).getBestCmap())
    return found


def test_the_case_pdf_keeps_the_pdfa_2b_rules(school: School) -> None:
    case, events = full_case(school)
    case.report = report(description=MANY_SCRIPTS)
    for redacted in (False, True):
        assert pdfa_problems(export(school, case, events, redacted=redacted)) == []


def test_the_checker_finds_what_breaks_pdfa() -> None:
    plain = FPDF()
    plain.add_page()
    plain.set_font("Helvetica", size=12)
    plain.cell(text="Core font, no metadata, no output intent")
    problems = pdfa_problems(bytes(plain.output()))
    assert any("header" in p for p in problems)
    assert any("not embedded" in p or "Type1" in p for p in problems)
    assert any("output intents" in p for p in problems)
    assert any("XMP" in p for p in problems)


def _tampered(data: bytes, change: str) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        if change == "notdef":
            commands = pikepdf.parse_content_stream(page)
            at = next(i for i, c in enumerate(commands) if str(c.operator) == "Tj")
            commands[at] = pikepdf.ContentStreamInstruction(
                [pikepdf.String(b"\x0f\xff")], pikepdf.Operator("Tj")
            )  # CID 4095 is in no subset: it maps to glyph 0
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(commands))
        else:
            font = next(iter(page.Resources.Font.values())).DescendantFonts[0]
            font.W = pikepdf.Array([1, [1234]])
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def test_the_checker_finds_a_notdef_glyph_and_wrong_widths(school: School) -> None:
    case, events = open_case(school, report())
    good = export(school, case, events, redacted=False)
    assert any(".notdef" in p for p in pdfa_problems(_tampered(good, "notdef")))
    assert any("6.2.11.5" in p for p in pdfa_problems(_tampered(good, "widths")))


def test_every_script_prints_from_an_embedded_font(school: School) -> None:
    case, events = open_case(school, report(description=MANY_SCRIPTS))
    data = export(school, case, events, redacted=False)
    text = pdf_text(data)
    for name in ("Łukasz Wiśniewski", "Nguyễn Thị Hằng", "Ayşe Yılmaz", "Ελένη", "Жанна"):
        assert name in text
    assert "erstattet med «?»" not in text
    embedded = _embedded(data)
    assert {"NotoSans", "NotoSansArabic", "NotoSansEthiopic", "NotoSansDevanagari"} <= set(embedded)
    assert {"NotoSansTamil", "NotoSansHebrew", "NotoSansThai", "DejaVuSansBook"} <= set(embedded)


def test_a_norwegian_document_embeds_one_font_family(school: School) -> None:
    case, events = full_case(school)
    assert {
        n.removesuffix("Bold").removesuffix("Italic")
        for n in _embedded(export(school, case, events, redacted=False))
    } == {"NotoSans"}


def test_arabic_is_shaped_into_its_joined_forms(school: School) -> None:
    case, events = open_case(school, report(pupil_name=ARABIC))
    arabic = _embedded(export(school, case, events, redacted=False))["NotoSansArabic"]
    # محمد drawn joined: meem initial, hah medial, meem medial, dal final (the glyphs the
    # font also maps to the presentation forms), not the letters' isolated forms.
    assert {0xFEE3, 0xFEA4, 0xFEE4, 0xFEAA} <= arabic
    assert not {0x0645, 0x062D, 0x062F} & arabic


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_the_arabic_name_renders_on_the_page(school: School) -> None:
    """Rendered with poppler for a person to look at: test-artifacts/export/arabic-name.png."""
    case, events = open_case(school, report(pupil_name=ARABIC, pupil_class="9B"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "arabic-name.pdf"
    pdf.write_bytes(export(school, case, events, redacted=False))
    crop = [
        "-r",
        "150",
        "-png",
        "-f",
        "1",
        "-l",
        "1",
        "-x",
        "0",
        "-y",
        "60",
        "-W",
        "1240",
        "-H",
        "240",
        "-singlefile",
    ]
    subprocess.run(
        ["pdftoppm", *crop, str(pdf), str(ARTIFACTS / "arabic-name")],
        check=True,
        capture_output=True,
    )
    png = (ARTIFACTS / "arabic-name.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 2000


def test_the_metadata_says_pdfa_and_holds_no_name(school: School) -> None:
    case, events = full_case(school)
    data = export(school, case, events, redacted=False)
    description = xmp(data).find(".//rdf:Description", NS)
    assert description is not None
    assert description.findtext("pdfaid:part", namespaces=NS) == "2"
    assert description.findtext("pdfaid:conformance", namespaces=NS) == "B"
    title = description.find("dc:title/rdf:Alt/rdf:li", NS)
    assert title is not None and title.text == "Aktivitetsplan – sak 2026-0001"
    packet = ET.tostring(description, encoding="unicode")
    assert (
        "<xmp:CreateDate>2027-01-25T10:00:00+01:00</xmp:CreateDate>"
        in packet.replace('xmlns:xmp="http://ns.adobe.com/xap/1.0/" ', "")
        or "2027-01-25T10:00:00+01:00" in packet
    )
    assert "Ola" not in packet and "Nordmann" not in packet


def test_the_same_case_gives_the_same_bytes(school: School) -> None:
    case, events = full_case(school)
    first = export(school, case, events, redacted=False)
    assert export(school, case, events, redacted=False) == first
    case.report = report(description="Endret.")
    assert export(school, case, events, redacted=False) != first


def test_missing_fonts_are_named_with_the_package_to_install(tmp_path: Path) -> None:
    assert fonts.missing_fonts() == []
    error = fonts.FontsMissing([tmp_path / "NotoSans-Regular.ttf"])
    assert "fonts-noto-core" in str(error) and "apt-get install" in str(error)


def test_page_numbers_survive_text_shaping(school: School) -> None:
    case, events = full_case(school)
    case.report = report(pupil_name=ARABIC, description="Eleven skrev «مرحبا» til læreren.")
    reader = PdfReader(io.BytesIO(export(school, case, events, redacted=False)))
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert f"Side {number} av {pages}" in " ".join(page.extract_text().split())
