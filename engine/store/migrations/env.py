"""Alembic environment: runs against the connection handed over by engine.store.database.migrate()."""
from alembic import context

from engine.store.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata)
with context.begin_transaction():
    context.run_migrations()
