"""Languages and the workspace's settings (issue 11): each person's own language, the
workspace's default language and currency, and the digests that follow that default.

``request_facts`` is what every request needs to know about who acts — named a manager or
not, their language, the workspace's — in one query, so the translator costs no query of
its own and needs no cache (which several processes would each keep stale)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, update
from sqlmodel import Session, select

from storage.inserts import insert_new
from storage.models import Manager, UserSetting, Workspace
from storage.models_digest import DigestSubscription


@dataclass(frozen=True)
class RequestFacts:
    named_manager: bool
    language: str | None  # the person's own choice; None: none yet
    workspace_language: str | None  # None: the workspace has no row yet


def request_facts(*, session: Session, team_id: str, user_id: str) -> RequestFacts:
    """One query: is the user named a manager, their language, the workspace's."""
    manager = exists().where(Manager.team_id == team_id, Manager.user_id == user_id)
    language = (
        select(UserSetting.language)
        .where(UserSetting.team_id == team_id, UserSetting.user_id == user_id)
        .scalar_subquery()
    )
    workspace = (
        select(Workspace.default_locale).where(Workspace.team_id == team_id).scalar_subquery()
    )
    row = session.exec(select(manager, language, workspace)).one()
    return RequestFacts(bool(row[0]), row[1], row[2])


def user_language(*, session: Session, team_id: str, user_id: str) -> str | None:
    """The person's own language; ``None`` when they chose none."""
    row = session.get(UserSetting, (team_id, user_id))
    return row.language if row else None


def set_user_language(
    *, session: Session, team_id: str, user_id: str, language: str | None, now: datetime
) -> str | None:
    """Set (or, with ``None``, forget) the person's language; the one it replaces."""
    row = session.get(UserSetting, (team_id, user_id))
    if row is None:
        row = UserSetting(team_id=team_id, user_id=user_id, language=language, updated_at=now)
        if insert_new(session=session, row=row):
            return None
        row = session.get(UserSetting, (team_id, user_id))  # set meanwhile by a concurrent request
    before = row.language
    row.language, row.updated_at = language, now
    session.add(row)
    session.flush()
    return before


def workspace_settings(*, session: Session, team_id: str) -> tuple[str, str]:
    """The workspace's ``(default language, default currency)``."""
    ws = session.get(Workspace, team_id)
    return (ws.default_locale, ws.default_currency) if ws else ("en", "IDR")


def save_workspace_settings(
    *, session: Session, team_id: str, language: str, currency: str
) -> Workspace:
    """Change the defaults (the row exists: every request makes sure of it)."""
    ws = session.get(Workspace, team_id, with_for_update=True)
    if ws is None:
        ws = Workspace(team_id=team_id)
    ws.default_locale, ws.default_currency = language, currency
    session.add(ws)
    session.flush()
    return ws


def follow_workspace_language(*, session: Session, team_id: str, language: str) -> int:
    """Digests that chose no language of their own now post in ``language``; how many."""
    result = session.exec(
        update(DigestSubscription)
        .where(
            DigestSubscription.team_id == team_id,
            DigestSubscription.language_chosen.is_(False),
        )
        .values(locale=language)
    )
    return result.rowcount or 0
