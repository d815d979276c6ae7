"""Everything a workspace has stored, table by table (issue 15, item 8: the manager's
"export all"). Tables are read from the database itself, like the uninstall purge
(``storage.purge``), so a table a later migration adds — change records, import ids,
targets — is exported without anyone remembering to list it. Left out: slack_sdk's
installation tables (bot tokens are secrets, not the workspace's data) and
``processed_request`` (replay bookkeeping)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import MetaData, select
from sqlmodel import Session

TEAM = "team_id"
LEFT_OUT = ("processed_request",)
LEFT_OUT_PREFIX = "slack_"


@dataclass(frozen=True)
class TableRows:
    name: str
    columns: tuple[str, ...]
    rows: Iterator[tuple]


def iter_team_tables(*, session: Session, team_id: str) -> Iterator[TableRows]:
    """Each table with a ``team_id`` column, by name, with this workspace's rows (streamed,
    in primary key order)."""
    found = MetaData()
    found.reflect(bind=session.connection())
    for name in sorted(found.tables):
        table = found.tables[name]
        if TEAM not in table.c or name in LEFT_OUT or name.startswith(LEFT_OUT_PREFIX):
            continue
        query = select(table).where(table.c[TEAM] == team_id).order_by(*table.primary_key.columns)
        rows = session.execute(query.execution_options(yield_per=500))
        yield TableRows(name, tuple(c.name for c in table.c), (tuple(r) for r in rows))
