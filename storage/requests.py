"""Requests already processed, by key: what ``storage.db.run_once`` reads and records so a
Slack retry or a replay is answered with the first result and never applied twice."""

from __future__ import annotations

from sqlmodel import Session

from storage.models import (
    ProcessedRequest,
)


def previous_result(*, session: Session, team_id: str, key: str) -> str | None:
    """The recorded result of a request already processed (a Slack retry), else None."""
    row = session.get(ProcessedRequest, (team_id, key))
    return row.result if row is not None else None


def record_request(*, session: Session, team_id: str, key: str, result: str) -> None:
    """Record the request in the change's own transaction; a concurrent duplicate then
    fails to commit (primary key) and its whole change rolls back."""
    session.add(ProcessedRequest(team_id=team_id, key=key, result=result))
    session.flush()
