"""A case's documentation as one PDF, laid out like the aktivitetsplan kept in Vigilo/Websak.

The school's plan (8.3–8.7) says the report, the investigation, the plan and its evaluations
are documented in the pupil's aktivitetsplan, made from UDA's template and archived in
Vigilo/Websak. The bot holds the same facts in structured form; this module lays them out in
that order so a leader can archive one file instead of copying fields by hand, and so the
document shows the law's five required elements (§ 12-4) where an inspector looks for them.

The PDF uses the viewer's built-in Helvetica, so nothing has to be embedded or shipped. Those
fonts only cover Windows-1252 (Latin-1 plus – — ’ “ ” … •); any other character is replaced
rather than allowed to stop the export, and the document says so.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from bot.domain.case import STATE_LABELS, Case, CaseEvent, CaseState, EventKind
from bot.domain.followup import (
    LEVELS,
    METHODS,
    OUTCOMES,
    ActivityPlan,
    Evaluation,
    Investigation,
    Method,
    Outcome,
)
from bot.domain.report import CATEGORIES, PUPIL_INFORMED, SIGNS, SOURCES
from bot.domain.routing import Reason
from bot.export.redact import likely_names, redact

ENCODING = "cp1252"
"""What fpdf2's core fonts can show (they are declared with WinAnsiEncoding)."""

SECRECY = "Taushetsbelagt – unntatt offentlighet (offl. § 13, fvl. § 13)"
REDACTED_MARK = "Sladdet utgave (innsyn)"
EMPTY = "Ikke fylt ut."
SYSTEM = "Trygg skole (automatisk)"

REASON_LABELS: dict[Reason, str] = {
    Reason.REKTOR: "Rektor",
    Reason.NEAREST_LEADER: "Nærmeste leder",
    Reason.DEPUTY: "Stedfortreder",
}

EVENT_LABELS: dict[EventKind, str] = {
    EventKind.REPORTED: "Melding sendt",
    EventKind.ROUTED: "Melding fordelt",
    EventKind.FORWARDED_TO_OWNER: "Sendt til skoleeier (gjelder ledelsen)",
    EventKind.ALERT_QUEUED: "Varsel lagt i kø",
    EventKind.ALERT_SENT: "Varsel levert",
    EventKind.ALERT_FAILED: "Varsel kunne ikke leveres",
    EventKind.ACKNOWLEDGED: "Bekreftet mottatt",
    EventKind.TAKEN: "Tok saken",
    EventKind.OWNER_NOTIFIED: "Skoleeier varslet",
    EventKind.ESCALATED: "Ikke bekreftet i tide – sendt videre",
    EventKind.INVESTIGATION_STARTED: "Undersøkelse startet",
    EventKind.INVESTIGATION_UPDATED: "Undersøkelse dokumentert",
    EventKind.PLAN_SAVED: "Aktivitetsplan lagret",
    EventKind.EVALUATED: "Tiltak evaluert",
    EventKind.CLOSED: "Saken avsluttet",
    EventKind.MEMBER_ADDED: "Person lagt til i saken",
    EventKind.REMINDER_SENT: "Påminnelse sendt",
    EventKind.VIEWED: "Saken åpnet",
    EventKind.EXPORTED: "Saken eksportert som PDF",
    EventKind.STATE_CHANGED: "Status endret",
}

_REMINDER_LABELS = {
    "investigation_leader": "undersøkelsen er ikke startet",
    "investigation_rektor": "undersøkelsen er ikke startet (til rektor)",
    "evaluation_due": "evaluering nærmer seg",
    "evaluation_overdue": "evalueringen er forsinket",
    "evaluation_rektor": "evalueringen er forsinket (til rektor)",
}

_WARNING_LABELS = {
    "no_nearest_leader": "fant ingen nærmeste leder",
    "no_rektor": "fant ingen rektor",
}

# --- text the core fonts can show ---------------------------------------------------------------

