"""The facts behind the figures (`python -m bot stats`), read from what the purge leaves.

Three statements per school, whatever the number of cases: the case columns, the recipients'
acknowledgements and the audit trail's plan and evaluation events. None of them opens the
sealed document, so a purged case counts as it did before the purge.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVarTuple

from sqlalchemy import Row, Select, select

from bot.domain.case import EventKind
from bot.domain.routing import Reason
from bot.services.ports import CaseFacts, EvaluationFact, PlanFact
from storage.models import AuditEventRow, CaseRecipientRow, CaseRow
from storage.repositories.base import Scope

FACT_EVENTS = (EventKind.PLAN_SAVED.value, EventKind.EVALUATED.value)

Ts = TypeVarTuple("Ts")


class SqlStats:
    def __init__(self, scope: Scope) -> None:
        self._s = scope

    async def _rows(self, statement: Select[*Ts], table: Any) -> Sequence[Row[*Ts]]:
        return (await self._s.session.execute(self._s.where(statement, table))).all()

    async def facts(self, since: datetime, until: datetime) -> list[CaseFacts]:
        in_period = self._s.where(
            select(CaseRow.id).where(CaseRow.created_at >= since, CaseRow.created_at < until),
            CaseRow,
        )
        cases = await self._rows(
            select(
                CaseRow.id,
                CaseRow.created_at,
                CaseRow.category,
                CaseRow.state,
                CaseRow.urgent,
                CaseRow.leadership,
                CaseRow.serious,
                CaseRow.investigation_started_at,
                CaseRow.closed_at,
            )
            .where(CaseRow.created_at >= since, CaseRow.created_at < until)
            .order_by(CaseRow.created_at, CaseRow.id),
            CaseRow,
        )
        if not cases:
            return []
        recipients = await self._rows(
            select(
                CaseRecipientRow.case_id,
                CaseRecipientRow.reason,
                CaseRecipientRow.acknowledged_at,
            ).where(CaseRecipientRow.case_id.in_(in_period)),
            CaseRecipientRow,
        )
        events = await self._rows(
            select(
                AuditEventRow.case_id,
                AuditEventRow.kind,
                AuditEventRow.at,
                AuditEventRow.detail,
            )
            .where(
                AuditEventRow.kind.in_(FACT_EVENTS),
                AuditEventRow.case_id.in_(in_period),
            )
            .order_by(AuditEventRow.seq),
            AuditEventRow,
        )
        routed: set[str] = set()
        first_ack: dict[str, datetime] = {}
        rektor_ack: dict[str, datetime] = {}
        for r in recipients:
            routed.add(r.case_id)
            if r.acknowledged_at is None:
                continue
            first_ack[r.case_id] = min(
                first_ack.get(r.case_id, r.acknowledged_at), r.acknowledged_at
            )
            if r.reason == Reason.REKTOR.value:
                rektor_ack[r.case_id] = r.acknowledged_at
        plans: dict[str, list[PlanFact]] = defaultdict(list)
        evaluations: dict[str, list[EvaluationFact]] = defaultdict(list)
        for e in events:
            detail = e.detail or {}
            version = int(detail.get("version", "0") or 0)
            if e.kind == EventKind.PLAN_SAVED.value and detail.get("evaluate_on"):
                on = date.fromisoformat(str(detail["evaluate_on"]))
                plans[e.case_id].append(PlanFact(version, e.at, on))
            elif e.kind == EventKind.EVALUATED.value:
                outcome = str(detail.get("outcome", ""))
                evaluations[e.case_id].append(EvaluationFact(version, e.at, outcome))
        return [
            CaseFacts(
                case_id=c.id,
                reported_at=c.created_at,
                category=c.category,
                state=c.state,
                section_12_5=bool(c.urgent) and not c.leadership,
                leadership=bool(c.leadership),
                serious=bool(c.serious),
                routed=c.id in routed,
                acknowledged_at=first_ack.get(c.id),
                rektor_acknowledged_at=rektor_ack.get(c.id),
                investigation_started_at=c.investigation_started_at,
                closed_at=c.closed_at,
                plans=tuple(plans[c.id]),
                evaluations=tuple(evaluations[c.id]),
            )
            for c in cases
        ]
