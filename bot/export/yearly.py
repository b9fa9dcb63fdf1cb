"""The yearly report for the plan's annual evaluation: the school's figures as one PDF.

The school evaluates its plan once a year (skolemiljøplanen); this gives that meeting the
figures of the year with simple bars, drawn as rectangles so no plotting library is needed. It
holds totals only: no pupil, no staff member, no free text. Meant to be shared, it is given
suppressed figures when it covers several schools (the caller decides, bot.services.stats).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fpdf.enums import XPos, YPos

from bot.domain.figures import (
    ROWS,
    SUPPRESSION_NOTE,
    TOTAL,
    breakdowns,
    columns,
    display,
    period_text,
    value_at,
)
from bot.export.layout import BODY, FONT, LINE, SMALL, Document, Writer

TITLE = "Årsrapport: elevenes skolemiljø (aktivitetsplikten)"
SUBJECT = "Tall fra Trygg skole til den årlige evalueringen av skolemiljøplanen"
PRIVACY = "Bare totaltall: ingen opplysninger om elever eller ansatte."
LABEL_WIDTH = 62.0
BAR_WIDTH = 90.0
BAR_HEIGHT = 3.6
BAR_COLOUR = (46, 94, 152)


def _bars(writer: Writer, title: str, items: Sequence[tuple[str, Any]]) -> None:
    """One bar per item, scaled to the largest count; «<5» gets no bar, only its text."""
    pdf = writer.pdf
    writer.label(title)
    counts = [v for _, v in items if isinstance(v, int)]
    largest = max(counts, default=0) or 1
    for label, value in items:
        if pdf.will_page_break(LINE):
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_font(FONT, "", SMALL)
        pdf.cell(LABEL_WIDTH, LINE, writer.safe(label), new_x=XPos.RIGHT, new_y=YPos.TOP)
        width = BAR_WIDTH * value / largest if isinstance(value, int) else 0.0
        if width > 0:
            pdf.set_fill_color(*BAR_COLOUR)
            pdf.rect(x + LABEL_WIDTH, y + (LINE - BAR_HEIGHT) / 2, width, BAR_HEIGHT, style="F")
        pdf.set_xy(x + LABEL_WIDTH + width + 1.5, y)
        pdf.cell(0, LINE, display("", value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _figures(writer: Writer, name: str, figures: Mapping[str, Any]) -> None:
    writer.heading(name)
    writer.table(
        (3, 1),
        ("Tall", "Verdi"),
        [(label, display(path, value_at(figures, path))) for label, path in ROWS],
    )
    for title, items in breakdowns(figures):
        _bars(writer, title, items)


def yearly_pdf(
    result: Mapping[str, Any],
    *,
    shared: bool,
    generated_at: datetime,
    zone: ZoneInfo,
    by: str = "Trygg skole",
) -> bytes:
    """`result` is `bot.services.stats.report`'s; `shared` says its counts were suppressed."""
    names = [str(s["name"]) for s in result["schools"]]
    period = period_text(result["period"])
    author = names[0] if len(names) == 1 else "Skoleeier"
    pdf = Document(
        title=TITLE,
        subject=SUBJECT,
        author=author,
        created=generated_at,
        footer=(
            PRIVACY,
            f"Generert {generated_at.astimezone(zone):%d.%m.%Y kl. %H:%M} av {by}",
            f"Periode {period}",
        ),
    )
    pdf.add_page()
    writer = Writer(pdf, zone=zone, name_of=lambda _id: by)
    writer.title(TITLE)
    writer.pair("Skole" if len(names) == 1 else "Skoler", ", ".join(names))
    writer.pair("Periode", f"{period} (etter datoen saken ble meldt)")
    writer.note(PRIVACY)
    if shared:
        writer.note(SUPPRESSION_NOTE)
    pdf.set_font(FONT, "", BODY)
    shown = columns(result)
    # The total first: it is what the owner and the evaluation meeting read before the rest.
    for name, figures in (shown[-1:] + shown[:-1]) if len(shown) > 1 else shown:
        _figures(writer, name if name != TOTAL else "Alle skolene samlet", figures)
    return pdf.render()
