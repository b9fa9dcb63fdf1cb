"""The school's figures: how fast reports are acknowledged, investigated and followed up.

Totals only, never a name or a free text: rektor sees the own school's exact counts; anything
shared beyond rektor (the owner's cross-school figures, the yearly report) shows a count under 5
as «<5» and leaves out what was derived from one, so a small school's single case cannot be
recognised. The figures are computed from `CaseFacts`, which the purge leaves in place, so a
school year can be evaluated after its cases were emptied. What each figure means:
docs/statistikk.md.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.case import CaseState
from bot.domain.figures import (
    ROWS,
    SMALL,
    SUPPRESSED,
    breakdowns,
    columns,
    display,
    period_text,
    value_at,
)
from bot.domain.followup import Outcome
from bot.domain.reminders import school_days_between
from bot.domain.report import CATEGORIES
from bot.domain.school import School
from bot.services.context import Services
from bot.services.ports import CaseFacts

PLAN_DAYS = (5, 10)
"""The plan's figures: the share of cases with a plan within 5 and within 10 school days."""
OPEN_STATES = (CaseState.MELDE_FRA, CaseState.UNDERSOKE, CaseState.TILTAK)
"""The sub-duties an open case can be in after a report (a case sent to the owner has left
the school, and is counted under `leadership`)."""

DERIVED: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "acknowledgement": {
        "median_hours": ("acknowledged",),
        "within_escalation_share": ("total", "within_escalation"),
    },
    "investigation": {"within_share": ("total", "within")},
    "plans": {
        "median_school_days": ("total",),
        "within_5_share": ("total", "within_5"),
        "within_10_share": ("total", "within_10"),
    },
    "evaluations": {
        "on_time_share": ("total", "on_time"),
        "median_days_overdue": ("late",),
    },
    "section_12_5": {"median_hours_to_rektor": ("to_rektor",)},
}
"""Each share and median, and the counts it is drawn from: shared, it is left out when any of
them is under 5 (a share of 6 cases with one late names that one as surely as «1» would)."""

Figures = dict[str, Any]


@dataclass(frozen=True)
class Period:
    """Report dates from `start` to `end`, both included, in the school's time zone."""

    start: date
    end: date

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time(0, 0), zone),
            datetime.combine(self.end + timedelta(days=1), time(0, 0), zone),
        )

    def months(self) -> list[str]:
        found, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            found.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def as_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def school_year(today: date) -> Period:
    """1 August to 31 July: the school year `today` falls in."""
    first = today.year if today.month >= 8 else today.year - 1
    return Period(date(first, 8, 1), date(first + 1, 7, 31))


