"""The case exported as an aktivitetsplan PDF, read back the way an archivist's tools read it."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

from pypdf import PdfReader

from bot.domain.followup import (
    ActivityPlan,
    Conclusion,
    Investigation,
    InvestigationStep,
    Level,
    Measure,
    Method,
)
from bot.domain.school import School
from bot.export.text import printable
from tests.export.cases import (
    DESCRIPTION,
    LEADER,
    T0,
    export,
    full_case,
    open_case,
    pdf_text,
    plan,
)
from tests.samples import report


def _word(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def test_the_pdf_is_laid_out_as_an_aktivitetsplan(school: School) -> None:
    case, events = full_case(school)
    data = export(school, case, events, redacted=False)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for heading in (
        "Aktivitetsplan – sak 2026-0001",
        "1 Melding (delplikt 3 – melde fra)",
        "2 Undersøkelse (delplikt 4)",
        "3 Aktivitetsplan (delplikt 5)",
        "4 Evalueringer",
        "5 Logg (revisjonsspor)",
    ):
        assert heading in text
    assert "Ellingsrud skole" in text and "Ola Nordmann" in text and "9B" in text
    assert "Meldt 26.11.2026 kl. 10:00 av Lise Dahl" in text
    assert "Ola satt" not in text and DESCRIPTION in text
    assert "Rita Haugen Rektor 26.11.2026 kl. 10:05" in text  # told, and when acknowledged


def test_the_report_investigation_and_five_elements_are_shown(school: School) -> None:
    case, events = full_case(school)
    text = pdf_text(export(school, case, events, redacted=False))
    assert "Krenkelser" not in text and "Utestenging eller utenforskap" in text
    assert "Kvier seg for å gå på skolen" in text
    assert "Samtale med eleven (dialogisk) 27.11.2026 Ola forteller" in text
    assert "Ola er mye alene i friminuttene." in text
    assert "Barnets beste-vurdering" in text and "tett oppfølging" in text
    # The law's five elements, for the current version.
    assert "Problemet tiltakene skal løse Ola er fortsatt mye alene." in text
    assert "Nivå Tiltak Når Ansvarlig" in text
    assert "Individnivå Fast lekegruppe med Ola Hver mandag kl. 08.30 Lise Dahl" in text
    assert "Klassenivå Klassemøte om inkludering Uke 49 Berit Solberg" in text
    assert "Evalueres 13.01.2027" in text
    assert "Elevens syn" in text and "Foresattes syn" in text
    assert "Forslag som ikke er fulgt" in text and "Bytte klasse" in text


def test_every_plan_version_is_kept_newest_first(school: School) -> None:
    case, events = full_case(school)
    text = pdf_text(export(school, case, events, redacted=False))
    second = text.index("Versjon 2, laget 23.12.2026 av Berit Solberg (gjeldende)")
    first = text.index("Versjon 1, laget 02.12.2026 av Berit Solberg (erstattet av versjon 2)")
    assert second < first
    assert "Voksen følger Ola i storefri" in text and "Fast lekegruppe med Ola" in text


def test_evaluations_and_the_audit_trail_are_listed(school: School) -> None:
    case, events = full_case(school)
    text = pdf_text(export(school, case, events, redacted=False))
    assert "Justere planen (ny versjon)" in text and "Tiltakene virket delvis." in text
    assert "Videreføre tiltakene" in text and "Ola sier det går bedre." in text
    assert "Neste evaluering 03.02.2027" in text
    assert "Evaluert av Lise Dahl" in text
    for line in (
        "26.11.2026 kl. 10:00 Melding sendt Lise Dahl",
        "Melding fordelt Trygg skole (automatisk) til: Rita Haugen, Berit Solberg",
        "26.11.2026 kl. 10:05 Bekreftet mottatt Rita Haugen",
        "Tok saken Berit Solberg",
        "Fra «Meldt fra» til «Undersøkes»",
        "Aktivitetsplan lagret Berit Solberg versjon 2",
        "Tiltak evaluert Lise Dahl versjon 2; videreføre tiltakene",
    ):
        assert line in text


def test_every_page_has_the_footer(school: School) -> None:
    case, events = full_case(school)
    reader = PdfReader(BytesIO(export(school, case, events, redacted=False)))
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join((page.extract_text() or "").split())
        assert f"Side {number} av {pages}" in text
        assert "Generert 25.01.2027 kl. 10:00 av Berit Solberg" in text
        assert "Taushetsbelagt – unntatt offentlighet (offl. § 13, fvl. § 13)" in text


def test_the_redacted_copy_leaves_out_other_pupils(school: School) -> None:
    case, events = full_case(school)
    full = pdf_text(export(school, case, events, redacted=False))
    assert _word("Kari", full) and _word("Bjørnar", full) and _word("Sigurd", full)

    text = pdf_text(export(school, case, events, redacted=True))
    assert "Sladdet utgave (innsyn)" in text
    assert not _word("Kari", text)
    assert not _word("Bjørnar", text)
    assert not _word("Sigurd", text)
    assert "[navn] dyttet Ola i gangen" in text
    assert "Ola Nordmann" in text and "Olas beste" in text
    assert "Berit Solberg snakket med dem" in text
    assert "Lise Dahl skilte dem og snakket med [navn]." in text
    assert "Sak 2026-0001 – sladdet utgave" in text


def test_names_from_many_languages_print_as_written(school: School) -> None:
    names = ("Łukasz Wiśniewski", "Nguyễn Thị Hằng", "Ayşe Yılmaz", "Zoë Ødegård-Ñúñez")
    for name in names:
        case, events = open_case(
            school, report(pupil_name=name, description=f"{name} ble holdt utenfor.")
        )
        text = pdf_text(export(school, case, events, redacted=False))
        assert f"Elev {name}" in text
        assert f"{name} ble holdt utenfor." in text
        assert "erstattet med «?»" not in text


def test_an_arabic_name_is_kept_and_only_what_no_font_has_becomes_a_question_mark(
    school: School,
) -> None:
    case, events = open_case(
        school,
        report(
            pupil_name="Michał Nordmann",
            description="Han skrev 👍🏽 og \U0001f468\u200d\U0001f469\u200d\U0001f467"
            " – «محمد عبد الله» 你好 — “sitat” ’ … • Şule\u200b.",
        ),
    )
    for redacted in (False, True):
        data = export(school, case, events, redacted=redacted)
        assert data.startswith(b"%PDF")
        text = pdf_text(data)
        assert "Michał Nordmann" in text
        for word in ("محمد", "عبد", "الله"):
            assert word in text  # pypdf gives the words in visual order
        assert "Han skrev ? og ? – «" in text and "» ? — “sitat” ’ … • Şule" in text
        assert "erstattet med «?»" in text


def test_printable_keeps_what_a_font_covers_and_replaces_the_rest() -> None:
    latin_1 = lambda char: ord(char) < 0x100  # noqa: E731 - a font that covers Latin-1
    assert printable("Blåbærsyltetøy – «ÆØÅ»", covered=latin_1) == ("Blåbærsyltetøy ? «ÆØÅ»", True)
    assert printable("a\u200bb\u00adc\r\nd\te\x07", covered=latin_1) == ("ab\u00adc\nd e", False)
    assert printable("e\u0301 Ａ", covered=latin_1) == ("é A", False)
    assert printable("Hei 😀😀 \U0001f44d\U0001f3fd محمد!", covered=latin_1) == ("Hei ? ? ?!", True)
    assert printable("x\u0303\u0331", covered=latin_1) == ("x", True)


def test_printable_with_the_embedded_fonts() -> None:
    names = "Łukasz Wiśniewski, Nguyễn Thị Hằng, Ayşe Yılmaz, محمد, ሰላም, தமிழ், ≤ → ✓"
    assert printable(names) == (names, False)
    assert printable("你好 🥹 ok") == ("? ? ok", True)


def test_a_fresh_case_exports_without_investigation_orplan(school: School) -> None:
    case, events = open_case(school, report())
    text = pdf_text(export(school, case, events, redacted=True))
    assert "Ingen undersøkelse er dokumentert ennå." in text
    assert "Ingen aktivitetsplan er laget ennå." in text
    assert "Ingen evalueringer er gjort ennå." in text
    assert "Ikke bekreftet" in text


def test_a_case_about_the_leadership_exports(school: School) -> None:
    case, events = open_case(school, report(leadership_suspected="true"))
    text = pdf_text(export(school, case, events, redacted=False))
    assert "Sendt til skoleeier" in text and "kontakter skoleeier direkte" in text


def test_text_too_long_for_a_table_row_still_exports(school: School) -> None:
    case, events = full_case(school)
    long_measure = Measure(Level.SCHOOL, "Langt tiltak " * 900, "Hele året", LEADER)
    template = plan(3, T0 + timedelta(days=90), "Lang plan", "kort")
    case.plans.append(
        ActivityPlan(
            3,
            template.problem,
            (long_measure,),
            template.evaluate_on,
            "",
            "",
            "",
            template.created_at,
            LEADER,
        )
    )
    text = pdf_text(export(school, case, events, redacted=False))
    assert "Langt tiltak Langt tiltak" in text and "Hele året" in text
    assert "Ikke fylt ut." in text


def test_close_without_measures_the_conclusion_and_its_reasons_are_in_the_pdf(
    school: School,
) -> None:
    case, events = open_case(school, report())
    case.start_investigation(LEADER, T0)
    investigation = Investigation(
        (InvestigationStep(Method.PUPIL_TALK, T0.date(), "Samtale"),),
        "Trives.", "Eleven har venner og trives.", True, T0, LEADER)
    case.record_investigation(investigation, LEADER, T0)
    events += case.close_without_measures(
        Conclusion("Eleven har et trygt og godt skolemiljø.", "", "for_ung", T0, LEADER),
        LEADER, T0)
    text = pdf_text(export(school, case, events, redacted=False))
    assert "Avsluttet uten tiltak" in text
    assert "Eleven har et trygt og godt skolemiljø." in text
    assert "Eleven er for ung til å uttale seg" in text
    assert "Eleven har venner og trives." in text
