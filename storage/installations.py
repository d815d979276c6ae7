"""Slack installations (OAuth): slack_sdk's own tables, and a workspace's install state.

slack_sdk's SQLAlchemy stores (``SQLAlchemyInstallationStore``, ``SQLAlchemyOAuthStateStore``)
read and write ``slack_installations``, ``slack_bots`` and ``slack_oauth_states`` themselves.
Their schema is slack_sdk's: the tables below are built by slack_sdk's own classmethods, so
our migration (``0008_oauth``) and the schema check follow it exactly. They are the one
exception to our conventions: naive UTC ``DateTime`` columns, and ``slack_oauth_states`` has no
``team_id`` (a state is issued before anyone knows which workspace will install).

The functions here are the SQL we run on them ourselves, inside our own transactions (an
uninstall removes the installation and starts the grace clock in one), and the workspace's
``uninstalled_at`` mark. Keyword-only, never committing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, delete, desc, select
from sqlmodel import Session

from storage.models import Workspace

#: slack_sdk's tables, on a metadata of their own (``storage/migrations/env.py`` adds it).
OAUTH_METADATA = MetaData()
INSTALLATIONS = SQLAlchemyInstallationStore.build_installations_table(
    OAUTH_METADATA, SQLAlchemyInstallationStore.default_installations_table_name
)
BOTS = SQLAlchemyInstallationStore.build_bots_table(
    OAUTH_METADATA, SQLAlchemyInstallationStore.default_bots_table_name
)
STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    OAUTH_METADATA, SQLAlchemyOAuthStateStore.default_table_name
)


def naive_utc(moment: datetime) -> datetime:
    """slack_sdk's columns hold naive UTC (``slack_sdk.oauth.sqlalchemy_utils``)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def latest_bot_token(*, session: Session, team_id: str) -> str | None:
    """The bot token of the workspace's latest installation (any enterprise), or None."""
    c = BOTS.c
    return session.execute(
        select(c.bot_token)
        .where(c.team_id == team_id, c.bot_token.is_not(None))
        .order_by(desc(c.installed_at), desc(c.id))
        .limit(1)
    ).scalar()


def delete_installations(*, session: Session, team_id: str) -> int:
    """The app was uninstalled: every installation and bot of the workspace goes (slack_sdk's
    ``delete_all``, in our transaction). The number of rows deleted."""
    gone = session.execute(delete(INSTALLATIONS).where(INSTALLATIONS.c.team_id == team_id))
    bots = session.execute(delete(BOTS).where(BOTS.c.team_id == team_id))
    return gone.rowcount + bots.rowcount


def delete_bots(*, session: Session, team_id: str) -> int:
    """The workspace's bot tokens were revoked: its bots go, and the installations that
    carry those tokens (``tokens_revoked``, ``tokens.bot``)."""
    bots = session.execute(delete(BOTS).where(BOTS.c.team_id == team_id))
    gone = session.execute(
        delete(INSTALLATIONS).where(
            INSTALLATIONS.c.team_id == team_id,
            INSTALLATIONS.c.bot_token.is_not(None),
            INSTALLATIONS.c.user_token.is_(None),
        )
    )
    return bots.rowcount + gone.rowcount


def delete_user_installations(*, session: Session, team_id: str, user_ids: list[str]) -> int:
    """Users' tokens were revoked (``tokens_revoked``, ``tokens.oauth``): their own
    installations go (slack_sdk's ``delete_installation(user_id=…)``)."""
    if not user_ids:
        return 0
    c = INSTALLATIONS.c
    return session.execute(
        delete(INSTALLATIONS).where(c.team_id == team_id, c.user_id.in_(user_ids))
    ).rowcount


def delete_expired_states(*, session: Session, now: datetime) -> int:
    """OAuth states past their expiry (slack_sdk deletes a state only when it is used)."""
    c = STATES.c
    return session.execute(delete(STATES).where(c.expire_at <= naive_utc(now))).rowcount


# --- the workspace's install state ----------------------------------------------------


def mark_uninstalled(*, session: Session, team_id: str, now: datetime) -> datetime:
    """Start the grace clock (the first uninstall counts; a repeat keeps it). The moment
    the workspace counts as uninstalled since."""
    ws = session.get(Workspace, team_id)
    if ws is None:
        ws = Workspace(team_id=team_id)
        session.add(ws)
    if ws.uninstalled_at is None:
        ws.uninstalled_at = now
    session.flush()
    return ws.uninstalled_at


def mark_installed(*, session: Session, team_id: str) -> bool:
    """Stop the grace clock: the workspace installed the app again. Whether it was running."""
    ws = session.get(Workspace, team_id, with_for_update=True)
    if ws is None or ws.uninstalled_at is None:
        return False
    ws.uninstalled_at = None
    session.flush()
    return True


def list_departed_all_teams(*, session: Session, before: datetime) -> list[str]:
    """Workspaces uninstalled at or before ``before``: whose data the purge deletes."""
    when = Workspace.uninstalled_at
    return list(
        session.execute(
            select(Workspace.team_id)
            .where(when.is_not(None), when <= before)
            .order_by(when, Workspace.team_id)
        ).scalars()
    )


def lock_departed(*, session: Session, team_id: str, before: datetime) -> bool:
    """Lock the workspace row if it is still uninstalled since ``before`` (a reinstall that
    clears the mark meanwhile waits for the purge, or the purge skips it)."""
    ws = session.get(Workspace, team_id, with_for_update=True, populate_existing=True)
    return ws is not None and ws.uninstalled_at is not None and ws.uninstalled_at <= before