_REPLACEMENTS = {
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "–",
    "\u2015": "—",
    "\u2212": "-",
    "\u2043": "-",
    "\u2032": "'",
    "\u2033": '"',
    "\u2192": "->",
    "\u2190": "<-",
    "\u21d2": "=>",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u2248": "~",
    "\u2713": "v",
    "\u2714": "v",
    "\u2715": "x",
    "\u2717": "x",
    "\u2718": "x",
    "\u25cf": "•",
    "\u25aa": "•",
    "\u25a0": "•",
    "\u25e6": "•",
    "\u2023": "•",
    "\u2219": "•",
    "\u2116": "nr.",
    "\u0142": "l",
    "\u0141": "L",
    "\u0111": "d",
    "\u0110": "D",
    "\u0127": "h",
    "\u0131": "i",
    "\u0259": "e",
    "\u018f": "E",
    "\u2028": "\n",
    "\u2029": "\n",
    "\t": " ",
}

# Invisible characters that carry nothing on paper: joiners, direction marks, emoji variation
# selectors and skin tones, tag characters, the soft hyphen.
_INVISIBLE_RANGES = (
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2069),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0x1F3FB, 0x1F3FF),
    (0xE0000, 0xE007F),
    (0x00AD, 0x00AD),
)

UNKNOWN = "?"


def _encodable(char: str) -> bool:
    try:
        char.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _invisible(char: str) -> bool:
    point = ord(char)
    return any(low <= point <= high for low, high in _INVISIBLE_RANGES) or (
        unicodedata.category(char) in {"Mn", "Me", "Cf"}
    )


def _substitute(char: str) -> str | None:
    """What to print for one character; None when nothing printable comes close."""
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    category = unicodedata.category(char)
    if category == "Cc":
        return "\n" if char == "\n" else ""
    if _invisible(char):
        return ""
    if _encodable(char):
        return char
    if category == "Zs":
        return " "
    # Letters with marks the fonts lack (ş, ő, ć) and compatibility forms (ﬁ, Ａ, ①).
    decomposed = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    )
    if decomposed and all(_encodable(c) for c in decomposed):
        return decomposed
    return None


