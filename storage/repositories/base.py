"""What every repository of one unit of work shares: the session, the school, the keyring."""

from __future__ import annotations

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
        """The dialect's INSERT, which knows ON CONFLICT; both SQLite and PostgreSQL have it."""
        name = self.session.get_bind().dialect.name
        return (postgresql.insert if name == "postgresql" else sqlite.insert)(table)
