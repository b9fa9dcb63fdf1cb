"""The SQL implementations of the repository ports, one module per aggregate."""

from storage.repositories.uow import SqlUnitOfWork

__all__ = ["SqlUnitOfWork"]
