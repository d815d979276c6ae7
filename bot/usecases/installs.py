"""A workspace installs or uninstalls the app, and its data leaves after a grace period.

* **Uninstall** (``app_uninstalled``, or ``tokens_revoked`` for the bot): the installation
  goes at once (its tokens are dead) and the workspace is marked uninstalled; its data stays
  for the grace period (``UNINSTALL_GRACE_DAYS``), then the purge deletes every row with its
  ``team_id``. Meanwhile no digest or reminder is scheduled for it.
* **Reinstall** within the grace period clears the mark: everything is as it was.
* The purge checks once more that the workspace has not come back before deleting, and
  never deletes when it cannot tell (Slack unreachable).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage import installations as store
from storage import purge as purge_store
from storage import stages as stage_store
from storage import workspaces as workspace_store
from storage.db import Database, run_once

log = logging.getLogger("salespath.installs")


def bot_token(db: Database, *, team_id: str) -> str | None:
    """The workspace's bot token from its latest installation (OAuth), or None."""
    with db.read() as s:
        return store.latest_bot_token(session=s, team_id=team_id)


def uninstalled(db: Database, *, team_id: str, key: str | None, now: datetime) -> None:
    """``app_uninstalled``: remove the installation, start the grace clock."""

    def work(s) -> tuple[None, str]:
        store.delete_installations(session=s, team_id=team_id)
        since = store.mark_uninstalled(session=s, team_id=team_id, now=now)
        log.info("workspace %s uninstalled the app (since %s)", team_id, since.isoformat())
        return None, "uninstalled"

    run_once(db, team_id=team_id, key=key, work=work, replay=lambda s, r: None)


def tokens_revoked(
    db: Database, *, team_id: str, key: str | None, now: datetime, bot: bool, users: list[str]
) -> None:
    """``tokens_revoked``: the users' installations go; a revoked bot token is an uninstall
    (the app can no longer act in the workspace)."""

    def work(s) -> tuple[None, str]:
        store.delete_user_installations(session=s, team_id=team_id, user_ids=users)
        if bot:
            store.delete_bots(session=s, team_id=team_id)
            store.mark_uninstalled(session=s, team_id=team_id, now=now)
        return None, "revoked"

    run_once(db, team_id=team_id, key=key, work=work, replay=lambda s, r: None)


def installed(db: Database, *, team_id: str, default_currency: str) -> bool:
    """An installation is about to be saved: the workspace is back (or new). Clears the
    uninstall mark (committed before the installation is saved, so a purge either ran
    before it or skips the workspace) and makes sure its row and stages exist. Whether the
    workspace was in its grace period."""
    with db.transaction() as s:
        workspace_store.ensure_workspace(
            session=s, team_id=team_id, default_currency=default_currency
        )
        back = store.mark_installed(session=s, team_id=team_id)
        stage_store.list_stages(session=s, team_id=team_id)  # seeds the default stages
    if back:
        log.info("workspace %s installed the app again within the grace period", team_id)
    return back


class Unsure(Exception):
    """Whether a workspace is installed again cannot be told now (Slack unreachable)."""


@dataclass(frozen=True)
class Purged:
    team_id: str
    rows: dict[str, int]  # rows deleted per table


def purge_departed(
    db: Database, *, now: datetime, grace: timedelta, came_back: Callable[[str], bool]
) -> list[Purged]:
    """Delete the data of every workspace uninstalled more than ``grace`` ago, one
    workspace per transaction. ``came_back(team_id)`` says whether it is installed again
    after all (then its mark is cleared instead); it raises ``Unsure`` when it cannot tell,
    and that workspace waits for the next run. Also drops expired OAuth states."""
    before = now - grace
    with db.transaction() as s:
        store.delete_expired_states(session=s, now=now)
        teams = store.list_departed_all_teams(session=s, before=before)
    done = []
    for team_id in teams:
        try:
            back = came_back(team_id)
        except Unsure as why:  # keep the data, try again at the next run
            log.warning("purge of %s postponed: is it installed again? %s", team_id, why)
            continue
        if (purged := _purge_one(db, team_id=team_id, before=before, back=back)) is not None:
            done.append(purged)
            log.info(
                "deleted the data of %s (uninstalled over %s ago): %s", team_id, grace, purged.rows
            )
    return done


def _purge_one(db: Database, *, team_id: str, before: datetime, back: bool) -> Purged | None:
    with db.transaction() as s:
        if back:
            store.mark_installed(session=s, team_id=team_id)
            return None
        if not store.lock_departed(session=s, team_id=team_id, before=before):
            return None  # installed again meanwhile
        return Purged(team_id, purge_store.delete_workspace_data(session=s, team_id=team_id))
