"""Inserting a row that a concurrent request may insert first: the table's unique key
decides, inside a savepoint, so the loser's transaction goes on (and reads the winner's row)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel


def insert_new(*, session: Session, row: SQLModel) -> bool:
    """Insert ``row`` in a savepoint; ``False`` (nothing written) when its key is taken
    already — inserted meanwhile by a concurrent request."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True
