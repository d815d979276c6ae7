"""Who is acting, and the managers a workspace names.

Managers are Slack workspace admins and owners, plus the people named with ``/pipeline
managers add``. ``actor`` is computed once per request (``handlers.kit.middleware``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.deals import Actor, require_manager
from bot.core.errors import InvalidInput
from bot.core.i18n import N_
from bot.core.quickadd import NOT_MENTIONED
from storage import managers as manager_store
from storage import stages as stage_store
from storage import workspaces as workspace_store
from storage.db import Database


def actor(db: Database, *, team_id: str, user_id: str, workspace_admin: bool) -> Actor:
    with db.read() as s:
        named = manager_store.is_manager(session=s, team_id=team_id, user_id=user_id)
    return Actor(team_id=team_id, user_id=user_id, is_manager=workspace_admin or named)


def prepare_workspace(db: Database, *, team_id: str, default_currency: str) -> None:
    """A workspace's first request creates its row (default currency) and seeds its default
    stages in a transaction of its own, so that listeners reading in a read-only session
    see committed rows: the settings' currency, and stage ids that stay the same for the
    modal that shows them and the submission that saves."""
    with db.transaction() as s:
        workspace_store.ensure_workspace(
            session=s, team_id=team_id, default_currency=default_currency
        )
        stage_store.list_stages(session=s, team_id=team_id)


@dataclass(frozen=True)
class Managers:
    """``/pipeline managers [add|remove|list] @x``: what changed and what did not."""

    op: str  # add | remove | list
    named: list[str] = field(default_factory=list)  # list: everyone named
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


CHANGE_MANAGERS = N_(
    "Only a manager (a workspace admin or owner, or someone "
    "named with /pipeline managers add) can change managers."
)


def managers(
    db: Database,
    actor: Actor,
    *,
    op: str,
    users: list[str],
    now: datetime,
    text: str = "",
    real: frozenset[str] | None = None,
) -> Managers:
    """``real``: the people the text really mentions (members of the workspace); any other
    mention-shaped text is refused."""
    if op == "list":
        with db.read() as s:
            return Managers(op, named=manager_store.list_managers(session=s, team_id=actor.team_id))
    require_manager(actor, CHANGE_MANAGERS)
    if not users:
        raise InvalidInput(
            N_(
                "Mention the person: /pipeline managers {op} @someone "
                "(pick them from Slack's list so it becomes a mention)."
            ),
            op=op,
        )
    unknown = [u for u in users if real is not None and u not in real]
    if unknown:
        raise InvalidInput(NOT_MENTIONED, text=text, mention=f"<@{unknown[0]}>")
    changed, unchanged = [], []
    with db.transaction() as s:
        for user in users:
            if op == "add":
                done = manager_store.add_manager(
                    session=s, team_id=actor.team_id, user_id=user, by=actor.user_id, now=now
                )
            else:
                done = manager_store.remove_manager(session=s, team_id=actor.team_id, user_id=user)
            (changed if done else unchanged).append(user)
    return Managers(op, changed=changed, unchanged=unchanged)
