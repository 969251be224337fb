"""Persistence: SQLAlchemy models and sessions, Alembic migrations, the evidence store, the audit chain."""
