"""The workspace row: created on a workspace's first request, it holds its settings."""

from __future__ import annotations

from sqlmodel import Session

from storage.inserts import insert_new
from storage.models import (
    Workspace,
)


def ensure_workspace(*, session: Session, team_id: str, default_currency: str = "IDR") -> Workspace:
    ws = session.get(Workspace, team_id)
    if ws is None:
        # or created meanwhile by a concurrent request
        insert_new(
            session=session, row=Workspace(team_id=team_id, default_currency=default_currency)
        )
        ws = session.get(Workspace, team_id)
    return ws


def default_currency(session: Session, team_id: str) -> str:
    ws = session.get(Workspace, team_id)
    return ws.default_currency if ws else "IDR"
