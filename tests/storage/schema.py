"""What the migration tests share: how a migrated database differs from the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from storage.db import Database


def migrated_diff(request: pytest.FixtureRequest, kind: str) -> list:
    """Alembic's differences between the models and a database migrated to head, on
    ``kind`` (``sqlite``: the ``db_url`` fixture's database; ``postgresql``: ``pg_url``'s)."""
    url = request.getfixturevalue("db_url" if kind == "sqlite" else "pg_url")
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        db.dispose()


def naming(diff: list, tables: tuple[str, ...]) -> list:
    """The differences of ``diff`` that name one of ``tables`` (``'deal'`` or ``deal.x``)."""
    return [d for d in diff if any(f"'{t}'" in repr(d) or f"{t}." in repr(d) for t in tables)]


def assert_migrated_as_modelled(request: pytest.FixtureRequest, kind: str, tables: tuple) -> None:
    """A database migrated to head on ``kind`` has ``tables`` just as the models declare them."""
    ours = naming(migrated_diff(request, kind), tables)
    assert not ours, ours
