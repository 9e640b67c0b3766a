"""Alembic environment: runs on the connection that ``knowledge.db.migrate`` hands over.

The migration scripts are self-contained (plain ``op`` calls, no model imports), so they describe
the schema as it was at each revision, for SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=context.config.attributes.get("target_metadata"),
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
