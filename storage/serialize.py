"""JSON shapes of the case's follow-up (investigation, plan versions, evaluations), by hand.

Explicit field by field, never pickled: the stored documentation of a child's case must stay
readable by the next version of this code, and by a person with a database client.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.domain import followup
from bot.domain.case import Case
from bot.domain.report import PupilInformed, Report, Source


def investigation_to_json(value: followup.Investigation | None) -> dict[str, Any] | None:
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


def investigation_from_json(data: dict[str, Any] | None) -> followup.Investigation | None:
    if data is None:
        return None
    return followup.Investigation(
        steps=tuple(
            followup.InvestigationStep(
                followup.Method(s["method"]), date.fromisoformat(s["done_on"]), s["note"]
            )
            for s in data["steps"]
        ),
        findings=data["findings"],
        best_interest=data["best_interest"],
        completed=bool(data["completed"]),
        updated_at=datetime.fromisoformat(data["updated_at"]),
        updated_by=data["updated_by"],
    )


def plan_to_json(plan: followup.ActivityPlan) -> dict[str, Any]:
    return {
        "version": plan.version,
        "problem": plan.problem,
        "measures": [
            {
                "level": m.level.value,
                "description": m.description,
                "when": m.when,
                "responsible_id": m.responsible_id,
                "ends_on": m.ends_on.isoformat() if m.ends_on else None,
            }
            for m in plan.measures
        ],
        "evaluate_on": plan.evaluate_on.isoformat(),
        "pupil_view": plan.pupil_view,
        "parents_view": plan.parents_view,
        "not_followed": plan.not_followed,
        "created_at": plan.created_at.isoformat(),
        "created_by": plan.created_by,
        "pupil_view_missing": plan.pupil_view_missing,
    }


def plan_from_json(data: dict[str, Any]) -> followup.ActivityPlan:
    return followup.ActivityPlan(
        version=int(data["version"]),
        problem=data["problem"],
        measures=tuple(
            followup.Measure(
                followup.Level(m["level"]),
                m["description"],
                m["when"],
                m["responsible_id"],
                date.fromisoformat(m["ends_on"]) if m.get("ends_on") else None,
            )
            for m in data["measures"]
        ),
        evaluate_on=date.fromisoformat(data["evaluate_on"]),
        pupil_view=data["pupil_view"],
        parents_view=data["parents_view"],
        not_followed=data["not_followed"],
        created_at=datetime.fromisoformat(data["created_at"]),
        created_by=data["created_by"],
        pupil_view_missing=data.get("pupil_view_missing", ""),
    )


def evaluation_to_json(value: followup.Evaluation) -> dict[str, Any]:
    return {
        "plan_version": value.plan_version,
        "outcome": value.outcome.value,
        "note": value.note,
        "at": value.at.isoformat(),
        "by": value.by,
        "next_evaluation_on": value.next_evaluation_on.isoformat()
        if value.next_evaluation_on
        else None,
        "override_reason": value.override_reason,
    }


def evaluation_from_json(data: dict[str, Any]) -> followup.Evaluation:
    next_on = data.get("next_evaluation_on")
    return followup.Evaluation(
        plan_version=int(data["plan_version"]),
        outcome=followup.Outcome(data["outcome"]),
        note=data["note"],
        at=datetime.fromisoformat(data["at"]),
        by=data["by"],
        next_evaluation_on=date.fromisoformat(next_on) if next_on else None,
        override_reason=data.get("override_reason", ""),
    )


def conclusion_to_json(value: followup.Conclusion | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "text": value.text,
        "pupil_view": value.pupil_view,
        "pupil_view_missing": value.pupil_view_missing,
        "at": value.at.isoformat(),
        "by": value.by,
    }


def conclusion_from_json(data: dict[str, Any] | None) -> followup.Conclusion | None:
    if data is None:
        return None
    return followup.Conclusion(
        text=data["text"],
        pupil_view=data["pupil_view"],
        pupil_view_missing=data["pupil_view_missing"],
        at=datetime.fromisoformat(data["at"]),
        by=data["by"],
    )


def report_to_json(report: Report) -> dict[str, Any]:
    return {
        "pupil_name": report.pupil_name,
        "pupil_class": report.pupil_class,
        "category": report.category,
        "signs": list(report.signs),
        "description": report.description,
        "place": report.place,
        "occurred_on": report.occurred_on.isoformat() if report.occurred_on else None,
        "source": report.source.value,
        "intervened": report.intervened,
        "intervention": report.intervention,
        "pupil_informed": report.pupil_informed.value,
        "staff_suspected": report.staff_suspected,
        "leadership_suspected": report.leadership_suspected,
        "serious": report.serious,
        "suspected_id": report.suspected_id,
    }


def report_from_json(data: dict[str, Any]) -> Report:
    """Read as stored, never through the form's checks: a rule tightened on the form later must
    not make an old case unreadable."""
    occurred = data.get("occurred_on")
    return Report(
        pupil_name=data["pupil_name"],
        pupil_class=data["pupil_class"],
        category=data["category"],
        signs=tuple(data["signs"]),
        description=data["description"],
        place=data["place"],
        occurred_on=date.fromisoformat(occurred) if occurred else None,
        source=Source(data["source"]),
        intervened=bool(data["intervened"]),
        intervention=data["intervention"],
        pupil_informed=PupilInformed(data["pupil_informed"]),
        staff_suspected=bool(data["staff_suspected"]),
        leadership_suspected=bool(data["leadership_suspected"]),
        serious=bool(data["serious"]),
        suspected_id=data.get("suspected_id", ""),
    )


def case_document(case: Case) -> dict[str, Any]:
    """Everything personal about a case, as one document: it is sealed as a whole."""
    return {
        "report": report_to_json(case.report),
        "investigation": investigation_to_json(case.investigation),
        "investigation_history": [investigation_to_json(i) for i in case.investigation_history],
        "plans": [plan_to_json(p) for p in case.plans],
        "evaluations": [evaluation_to_json(e) for e in case.evaluations],
        "conclusion": conclusion_to_json(case.conclusion),
    }


def case_document_parts(document: dict[str, Any]) -> dict[str, Any]:
    """The Case fields a sealed document holds."""
    history = [investigation_from_json(i) for i in document.get("investigation_history", [])]
    return {
        "report": report_from_json(document["report"]),
        "investigation": investigation_from_json(document.get("investigation")),
        "investigation_history": [i for i in history if i is not None],
        "plans": [plan_from_json(p) for p in document.get("plans", [])],
        "evaluations": [evaluation_from_json(e) for e in document.get("evaluations", [])],
        "conclusion": conclusion_from_json(document.get("conclusion")),
    }


def observation_document(value: followup.Observation) -> dict[str, Any]:
    return {"pupil_name": value.pupil_name, "pupil_class": value.pupil_class, "note": value.note}
