"""Alembic environment: the tables are the SQLModel metadata of cabinet.models."""

from alembic import context
from sqlmodel import SQLModel

import cabinet.models  # noqa: F401  (registers every table)
from cabinet import settings
from cabinet.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url") or settings.get().database_url
    connectable = make_engine(url)
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=url.startswith("sqlite"),
        )
        with context.begin_transaction():
            context.run_migrations()
    connectable.dispose()


run_migrations_online()