@dataclass(frozen=True)
class Measure:
    """One case measured against its own school's routines (schools may set other hours)."""

    month: str
    category: str
    state: str
    section_12_5: bool
    leadership: bool
    serious: bool
    closed: bool
    ack_due: bool
    """Acknowledged, or its escalation time has passed: it counts in the share."""
    ack_within: bool
    ack_hours: float | None
    rektor_hours: float | None
    investigation_due: bool
    investigation_within: bool
    plan_school_days: int | None
    evaluations: tuple[tuple[bool, int], ...]
    """(on or before its date, school days late) for each plan version due for evaluation."""


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def measure(facts: CaseFacts, school: School, now: datetime) -> Measure:
    calendar = school.calendar
    zone = calendar.zone
    reported = facts.reported_at.astimezone(zone)
    today = now.astimezone(zone).date()

    ack_due = ack_within = False
    ack_hours = None
    if facts.routed:
        deadline = calendar.add_school_hours(facts.reported_at, school.escalation_hours)
        if facts.acknowledged_at is not None:
            ack_due, ack_within = True, facts.acknowledged_at <= deadline
            ack_hours = _hours(facts.reported_at, facts.acknowledged_at)
        else:
            ack_due = now >= deadline

    started_by = calendar.add_school_days(reported, school.investigation_start_school_days)
    started = facts.investigation_started_at
    investigation_due = facts.routed and (started is not None or now >= started_by)
    investigation_within = started is not None and started <= started_by

    plans = sorted(facts.plans, key=lambda p: p.version)
    plan_days = (
        school_days_between(
            calendar, reported.date(), min(p.saved_at for p in plans).astimezone(zone).date()
        )
        if plans
        else None
    )
    evaluations: list[tuple[bool, int]] = []
    for index, plan in enumerate(plans):
        first = min((e.at for e in facts.evaluations if e.version == plan.version), default=None)
        if first is not None:
            done = first.astimezone(zone).date()
            evaluations.append(
                (done <= plan.evaluate_on, school_days_between(calendar, plan.evaluate_on, done))
            )
        elif index == len(plans) - 1 and facts.closed_at is None and today > plan.evaluate_on:
            # Still waiting for its evaluation after the date (a replaced version does not).
            evaluations.append((False, school_days_between(calendar, plan.evaluate_on, today)))

    rektor_at = facts.rektor_acknowledged_at
    return Measure(
        month=f"{reported.year:04d}-{reported.month:02d}",
        category=facts.category,
        state=facts.state,
        section_12_5=facts.section_12_5,
        leadership=facts.leadership,
        serious=facts.serious,
        closed=facts.closed_at is not None
        and any(e.outcome == Outcome.CLOSE.value for e in facts.evaluations),
        ack_due=ack_due,
        ack_within=ack_within,
        ack_hours=ack_hours,
        rektor_hours=_hours(facts.reported_at, rektor_at) if rektor_at else None,
        investigation_due=investigation_due,
        investigation_within=investigation_within,
        plan_school_days=plan_days,
        evaluations=tuple(evaluations),
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _median(values: Sequence[float]) -> float | None:
    return round(float(statistics.median(values)), 1) if values else None


def figures(measures: Sequence[Measure], period: Period) -> Figures:
    """The exact figures of some cases: one school's, or every school's for the total."""
    by_category = dict.fromkeys(CATEGORIES, 0)
    by_month = dict.fromkeys(period.months(), 0)
    for m in measures:
        by_category[m.category] = by_category.get(m.category, 0) + 1
        by_month[m.month] = by_month.get(m.month, 0) + 1

    ack = [m for m in measures if m.ack_due]
    ack_hours = [m.ack_hours for m in measures if m.ack_hours is not None]
    ack_within = sum(m.ack_within for m in ack)
    started = [m for m in measures if m.investigation_due]
    started_within = sum(m.investigation_within for m in started)
    plan_days = [m.plan_school_days for m in measures if m.plan_school_days is not None]
    within = {n: sum(d <= n for d in plan_days) for n in PLAN_DAYS}
    due = [e for m in measures for e in m.evaluations]
    on_time = sum(ok for ok, _ in due)
    late = [days for ok, days in due if not ok]
    section = [m for m in measures if m.section_12_5]
    to_rektor = [m.rektor_hours for m in section if m.rektor_hours is not None]
    still_open = [m for m in measures if m.state in {s.value for s in OPEN_STATES}]
    return {
        "reports": {"total": len(measures), "by_category": by_category, "by_month": by_month},
        "acknowledgement": {
            "total": len(ack),
            "acknowledged": len(ack_hours),
            "median_hours": _median(ack_hours),
            "within_escalation": ack_within,
            "within_escalation_share": _share(ack_within, len(ack)),
        },
        "investigation": {
            "total": len(started),
            "within": started_within,
            "within_share": _share(started_within, len(started)),
        },
        "plans": {
            "total": len(plan_days),
            "median_school_days": _median(plan_days),
            **{f"within_{n}": within[n] for n in PLAN_DAYS},
            **{f"within_{n}_share": _share(within[n], len(plan_days)) for n in PLAN_DAYS},
        },
        "evaluations": {
            "total": len(due),
            "on_time": on_time,
            "on_time_share": _share(on_time, len(due)),
            "late": len(late),
            "median_days_overdue": _median(late),
        },
        "section_12_5": {
            "total": len(section),
            "to_rektor": len(to_rektor),
            "median_hours_to_rektor": _median(to_rektor),
        },
        "leadership": {"total": sum(m.leadership for m in measures)},
        "serious": {"total": sum(m.serious for m in measures)},
        "closed": {"total": sum(m.closed for m in measures)},
        "open": {
            "total": len(still_open),
            "by_state": {s.value: sum(m.state == s.value for m in still_open) for s in OPEN_STATES},
        },
    }


def shown(count: int) -> int | str:
    return SUPPRESSED if count < SMALL else count


def suppress(exact: Figures) -> Figures:
    """The figures as they may be shared beyond rektor: every count under 5 is «<5», and each
    share or median drawn from such a count is left out."""
    result: Figures = {}
    for group, values in exact.items():
        derived = DERIVED.get(group, {})
        out: dict[str, Any] = {}
        for key, value in values.items():
            if key in derived:
                if all(values[base] >= SMALL for base in derived[key]):
                    out[key] = value
            elif isinstance(value, dict):
                out[key] = {k: shown(v) for k, v in value.items()}
            else:
                out[key] = shown(value)
        result[group] = out
    return result


@dataclass(frozen=True)
class SchoolFacts:
    school: School
    facts: Sequence[CaseFacts]
    now: datetime


async def read_facts(svc: Services, period: Period) -> SchoolFacts:
    since, until = period.bounds(svc.school.calendar.zone)
    async with svc.uow() as uow:
        facts = await uow.stats.facts(since, until)
    return SchoolFacts(svc.school, facts, svc.clock.now())


def report(every: Sequence[SchoolFacts], period: Period, *, shared: bool) -> dict[str, Any]:
    """`{"period", "schools": [{"school", "name", …figures}], "total": {…figures}}`."""
    finish = suppress if shared else (lambda f: f)
    schools, everything = [], []
    for each in every:
        measures = [measure(f, each.school, each.now) for f in each.facts]
        everything += measures
        schools.append(
            {
                "school": each.school.id,
                "name": each.school.name,
                **finish(figures(measures, period)),
            }
        )
    return {
        "period": period.as_json(),
        "schools": schools,
        "total": finish(figures(everything, period)),
    }


async def compute(services: Sequence[Services], period: Period, *, shared: bool) -> dict[str, Any]:
    return report([await read_facts(svc, period) for svc in services], period, shared=shared)


def as_text(result: Mapping[str, Any]) -> str:
    """A table for the terminal: a figure per line, a column per school and the total."""
    shown_columns = columns(result)
    rows = [
        (label, [display(path, value_at(f, path)) for _, f in shown_columns])
        for label, path in ROWS
    ]
    parts = [breakdowns(f) for _, f in shown_columns]
    for index, (title, items) in enumerate(parts[0]):
        for position, (label, _) in enumerate(items):
            values = [display("", p[index][1][position][1]) for p in parts]
            rows.append((f"{title}: {label}", values))
    width = max(len(label) for label, _ in rows)
    widths = [
        max(len(name), *(len(values[i]) for _, values in rows))
        for i, (name, _) in enumerate(shown_columns)
    ]
    header = (
        " " * width
        + "  "
        + "  ".join(name.rjust(w) for (name, _), w in zip(shown_columns, widths, strict=True))
    )
    body = [
        label.ljust(width)
        + "  "
        + "  ".join(v.rjust(w) for v, w in zip(values, widths, strict=True))
        for label, values in rows
    ]
    return "\n".join([f"Statistikk for {period_text(result['period'])}", "", header, *body])


def flatten(figures_: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in figures_.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def as_csv(result: Mapping[str, Any]) -> str:
    """One row per school and one for the total; the columns are the figures' dotted keys."""
    rows = [flatten(s) for s in result["schools"]]
    rows.append({"school": "total", "name": "Totalt", **flatten(result["total"])})
    header: list[str] = ["period.from", "period.to"]
    for row in rows:
        header += [k for k in row if k not in header]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {"period.from": result["period"]["from"], "period.to": result["period"]["to"], **row}
        )
    return out.getvalue()
