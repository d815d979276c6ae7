"""Deleting a workspace's data: every row of every table that has a ``team_id`` column.

The tables are read from the database itself (reflection), not from our models, so a table
a later migration adds is purged too without anyone remembering to list it; children go
before the rows they reference (foreign keys). The caller holds the workspace row's lock
(``storage.installations.lock_departed``) and owns the transaction.
"""

from __future__ import annotations

from sqlalchemy import MetaData, delete
from sqlmodel import Session

TEAM = "team_id"


def delete_workspace_data(*, session: Session, team_id: str) -> dict[str, int]:
    """Delete every row with this ``team_id``; rows deleted per table (those with any)."""
    found = MetaData()
    found.reflect(bind=session.connection())
    counts: dict[str, int] = {}
    for table in reversed(found.sorted_tables):  # children first
        if TEAM in table.c:
            n = session.execute(delete(table).where(table.c[TEAM] == team_id)).rowcount
            if n:
                counts[table.name] = n
    return counts


def tables_with_team_id(*, session: Session) -> list[str]:
    """What ``delete_workspace_data`` covers (the README and the tests name them)."""
    found = MetaData()
    found.reflect(bind=session.connection())
    return sorted(t.name for t in found.sorted_tables if TEAM in t.c)
