"""Alembic environment: always run programmatically with a live connection.

:func:`bot.subscriptions.store.SubscriptionStore.migrate` passes the connection in
``config.attributes["connection"]``; there is no ``alembic.ini`` and no URL here, so the
migrations ship inside the package and run at start-up on whatever database is configured.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from bot.subscriptions.models import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):  # pragma: no cover - misuse guard
    raise RuntimeError("run migrations through SubscriptionStore.migrate()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
