"""What the use-case tests read back from `Services` on the fakes or SQL: a person of the
school's directory, and what a case queued in the outbox."""

from __future__ import annotations

from bot.domain.people import Person
from bot.services.context import Services


def staff(svc: Services, person_id: str) -> Person:
    """Someone the directory knows (a test's actor must exist, or the test is wrong)."""
    found = svc.directory.person(person_id)
    assert found is not None
    return found


async def outbox_of(svc: Services, case_id: str) -> list[tuple[str, str]]:
    """The case's outbox as (kind of message by its key, recipient)."""
    async with svc.uow() as uow:
        return [(m.key.split(":")[0], m.recipient_id) for m in await uow.outbox.for_case(case_id)]
