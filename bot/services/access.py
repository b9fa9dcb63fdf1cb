"""Who sees a case now: the case's own rule (routed people, the plan's staff), and the limits
around it that change with time and with the staff list.

- Only the school's staff (`Directory.is_staff`) ever see a case, whoever may report one.
- A closed case is visible to the people it was routed to for `[privacy] closed_visible_days`;
  after that to rektor (or the owner's people on a case about the leadership) alone, until it
  is purged.
- In a § 12-5 case, the employee the report is about never sees it.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.case import Case
from bot.services.context import Services


def sees(svc: Services, case: Case, person_id: str) -> bool:
    if not svc.directory.is_staff(person_id):
        return False
    if case.suspected_id is not None and case.suspected_id == person_id:
        return False
    if not case.can_view(person_id):
        return False
    if case.closed_at is not None:
        visible = timedelta(days=svc.school.privacy.closed_visible_days)
        if svc.clock.now() - case.closed_at > visible:
            recipient = case.recipient(person_id)
            return recipient is not None and recipient.reason.heads_case
    return True
