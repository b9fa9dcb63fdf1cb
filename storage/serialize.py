"""JSON shapes of the case's follow-up (investigation, plan versions, evaluations), by hand.

Explicit field by field, never pickled: the stored documentation of a child's case must stay
readable by the next version of this code, and by a person with a database client.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.domain.followup import (
    ActivityPlan,
    Evaluation,
    Investigation,
    InvestigationStep,
    Level,
    Measure,
    Method,
    Observation,
    Outcome,
)


def investigation_to_json(value: Investigation | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "steps": [
            {"method": s.method.value, "done_on": s.done_on.isoformat(), "note": s.note}
            for s in value.steps
        ],
        "findings": value.findings,
        "best_interest": value.best_interest,
        "completed": value.completed,
        "updated_at": value.updated_at.isoformat(),
        "updated_by": value.updated_by,
    }


def investigation_from_json(data: dict[str, Any] | None) -> Investigation | None:
    if data is None:
        return None
    return Investigation(
        steps=tuple(
            InvestigationStep(Method(s["method"]), date.fromisoformat(s["done_on"]), s["note"])
            for s in data["steps"]
        ),
        findings=data["findings"],
        best_interest=data["best_interest"],
        completed=bool(data["completed"]),
        updated_at=datetime.fromisoformat(data["updated_at"]),
        updated_by=data["updated_by"],
    )


def plan_to_json(plan: ActivityPlan) -> dict[str, Any]:
    return {
        "version": plan.version,
        "problem": plan.problem,
        "measures": [
            {
                "level": m.level.value,
                "description": m.description,
                "when": m.when,
                "responsible_id": m.responsible_id,
            }
            for m in plan.measures
        ],
        "evaluate_on": plan.evaluate_on.isoformat(),
        "pupil_view": plan.pupil_view,
        "parents_view": plan.parents_view,
        "not_followed": plan.not_followed,
        "created_at": plan.created_at.isoformat(),
        "created_by": plan.created_by,
    }


def plan_from_json(data: dict[str, Any]) -> ActivityPlan:
    return ActivityPlan(
        version=int(data["version"]),
        problem=data["problem"],
        measures=tuple(
            Measure(Level(m["level"]), m["description"], m["when"], m["responsible_id"])
            for m in data["measures"]
        ),
        evaluate_on=date.fromisoformat(data["evaluate_on"]),
        pupil_view=data["pupil_view"],
        parents_view=data["parents_view"],
        not_followed=data["not_followed"],
        created_at=datetime.fromisoformat(data["created_at"]),
        created_by=data["created_by"],
    )


def evaluation_to_json(value: Evaluation) -> dict[str, Any]:
    return {
        "plan_version": value.plan_version,
        "outcome": value.outcome.value,
        "note": value.note,
        "at": value.at.isoformat(),
        "by": value.by,
        "next_evaluation_on": value.next_evaluation_on.isoformat()
        if value.next_evaluation_on
        else None,
    }


def evaluation_from_json(data: dict[str, Any]) -> Evaluation:
    next_on = data.get("next_evaluation_on")
    return Evaluation(
        plan_version=int(data["plan_version"]),
        outcome=Outcome(data["outcome"]),
        note=data["note"],
        at=datetime.fromisoformat(data["at"]),
        by=data["by"],
        next_evaluation_on=date.fromisoformat(next_on) if next_on else None,
    )


def observation_fields(value: Observation) -> dict[str, Any]:
    return {
        "id": value.id,
        "pupil_key": value.pupil_key,
        "pupil_name": value.pupil_name,
        "pupil_class": value.pupil_class,
        "observed_on": value.observed_on,
        "note": value.note,
        "author_id": value.author_id,
        "created_at": value.created_at,
    }
