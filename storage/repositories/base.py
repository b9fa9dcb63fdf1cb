"""What every repository of one unit of work shares: the session, the school, the keyring."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import Keyring

Q = TypeVar("Q")
"""A SELECT statement, of whatever row shape."""


@dataclass(frozen=True)
class Scope:
    session: AsyncSession
    keyring: Keyring
    school_id: str | None
    """Every query of a school's unit of work is limited to that school. None: every school,
    for the outbox sender alone (it serves the whole deployment's chats)."""

    @property
    def school(self) -> str:
        """The school a new row belongs to; a unit of work for every school writes none."""
        if self.school_id is None:
            raise RuntimeError("this unit of work spans schools: it cannot write a school's row")
        return self.school_id

    def where(self, statement: Q, table: Any) -> Q:
        if self.school_id is None:
            return statement
        query: Any = statement
        return cast(Q, query.where(table.school_id == self.school_id))

    def mine(self, table: Any) -> Any:
        """The condition for UPDATE and DELETE statements."""
        if self.school_id is None:
            return true()
        return table.school_id == self.school_id

    def insert(self, table: Any) -> Any:
        """The dialect's INSERT, which knows ON CONFLICT; both SQLite and PostgreSQL have it.

        On the table itself, not its ORM class: a row written here is never an ORM object, and
        the ORM's bulk path costs a report turn a fraction of a millisecond per statement.
        """
        name = self.session.get_bind().dialect.name
        core = getattr(table, "__table__", table)
        return (postgresql.insert if name == "postgresql" else sqlite.insert)(core)

    async def insert_rows(
        self, table: Any, rows: Sequence[dict[str, Any]], *, unless_taken: Sequence[str] = ()
    ) -> int:
        """Many rows as one statement that is compiled once and then reused.

        A multi-row `.values([...])` is compiled anew on every call (a few milliseconds of a
        report turn); a table-level INSERT executed with a list of rows is cached and still
        sent as one statement. Rows whose `unless_taken` key exists already are skipped;
        the count says how many went in.
        """
        if not rows:
            return 0
        statement = self.insert(table)
        if not unless_taken:
            await self.session.execute(statement, list(rows))
            return len(rows)
        statement = statement.on_conflict_do_nothing(index_elements=list(unless_taken))
        statement = statement.returning(statement.table.c[unless_taken[0]])
        result = await self.session.execute(statement, list(rows))
        return len(result.all())
