"""The workspace row: created on a workspace's first request, it holds its settings."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import (
    Workspace,
)


def ensure_workspace(*, session: Session, team_id: str, default_currency: str = "IDR") -> Workspace:
    ws = session.get(Workspace, team_id)
    if ws is None:
        try:
            with session.begin_nested():
                session.add(Workspace(team_id=team_id, default_currency=default_currency))
        except IntegrityError:  # created meanwhile by a concurrent request
            pass
        ws = session.get(Workspace, team_id)
    return ws


def default_currency(session: Session, team_id: str) -> str:
    ws = session.get(Workspace, team_id)
    return ws.default_currency if ws else "IDR"
