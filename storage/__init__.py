"""SQLAlchemy (async) persistence for the domain: SQLite by default, PostgreSQL in production."""
