"""Building and inserting rows.

``columns_of`` copies a draft dataclass (``NewDeal``, ``NewActivity``) into a row's columns
of the same names, so a field added to both is not listed a third time. ``insert_new``
inserts a row that a concurrent request may insert first: the table's unique key decides,
inside a savepoint, so the loser's transaction goes on (and reads the winner's row)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import fields

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel


def columns_of(draft: object, *, skip: Collection[str] = ()) -> dict[str, object]:
    """The fields of the dataclass ``draft`` by name (shallow: values as they are), but
    those in ``skip`` — the ones the caller converts itself."""
    return {f.name: getattr(draft, f.name) for f in fields(draft) if f.name not in skip}


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