def printable(text: str) -> tuple[str, bool]:
    """`text` as the core fonts can show it, and whether something had to be replaced.

    A run of characters that cannot be shown (a word in Arabic script, an emoji) becomes one
    «?» rather than a row of them.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    out: list[str] = []
    lost = False
    in_unknown = False
    for char in text:
        substitute = _substitute(char)
        if substitute is None:
            lost = True
            if not in_unknown:
                out.append(UNKNOWN)
            in_unknown = True
        elif substitute:
            out.append(substitute)
            in_unknown = False
    return "".join(out), lost


# --- layout -------------------------------------------------------------------------------------

FONT = "Helvetica"
BODY = 9.5
SMALL = 8.5
LINE = 4.8
TABLE_LINE = 4.2
LABEL_WIDTH = 58.0
MARGIN = 20.0
HEADINGS = FontFace(emphasis="BOLD", fill_color=(232, 232, 232))


class _Document(FPDF):
    def __init__(self, footer: tuple[str, str, str]) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = ENCODING
        self._footer_lines = footer
        self.set_margins(MARGIN, 18, MARGIN)
        self.set_auto_page_break(auto=True, margin=22)

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


class _Writer:
    """Draws the parts of the document; every string passes through `printable` here."""

    def __init__(
        self,
        pdf: _Document,
        *,
        zone: ZoneInfo,
        name_of: Callable[[str], str],
        free: Callable[[str], str],
    ) -> None:
        self.pdf = pdf
        self.zone = zone
        self._name_of = name_of
        self._free = free
        self.lost = False

    # text

    def safe(self, text: str) -> str:
        shown, lost = printable(text)
        self.lost = self.lost or lost
        return shown

    def free(self, text: str) -> str:
        """Free text as staff wrote it, with other pupils' names left out in the redacted copy."""
        return self._free(text.strip()) if text.strip() else ""

    def name(self, person_id: str | None) -> str:
        return self._name_of(person_id) if person_id else SYSTEM

    def when(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%d.%m.%Y kl. %H:%M")

    @staticmethod
    def day(value: date) -> str:
        return value.strftime("%d.%m.%Y")

    # blocks

    def title(self, text: str, subtitle: str | None) -> None:
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
        pdf = self.pdf
        if pdf.will_page_break(30):
            pdf.add_page()
        pdf.ln(4)
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(0, 7, self.safe(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(120)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(2.5)

    def subheading(self, text: str) -> None:
        pdf = self.pdf
        if pdf.will_page_break(22):
            pdf.add_page()
        pdf.ln(1.5)
        pdf.set_font(FONT, "B", 11)
        pdf.multi_cell(0, 6, self.safe(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(0.5)

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
        pdf.set_font(FONT, "B", BODY)
        pdf.multi_cell(0, LINE, self.safe(label), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if body:
            pdf.set_font(FONT, "", BODY)
            pdf.multi_cell(0, LINE, body, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            self._empty(EMPTY)
        pdf.ln(1.5)

    def note(self, text: str) -> None:
        self._empty(self.safe(text))
        self.pdf.ln(1)

    def _empty(self, shown: str) -> None:
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


# --- the document ------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "Ja" if value else "Nei"


def _involved(case: Case, events: Iterable[CaseEvent]) -> set[str]:
    """Everyone on the staff side of the case: their names stay in the redacted copy."""
    ids = {case.reporter_id, *case.members}
    ids.update(r.person_id for r in case.recipients)
    ids.update(i for i in (case.assignee_id, case.owner_notified_by) if i)
    if case.investigation is not None:
        ids.add(case.investigation.updated_by)
    for plan in case.plans:
        ids.add(plan.created_by)
        ids.update(plan.responsible_ids)
    ids.update(e.by for e in case.evaluations)
    for event in events:
        if event.actor_id:
            ids.add(event.actor_id)
    return ids


def _free_texts(case: Case) -> list[str]:
    report = case.report
    texts = [report.description, report.place, report.intervention]
    if case.investigation is not None:
        texts += [s.note for s in case.investigation.steps]
        texts += [case.investigation.findings, case.investigation.best_interest]
    for plan in case.plans:
        texts += [plan.problem, plan.pupil_view, plan.parents_view, plan.not_followed]
        texts += [m.description for m in plan.measures] + [m.when for m in plan.measures]
    texts += [e.note for e in case.evaluations]
    return texts


def _redactor(
    case: Case, events: Sequence[CaseEvent], name_of: Callable[[str], str]
) -> Callable[[str], str]:
    keep = [case.report.pupil_name] + [name_of(i) for i in sorted(_involved(case, events))]
    known: set[str] = set()
    for text in _free_texts(case):
        known |= likely_names(text, keep=keep)
    frozen = frozenset(known)
    return lambda text: redact(text, keep=keep, known=frozen)


def case_pdf(
    case: Case,
    *,
    events: Sequence[CaseEvent],
    name_of: Callable[[str], str],
    school_name: str,
    plan_name: str,
    generated_at: datetime,
    generated_by: str,
    redacted: bool,
    zone: ZoneInfo,
) -> bytes:
    """The case as an aktivitetsplan, ready to archive in Vigilo/Websak.

    `name_of` turns a staff id into a display name; `generated_by` is the display name of the
    person exporting. With `redacted`, names of other pupils in free text are replaced with
    «[navn]» for an access request; the pupil's own name and the staff of the case stay.
    """
    free: Callable[[str], str] = (
        _redactor(case, events, name_of) if redacted else (lambda text: text)
    )
    reference = f"Sak {case.reference}" + (" – sladdet utgave" if redacted else "")
    generated = (
        f"Generert {generated_at.astimezone(zone).strftime('%d.%m.%Y kl. %H:%M')} av {generated_by}"
    )
    footer = (printable(SECRECY)[0], printable(generated)[0], printable(reference)[0])
    pdf = _Document(footer)
    pdf.set_title(f"Aktivitetsplan – sak {case.reference}")
    pdf.set_subject(SECRECY)
    pdf.set_author(printable(school_name)[0])
    pdf.set_creator("Trygg skole")
    pdf.set_lang("nb-NO")
    pdf.set_creation_date(generated_at)
    pdf.add_page()
    writer = _Writer(pdf, zone=zone, name_of=name_of, free=free)

    writer.title(f"Aktivitetsplan – sak {case.reference}", REDACTED_MARK if redacted else None)
    _front(writer, case, school_name, plan_name, redacted)
    _report(writer, case)
    _investigation(writer, case)
    _plans(writer, case)
    _evaluations(writer, case)
    _log(writer, events)
    if writer.lost:
        writer.note(
            "Merk: Noen tegn (for eksempel emoji eller annen skrift enn latinsk) kan ikke vises "
            "i denne PDF-en og er erstattet med «?». Se saken i Trygg skole for originalteksten."
        )
    return bytes(pdf.output())


def _front(writer: _Writer, case: Case, school_name: str, plan_name: str, redacted: bool) -> None:
    report = case.report
    writer.pair("Skole", school_name)
    writer.pair("Etter", f"{plan_name} og opplæringslova kapittel 12")
    writer.pair("Elev", report.pupil_name)
    writer.pair("Klasse", report.pupil_class)
    status = STATE_LABELS.get(case.state, case.state.value)
    if case.urgent:
        status += " – hastesak (§ 12-5)"
    writer.pair("Status", status)
    writer.pair("Meldt", f"{writer.when(case.created_at)} av {writer.name(case.reporter_id)}")
    if case.assignee_id and case.taken_at:
        writer.pair(
            "Ansvarlig leder",
            f"{writer.name(case.assignee_id)} (tok saken {writer.when(case.taken_at)})",
        )
    if case.investigation_started_at:
        writer.pair("Undersøkelse startet", writer.when(case.investigation_started_at))
    plan = case.current_plan
    if plan is not None:
        writer.pair("Gjeldende plan", f"Versjon {plan.version}")
    next_on = case.next_evaluation_on
    if next_on is not None:
        writer.pair("Neste evaluering", writer.day(next_on))
    if case.closed_at:
        writer.pair("Avsluttet", writer.when(case.closed_at))
    if redacted:
        writer.note("Navn på andre elever er erstattet med «[navn]».")


def _report(writer: _Writer, case: Case) -> None:
    report = case.report
    writer.heading("1 Melding (delplikt 3 – melde fra)")
    writer.pair("Meldt av", f"{writer.name(case.reporter_id)}, {writer.when(case.created_at)}")
    writer.pair("Gjelder", report.category_label)
    signs = [SIGNS.get(s, s) for s in report.signs]
    writer.block("Kjennetegn", "\n".join(f"• {s}" for s in signs) or "Ingen valgt.", free=False)
    writer.block("Hva som er sett eller hørt", report.description)
    writer.pair("Sted og tidspunkt", writer.free(report.place) or "Ikke oppgitt")
    writer.pair("Dato", writer.day(report.occurred_on) if report.occurred_on else "Ikke oppgitt")
    writer.pair("Kilde", SOURCES.get(report.source, report.source.value))
    writer.pair("Grep inn", _yes_no(report.intervened))
    if report.intervened:
        writer.block("Hvordan det ble grepet inn", report.intervention)
    writer.pair(
        "Eleven informert", PUPIL_INFORMED.get(report.pupil_informed, report.pupil_informed.value)
    )
    writer.pair("Ansatt mistenkt (§ 12-5)", _yes_no(report.staff_suspected))
    writer.pair("Ledelsen mistenkt", _yes_no(report.leadership_suspected))
    writer.pair("Alvorlig tilfelle", _yes_no(report.serious))

    writer.subheading("Hvem fikk beskjed")
    if case.forwarded_to_owner:
        writer.note(
            "Meldingen gjelder skolens ledelse. Ingen på skolen fikk den; melderen "
            "kontakter skoleeier direkte (plan 8.3)."
        )
    elif case.recipients:
        writer.table(
            (40, 25, 35),
            ("Navn", "Rolle", "Bekreftet mottatt"),
            [
                (
                    writer.name(r.person_id),
                    REASON_LABELS.get(r.reason, r.reason.value),
                    writer.when(r.acknowledged_at) if r.acknowledged_at else "Ikke bekreftet",
                )
                for r in case.recipients
            ],
        )
    else:
        writer.note("Ingen mottakere er registrert.")
    if case.assignee_id and case.taken_at:
        writer.pair("Tatt av", f"{writer.name(case.assignee_id)}, {writer.when(case.taken_at)}")
    if case.members:
        writer.pair("Lagt til i saken", ", ".join(writer.name(m) for m in case.members))

    writer.subheading("Skoleeier")
    if case.forwarded_to_owner:
        writer.pair("Skoleeier", "Saken er sendt direkte til skoleeier.")
    elif case.owner_must_be_notified:
        writer.pair("Skal varsles", "Ja (alvorlig tilfelle eller § 12-5, plan 8.3)")
        if case.owner_notified_at:
            writer.pair(
                "Skoleeier varslet",
                f"{writer.when(case.owner_notified_at)}, registrert av "
                f"{writer.name(case.owner_notified_by)}",
            )
        else:
            writer.pair("Skoleeier varslet", "Ikke registrert")
    else:
        writer.pair("Skal varsles", "Nei")


def _investigation(writer: _Writer, case: Case) -> None:
    writer.heading("2 Undersøkelse (delplikt 4)")
    if case.investigation_started_at:
        writer.pair("Startet", writer.when(case.investigation_started_at))
    investigation: Investigation | None = case.investigation
    if investigation is None:
        writer.note("Ingen undersøkelse er dokumentert ennå.")
        return
    writer.pair("Status", "Avsluttet" if investigation.completed else "Pågår")
    writer.pair(
        "Sist oppdatert",
        f"{writer.when(investigation.updated_at)} av {writer.name(investigation.updated_by)}",
    )
    writer.subheading("Hvordan saken er undersøkt")
    steps = sorted(investigation.steps, key=lambda s: s.done_on)
    if steps:
        writer.table(
            (34, 14, 52),
            ("Metode", "Dato", "Notat"),
            [
                (
                    METHODS.get(s.method, str(s.method)),
                    writer.day(s.done_on),
                    writer.free(s.note) or "–",
                )
                for s in steps
            ],
        )
    else:
        writer.note("Ingen metoder er registrert.")
    writer.block("Funn (oppsummering og analyse)", investigation.findings)
    writer.block(
        "Barnets beste-vurdering (FNs barnekonvensjon art. 3)", investigation.best_interest
    )


def _plans(writer: _Writer, case: Case) -> None:
    writer.heading("3 Aktivitetsplan (delplikt 5)")
    if not case.plans:
        writer.note("Ingen aktivitetsplan er laget ennå.")
        return
    writer.note(
        "Opplæringslova § 12-4 krever at planen viser problemet, tiltakene, når de "
        "gjennomføres, hvem som er ansvarlig og når de evalueres. Nyeste versjon først."
    )
    newest = case.plans[-1].version
    for plan in reversed(case.plans):
        _plan(
            writer, plan, current=plan.version == newest, closed=case.state is CaseState.AVSLUTTET
        )


def _plan(writer: _Writer, plan: ActivityPlan, *, current: bool, closed: bool) -> None:
    if current:
        mark = " (siste versjon)" if closed else " (gjeldende)"
    else:
        mark = f" (erstattet av versjon {plan.version + 1})"
    writer.subheading(
        f"Versjon {plan.version}, laget {writer.day(plan.created_at.astimezone(writer.zone))} "
        f"av {writer.name(plan.created_by)}{mark}"
    )
    writer.block("Problemet tiltakene skal løse", plan.problem)
    writer.pdf.set_font(FONT, "B", BODY)
    writer.pdf.multi_cell(
        0,
        LINE,
        writer.safe("Tiltakene, når de gjennomføres og hvem som er ansvarlig"),
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    if plan.measures:
        writer.table(
            (16, 44, 20, 20),
            ("Nivå", "Tiltak", "Når", "Ansvarlig"),
            [
                (
                    LEVELS.get(m.level, str(m.level)),
                    writer.free(m.description) or "–",
                    writer.free(m.when) or "–",
                    writer.name(m.responsible_id),
                )
                for m in plan.measures
            ],
        )
    else:
        writer.note("Ingen tiltak er registrert.")
    writer.pair("Evalueres", writer.day(plan.evaluate_on))
    writer.block("Elevens syn", plan.pupil_view)
    writer.block("Foresattes syn", plan.parents_view)
    writer.block("Forslag som ikke er fulgt, og hvorfor", plan.not_followed)


def _evaluations(writer: _Writer, case: Case) -> None:
    writer.heading("4 Evalueringer")
    if not case.evaluations:
        writer.note("Ingen evalueringer er gjort ennå.")
        return
    for evaluation in case.evaluations:
        _evaluation(writer, evaluation)


def _evaluation(writer: _Writer, evaluation: Evaluation) -> None:
    writer.subheading(
        f"Evaluering av versjon {evaluation.plan_version}, {writer.when(evaluation.at)}"
    )
    writer.pair("Evaluert av", writer.name(evaluation.by))
    writer.pair("Utfall", OUTCOMES.get(evaluation.outcome, str(evaluation.outcome)))
    writer.block("Hva evalueringen viste", evaluation.note)
    if evaluation.next_evaluation_on is not None:
        writer.pair("Neste evaluering", writer.day(evaluation.next_evaluation_on))


def _log(writer: _Writer, events: Sequence[CaseEvent]) -> None:
    writer.heading("5 Logg (revisjonsspor)")
    if not events:
        writer.note("Ingen hendelser er registrert.")
        return
    ordered = sorted(events, key=lambda e: e.at)
    writer.table(
        (22, 30, 22, 34),
        ("Tid", "Hendelse", "Av", "Detaljer"),
        [
            (
                writer.when(e.at),
                EVENT_LABELS.get(e.kind, str(e.kind)),
                writer.name(e.actor_id),
                _details(writer, e),
            )
            for e in ordered
        ],
    )


def _details(writer: _Writer, event: CaseEvent) -> str:
    """The event's codes in words. Details never hold free text, only ids and codes."""
    detail = event.detail
    if event.kind is EventKind.STATE_CHANGED and {"from", "to"} <= detail.keys():
        return f"Fra «{_state(detail['from'])}» til «{_state(detail['to'])}»"
    parts = [_detail(writer, key, value) for key, value in detail.items() if value]
    return "; ".join(p for p in parts if p)


def _state(code: str) -> str:
    try:
        return STATE_LABELS[CaseState(code)]
    except ValueError:
        return code


def _names(writer: _Writer, ids: str) -> str:
    return ", ".join(writer.name(i) for i in ids.split(",") if i)


def _detail(writer: _Writer, key: str, value: str) -> str:
    match key:
        case "category":
            return f"kategori: {CATEGORIES.get(value, value)}"
        case "source":
            return f"kilde: {SOURCES.get(value, value)}"
        case "urgent":
            return "hastesak (§ 12-5)" if value == "true" else ""
        case "serious":
            return "alvorlig tilfelle" if value == "true" else ""
        case "recipients" | "recipient":
            return f"til: {_names(writer, value)}"
        case "member":
            return f"person: {_names(writer, value)}"
        case "warnings":
            return ", ".join(_WARNING_LABELS.get(w, w) for w in value.split(",") if w)
        case "methods":
            return "metoder: " + ", ".join(_method(m) for m in value.split(",") if m)
        case "completed":
            return "undersøkelsen avsluttet" if value == "true" else "undersøkelsen pågår"
        case "version":
            return f"versjon {value}"
        case "evaluate_on":
            return f"evalueres {_iso_day(value)}"
        case "outcome":
            return _outcome(value)
        case "redacted":
            return "sladdet utgave" if value == "true" else "full utgave"
        case "kind":
            return _REMINDER_LABELS.get(value, value)
        case "status":
            return f"feilkode {value}"
        case "key":
            return ""  # an internal delivery key
        case _:
            return f"{key}: {value}"


def _method(code: str) -> str:
    try:
        return METHODS[Method(code)].split(" (")[0].lower()
    except ValueError:
        return code


def _outcome(code: str) -> str:
    try:
        return OUTCOMES[Outcome(code)].lower()
    except ValueError:
        return code


def _iso_day(value: str) -> str:
    try:
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    except ValueError:
        return value
