"""Alembic environment: migrations are generated from SQLModel.metadata."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

import storage.models  # registers the tables on SQLModel.metadata
import storage.models_checklist
import storage.models_digest
import storage.models_forecast
import storage.models_people  # noqa: F401
from storage.installations import OAUTH_METADATA
from storage.models import UTCDateTime

config = context.config
#: our models, and slack_sdk's installation and OAuth state tables (their schema, our migrations)
target_metadata = [SQLModel.metadata, OAUTH_METADATA]


def _url() -> str:
    return (
        config.get_main_option("sqlalchemy.url")
        or os.environ.get("DATABASE_URL")
        or "sqlite:///salespath.db"
    )


def _render_item(type_, obj, autogen_context):
    # Keep migrations independent of model code: our UTC type is a plain aware DateTime.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# What migrations make outside the models, written per database (0008_lookups): SQLite's
# FTS5 name index (a virtual table and its shadow tables), PostgreSQL's trigram index, and
# the open-deal indexes whose columns (DESC NULLS LAST, INCLUDE) differ between them.
# Autogenerate and `alembic check` leave them alone.
DATABASE_OWN_TABLES = ("deal_fts",)
DATABASE_OWN_INDEXES = frozenset(
    {"ix_deal_name_fold_trgm", "ix_deal_open_top", "ix_deal_open_owner"}
)


def include_name(name, type_, _parent_names) -> bool:
    if type_ == "table":
        return not any(name == t or name.startswith(t + "_") for t in DATABASE_OWN_TABLES)
    return not (type_ == "index" and name in DATABASE_OWN_INDEXES)


def _configure(**kw) -> None:
    context.configure(
        target_metadata=target_metadata,
        include_name=include_name,
        render_as_batch=True,
        render_item=_render_item,
        compare_type=True,
        **kw,
    )


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        {"sqlalchemy.url": _url()}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as conn:
        _configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
