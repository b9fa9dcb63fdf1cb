"""Layout primitives for the school's documents: an archive-grade A4 page and its building blocks.

Every document is PDF/A-2b (fpdf2's `enforce_compliance`: an sRGB output intent, XMP
metadata, no unembedded font) with the Noto fonts embedded and text shaping on, so Arabic is
joined and set right to left. The metadata is written here rather than by fpdf2, so the same
input gives the same bytes (fpdf2 would stamp the current time): an archive package built twice
has one checksum. Nothing here knows about cases; bot.export.sections does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from bot.domain.people import SYSTEM_NAME
from bot.export import fonts
from bot.export.text import printable

EMPTY = "Ikke fylt ut."
PRODUCER = "Trygg skole (fpdf2)"

FONT = fonts.PRIMARY.name
BODY = 9.5
SMALL = 8.5
LINE = 4.8
TABLE_LINE = 4.2
LABEL_WIDTH = 58.0
MARGIN = 20.0
HEADINGS = FontFace(emphasis="BOLD", fill_color=(232, 232, 232))


def _xmp(*, title: str, subject: str, author: str, language: str, at: datetime) -> str:
    stamp = at.isoformat(timespec="seconds")

    def alt(text: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'

    return "\n".join(
        (
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
            '<rdf:Description rdf:about=""',
            '  xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"',
            '  xmlns:dc="http://purl.org/dc/elements/1.1/"',
            '  xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
            '  xmlns:pdf="http://ns.adobe.com/pdf/1.3/">',
            "<pdfaid:part>2</pdfaid:part>",
            "<pdfaid:conformance>B</pdfaid:conformance>",
            "<dc:format>application/pdf</dc:format>",
            f"<dc:title>{alt(title)}</dc:title>",
            f"<dc:description>{alt(subject)}</dc:description>",
            f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>",
            f"<dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>",
            "<xmp:CreatorTool>Trygg skole</xmp:CreatorTool>",
            f"<xmp:CreateDate>{stamp}</xmp:CreateDate>",
            f"<xmp:ModifyDate>{stamp}</xmp:ModifyDate>",
            f"<xmp:MetadataDate>{stamp}</xmp:MetadataDate>",
            f"<pdf:Producer>{escape(PRODUCER)}</pdf:Producer>",
            "</rdf:Description>",
            "</rdf:RDF>",
            "</x:xmpmeta>",
        )
    )


class Document(FPDF):
    """An A4 page with the footer on every page; `shown` is the one way text reaches it.

    The title, subject and author go into the PDF's metadata, which archive tools index: they
    must never hold a pupil's name.
    """

    def __init__(
        self,
        *,
        title: str,
        subject: str,
        author: str,
        created: datetime,
        footer: tuple[str, str, str],
        language: str = "nb-NO",
    ) -> None:
        fonts.require_fonts()
        super().__init__(
            orientation="portrait", unit="mm", format="A4", enforce_compliance="PDF/A-2B"
        )
        self.lost = False
        """Some character could not be shown and was replaced with «?»."""
        self._families: list[fonts.Family] = []
        self._add_family(fonts.PRIMARY)
        self.set_margins(MARGIN, 18, MARGIN)
        self.set_auto_page_break(auto=True, margin=22)
        self.set_title(title)
        self.set_subject(subject)
        self.set_author(author)
        self.set_creator("Trygg skole")
        self.set_producer(PRODUCER)
        self.set_lang(language)
        self.set_creation_date(created)
        self.set_xmp_metadata(
            _xmp(title=title, subject=subject, author=author, language=language, at=created)
        )
        self._footer_lines = tuple(self.shown(line) for line in footer)

    def _add_family(self, family: fonts.Family) -> None:
        for style, path in family.files:
            self.add_font(family.name, style, str(path))
        self._families.append(family)
        if len(self._families) > 1:
            self.set_fallback_fonts([f.name for f in self._families[1:]], exact_match=False)
        if family.shaped and not self.text_shaping:
            # From here on: shaping measures every character (fpdf2 makes it costly), and
            # Latin text set before needed none.
            self.set_text_shaping(use_shaping_engine=True)

    def shown(self, text: str) -> str:
        """`text` as the fonts can show it; adds the fallback fonts its scripts need."""
        result, lost = printable(text)
        self.lost = self.lost or lost
        needed = {fonts.family_for(c) for c in set(result)} - {None, *self._families}
        for family in (f for f in fonts.FALLBACKS if f in needed):
            self._add_family(family)
        return result

    def footer(self) -> None:
        secrecy, generated, reference = self._footer_lines
        self.set_y(-17)
        self.set_draw_color(160)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.2)
        self.set_font(FONT, "B", 7.5)
        self.set_text_color(60)
        self.cell(0, 3.8, secrecy, new_x=XPos.LMARGIN, new_y=YPos.TOP)
        self.set_font(FONT, "", 7.5)
        self.cell(
            0,
            3.8,
            f"Side {self.page_no()} av {{nb}}",
            align="R",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.cell(0, 3.8, generated, new_x=XPos.LMARGIN, new_y=YPos.TOP)
        self.cell(0, 3.8, reference, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)

    def render(self) -> bytes:
        return bytes(self.output())


class Writer:
    """Draws the parts of a document; every string passes through `Document.shown` here."""

    def __init__(
        self,
        pdf: Document,
        *,
        zone: ZoneInfo,
        name_of: Callable[[str], str],
        free: Callable[[str], str] = lambda text: text,
    ) -> None:
        self.pdf = pdf
        self.zone = zone
        self._name_of = name_of
        self._free = free

    # text

    def safe(self, text: str) -> str:
        return self.pdf.shown(text)

    def free(self, text: str) -> str:
        """Free text as staff wrote it, with other pupils' names left out in a redacted copy."""
        return self._free(text.strip()) if text.strip() else ""

    def name(self, person_id: str | None) -> str:
        return self._name_of(person_id) if person_id else SYSTEM_NAME

    def when(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%d.%m.%Y kl. %H:%M")

    def day(self, value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = value.astimezone(self.zone).date()
        return value.strftime("%d.%m.%Y")

    # blocks

    def title(self, text: str, subtitle: str | None = None) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "B", 17)
        pdf.multi_cell(0, 8, self.safe(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            pdf.set_font(FONT, "B", 12)
            pdf.set_text_color(170, 0, 0)
            pdf.multi_cell(
                0, 6.5, self.safe(subtitle), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            pdf.set_text_color(0)
        pdf.ln(2)

    def heading(self, text: str) -> None:
        self._headline(text, size=13, height=7, keep=30, before=4)
        pdf = self.pdf
        pdf.set_draw_color(120)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(2.5)

    def subheading(self, text: str) -> None:
        self._headline(text, size=11, height=6, keep=22, before=1.5)
        self.pdf.ln(0.5)

    def _headline(
        self, text: str, *, size: float, height: float, keep: float, before: float
    ) -> None:
        """A bold line that starts a new page rather than stand alone at the foot of one."""
        pdf = self.pdf
        if pdf.will_page_break(keep):
            pdf.add_page()
        pdf.ln(before)
        pdf.set_font(FONT, "B", size)
        pdf.multi_cell(0, height, self.safe(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def label(self, text: str) -> None:
        """A bold line over what follows (a table, a list)."""
        self.pdf.set_font(FONT, "B", BODY)
        self.pdf.multi_cell(
            0, LINE, self.safe(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def pair(self, label: str, value: str) -> None:
        """A short fact on one line: «Klasse: 9B»."""
        pdf = self.pdf
        label_text = self.safe(label)
        pdf.set_font(FONT, "B", BODY)
        if pdf.get_string_width(label_text) > LABEL_WIDTH - 2:
            self.block(label, value, free=False)
            return
        if pdf.will_page_break(LINE):
            pdf.add_page()
        pdf.cell(LABEL_WIDTH, LINE, label_text, new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.set_font(FONT, "", BODY)
        pdf.multi_cell(
            0, LINE, self.safe(value) or EMPTY, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(0.6)

    def block(self, label: str, text: str, *, free: bool = True) -> None:
        """A label over a paragraph, for what staff wrote in their own words."""
        pdf = self.pdf
        body = self.safe(self.free(text) if free else text.strip())
        if pdf.will_page_break(LINE * 3):
            pdf.add_page()
        self.label(label)
        if body:
            pdf.set_font(FONT, "", BODY)
            pdf.multi_cell(0, LINE, body, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            self._quiet(EMPTY)
        pdf.ln(1.5)

    def note(self, text: str) -> None:
        self._quiet(self.safe(text))
        self.pdf.ln(1)

    def _quiet(self, shown: str) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "I", BODY)
        pdf.set_text_color(90)
        pdf.multi_cell(0, LINE, shown, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0)

    def table(
        self, widths: Sequence[float], header: Sequence[str], rows: Sequence[Sequence[str]]
    ) -> None:
        """Rows with headings repeated on each page; a row too tall for one page (very long
        text) is shown as label/value pairs instead, since fpdf2 cannot split a row."""
        pdf = self.pdf
        shown_header = [self.safe(h) for h in header]
        shown_rows = [[self.safe(c) for c in row] for row in rows]
        pdf.set_font(FONT, "", SMALL)
        if not self._fits(widths, shown_rows):
            for row in rows:
                for label, value in zip(header, row, strict=True):
                    self.block(label, value, free=False)
                pdf.ln(1)
            return
        with pdf.table(
            col_widths=tuple(widths),
            text_align="LEFT",
            v_align="TOP",
            line_height=TABLE_LINE,
            headings_style=HEADINGS,
            padding=(1, 1.5, 1, 1.5),
            borders_layout="SINGLE_TOP_LINE",
        ) as table:
            heading_row = table.row()
            for text in shown_header:
                heading_row.cell(text)
            for shown in shown_rows:
                line = table.row()
                for text in shown:
                    line.cell(text)
        pdf.ln(2)

    def _fits(self, widths: Sequence[float], rows: Sequence[Sequence[str]]) -> bool:
        pdf = self.pdf
        usable = pdf.h - pdf.t_margin - pdf.b_margin - 20
        total = sum(widths)
        for row in rows:
            for share, text in zip(widths, row, strict=True):
                width = pdf.epw * share / total - 3 - 2 * pdf.c_margin
                lines = pdf.multi_cell(width, TABLE_LINE, text, dry_run=True, output="LINES")
                if isinstance(lines, list) and len(lines) * TABLE_LINE + 2 > usable:
                    return False
        return True
