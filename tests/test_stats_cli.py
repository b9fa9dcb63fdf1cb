"""`python -m bot stats` on two schools: per school and in total, exact and shared, as JSON, CSV,
a table and the yearly report's PDF, with no child's data anywhere in them."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.__main__ import main
from bot.bootstrap import build_services
from bot.config import load_deployment
from bot.services.reporting import submit_report
from storage.engine import create_engine
from storage.migrate import upgrade
from tests.conftest import T0
from tests.export.pdfa import pdfa_problems
from tests.fakes import FakeClock
from tests.keys import TEST_KEY, TEST_KEYRING
from tests.samples import report
from tests.schools import LEADER_A, TEACHER_A, TEACHER_B, two_schools

NOW = "2027-01-10T12:00+01:00"
PUPIL = "Ola Nordmann"


async def _fill(url: str, config: Path) -> None:
    """Alfa: six reports (one about violence, one about an employee); Beta: two."""
    engine = create_engine(url)
    await upgrade(engine)
    deployment = load_deployment(config)
    try:
        for school in deployment.schools:
            svc = build_services(engine, TEST_KEYRING, school, FakeClock(T0))
            teacher_id = TEACHER_A if school.id == "alfa" else TEACHER_B
            teacher = svc.directory.person(teacher_id)
            assert teacher is not None
            reports = (
                [report(), report(), report(), report(category="vold"),
                 report(staff_suspected="true"), report()]
                if school.id == "alfa" else [report(), report()]
            )
            for r in reports:
                case = (await submit_report(svc, teacher, uuid.uuid4().hex, r)).case
                if school.id == "alfa":
                    async with svc.uow() as uow:
                        live = await uow.cases.get_for_update(case.id)
                        assert live is not None
                        events = live.take(LEADER_A, T0 + timedelta(minutes=30))
                        await uow.cases.save(live)
                        await uow.events.append(events)
                        await uow.commit()
    finally:
        await engine.dispose()


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def stats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> Run:
    config = two_schools(tmp_path / "skoler")
    url = f"sqlite+aiosqlite:///{tmp_path / 'stats.db'}"
    asyncio.run(_fill(url, config))
    monkeypatch.setenv("SCHOOL_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", TEST_KEY)
    for name in ("MicrosoftAppId", "MicrosoftAppPassword", "DATA_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["stats", "--now", NOW, *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_json_counts_per_school_and_in_total(stats: Run) -> None:
    code, out, err = stats("--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["period"] == {"from": "2026-08-01", "to": "2027-07-31"}  # the school year
    alfa, beta = result["schools"]
    assert (alfa["school"], alfa["name"], beta["school"], beta["name"]) == (
        "alfa", "Alfa skole", "beta", "Beta skole")
    assert alfa["reports"]["total"] == 6 and beta["reports"]["total"] == 2
    assert alfa["reports"]["by_category"]["vold"] == 1
    assert alfa["reports"]["by_category"]["utenforskap"] == 5
    assert alfa["reports"]["by_month"]["2026-11"] == 6
    assert alfa["section_12_5"] == {"total": 1, "to_rektor": 0, "median_hours_to_rektor": None}
    assert alfa["leadership"] == {"total": 0} and alfa["serious"] == {"total": 0}
    assert alfa["acknowledgement"]["within_escalation"] == 6
    assert beta["acknowledgement"]["within_escalation"] == 0
    total = result["total"]
    assert total["reports"]["total"] == 8
    assert total["reports"]["by_category"]["utenforskap"] == 7
    assert total["acknowledgement"]["within_escalation_share"] == 0.75
    assert total["open"] == {"total": 8, "by_state": {"melde_fra": 8, "undersoke": 0,
                                                      "tiltak": 0}}
    assert PUPIL not in out and "9B" not in out


def test_shared_counts_under_five_are_suppressed(stats: Run) -> None:
    code, out, _ = stats("--json", "--shared")
    assert code == 0
    result = json.loads(out)
    alfa, beta = result["schools"]
    assert alfa["reports"]["total"] == 6
    assert alfa["reports"]["by_category"]["vold"] == "<5"
    assert alfa["section_12_5"] == {"total": "<5", "to_rektor": "<5"}
    assert beta["reports"]["total"] == "<5"
    assert beta["reports"]["by_month"]["2026-11"] == "<5"
    # Beta's shares rest on two cases: left out, not shown as a number.
    assert "within_escalation_share" not in beta["acknowledgement"]
    assert result["total"]["reports"]["total"] == 8
    assert result["total"]["acknowledgement"]["within_escalation_share"] == 0.75
    assert result["total"]["leadership"] == {"total": "<5"}


def test_one_school_and_a_chosen_period(stats: Run) -> None:
    code, out, _ = stats("--json", "--school", "beta")
    result = json.loads(out)
    assert [s["school"] for s in result["schools"]] == ["beta"]
    assert result["total"]["reports"]["total"] == 2
    code, out, _ = stats("--json", "--from", "2026-12-01", "--to", "2026-12-31")
    assert code == 0
    result = json.loads(out)
    assert result["period"] == {"from": "2026-12-01", "to": "2026-12-31"}
    assert result["total"]["reports"] == {"total": 0, "by_category": {
        "krenkelser": 0, "utenforskap": 0, "vold": 0, "digitalt": 0, "utrygghet": 0,
        "annet": 0}, "by_month": {"2026-12": 0}}


def test_csv_has_a_row_per_school_and_the_total(stats: Run) -> None:
    code, out, _ = stats("--csv", "--shared")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["school"] for r in rows] == ["alfa", "beta", "total"]
    assert [r["reports.total"] for r in rows] == ["6", "<5", "8"]
    assert rows[0]["reports.by_category.vold"] == "<5"
    assert rows[2]["period.from"] == "2026-08-01"
    assert rows[1]["acknowledgement.within_escalation_share"] == ""


def test_the_table_is_norwegian(stats: Run) -> None:
    code, out, _ = stats()
    assert code == 0
    assert out.startswith("Statistikk for 01.08.2026–31.07.2027")
    header = out.splitlines()[2]
    assert "Alfa skole" in header and "Beta skole" in header and "Totalt" in header
    meldinger = next(line for line in out.splitlines() if line.startswith("Meldinger "))
    assert meldinger.split()[-3:] == ["6", "2", "8"]
    assert "Andel bekreftet innen fristen" in out and "100 %" in out


def _pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_yearly_report_shows_the_figures(stats: Run, tmp_path: Path) -> None:
    every = tmp_path / "alle.pdf"
    code, out, err = stats("--pdf", str(every))
    assert code == 0, err
    assert out == "" and "Årsrapporten er skrevet" in err
    text = _pdf_text(every)
    assert "Årsrapport" in text and "01.08.2026–31.07.2027" in text
    assert "Alfa skole" in text and "Beta skole" in text and "Alle skolene samlet" in text
    assert "Meldinger per måned" in text and "nov 2026" in text
    assert "Tall under 5 vises som «<5»" in text  # several schools: always suppressed
    assert "<5" in text and PUPIL not in text
    assert pdfa_problems(every.read_bytes()) == []  # archived with the plan's evaluation

    own = tmp_path / "alfa.pdf"
    assert stats("--pdf", str(own), "--school", "alfa")[0] == 0
    text = _pdf_text(own)
    assert "Alfa skole" in text and "Beta skole" not in text
    assert "<5" not in text  # rektor's own school: exact
    assert "Vold, trusler eller slåsskamp 1" in text
    assert "Meldinger 6" in text


def test_bad_options_get_a_norwegian_answer(stats: Run) -> None:
    code, _, err = stats("--from", "15.08.2026")
    assert code == 2 and "Datoen må skrives som 2026-08-15" in err
    code, _, err = stats("--from", "2027-01-01", "--to", "2026-12-01")
    assert code == 2 and "--to kan ikke være før --from" in err
    code, _, err = stats("--school", "gamma")
    assert code == 2 and "Ukjent skole «gamma»" in err


def test_help_says_the_default_period(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["stats", "--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    assert "skoleåret 1. august–31. juli" in shown
    assert "--from DATE" in shown and "--pdf FILE" in shown
