"""Alembic environment: migrations run on the connection handed over by
:func:`ccecon.web.store.migrate` (no ini file, no URL here)."""

from __future__ import annotations

from alembic import context

from ccecon.web.store import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
