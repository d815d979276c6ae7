"""Managers a workspace names (``/pipeline managers add``); Slack admins and owners are
managers without a row here."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.db import exists
from storage.models import (
    Manager,
)


def list_managers(*, session: Session, team_id: str) -> list[str]:
    return list(session.exec(select(Manager.user_id).where(Manager.team_id == team_id)).all())


def add_manager(*, session: Session, team_id: str, user_id: str, by: str, now: datetime) -> bool:
    if user_id in list_managers(session=session, team_id=team_id):
        return False
    session.add(Manager(team_id=team_id, user_id=user_id, added_by=by, created_at=now))
    session.flush()
    return True


def remove_manager(*, session: Session, team_id: str, user_id: str) -> bool:
    row = session.exec(
        select(Manager).where(Manager.team_id == team_id, Manager.user_id == user_id)
    ).first()
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def is_manager(*, session: Session, team_id: str, user_id: str) -> bool:
    """Named a manager here (Slack admins and owners are managers without a row)."""
    return exists(
        session,
        select(Manager.user_id).where(Manager.team_id == team_id, Manager.user_id == user_id),
    )
