"""How the figures (bot.services.stats) read in Norwegian: one set of labels for the card, the
terminal and the yearly report, so a figure is called the same wherever rektor meets it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.domain.case import CaseState
from bot.domain.report import CATEGORIES

SMALL = 5
"""Counts below this are suppressed in anything shared beyond rektor."""
SUPPRESSED = "<5"
SUPPRESSION_NOTE = "Tall under 5 vises som «<5», og andeler og medianer av dem er utelatt."

ROWS: tuple[tuple[str, str], ...] = (
    ("Meldinger", "reports.total"),
    ("Bekreftet mottatt", "acknowledgement.acknowledged"),
    ("Median timer til bekreftet mottatt", "acknowledgement.median_hours"),
    ("Andel bekreftet innen fristen", "acknowledgement.within_escalation_share"),
    ("Undersøkelser som skulle vært startet", "investigation.total"),
    ("Andel startet innen fristen", "investigation.within_share"),
    ("Saker med aktivitetsplan", "plans.total"),
    ("Median skoledager fra melding til plan", "plans.median_school_days"),
    ("Andel med plan innen 5 skoledager", "plans.within_5_share"),
    ("Andel med plan innen 10 skoledager", "plans.within_10_share"),
    ("Planer som skulle vært evaluert", "evaluations.total"),
    ("Evaluert innen datoen", "evaluations.on_time"),
    ("Andel evaluert innen datoen", "evaluations.on_time_share"),
    ("Median skoledager over fristen", "evaluations.median_days_overdue"),
    ("§ 12-5-saker (ansatt mistenkt)", "section_12_5.total"),
    ("Median timer til rektor (§ 12-5)", "section_12_5.median_hours_to_rektor"),
    ("Saker om skolens ledelse", "leadership.total"),
    ("Alvorlige saker", "serious.total"),
    ("Avsluttet etter evaluering", "closed.total"),
    ("Åpne saker", "open.total"),
)
STATE_NAMES = {
    CaseState.MELDE_FRA.value: "Meldt fra (venter på undersøkelse)",
    CaseState.UNDERSOKE.value: "Undersøkes",
    CaseState.TILTAK.value: "Tiltak (aktivitetsplan)",
}
MONTHS = ("jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des")
NOT_SHOWN = "–"
TOTAL = "Totalt"


def value_at(figures: Mapping[str, Any], path: str) -> Any:
    group, _, key = path.partition(".")
    return figures.get(group, {}).get(key)


def display(path: str, value: Any) -> str:
    """A figure as Norwegian text: «83 %», «2,5», «<5», «–» for none (or left out)."""
    if value is None:
        return NOT_SHOWN
    if isinstance(value, str):
        return value
    if path.endswith("_share"):
        return f"{round(value * 100)} %"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def category_label(key: str) -> str:
    return CATEGORIES.get(key, key)


def period_text(period: Mapping[str, str]) -> str:
    start, end = (date.fromisoformat(period[k]) for k in ("from", "to"))
    return f"{start:%d.%m.%Y}–{end:%d.%m.%Y}"


def columns(result: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(name, figures) for each school, and the total when there is more than one."""
    found = [(str(s["name"]), s) for s in result["schools"]]
    if len(found) != 1:
        found.append((TOTAL, result["total"]))
    return found


def breakdowns(figures: Mapping[str, Any]) -> list[tuple[str, list[tuple[str, Any]]]]:
    """The figures that are counts of parts: by month, by category, open cases by sub-duty."""
    reports = figures["reports"]
    return [
        ("Meldinger per måned", [(month_label(k), v) for k, v in reports["by_month"].items()]),
        (
            "Meldinger per kategori",
            [(category_label(k), v) for k, v in reports["by_category"].items()],
        ),
        (
            "Åpne saker per delplikt",
            [(STATE_NAMES.get(k, k), v) for k, v in figures["open"]["by_state"].items()],
        ),
    ]
