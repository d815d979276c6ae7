"""People who join and leave, and what each person wants to be told (issue 15, items 4, 7
and 8): inactive members, notification preferences, welcome marks, reassigning deals in
bulk, and erasing one person.

Keyword-only functions ``verb_noun(*, session, team_id, ...)``; they never commit. Every
query is filtered by ``team_id``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import MetaData, String, Text, delete, func, insert, or_, update
from sqlmodel import Session, col, select

from storage import record
from storage.db import exists
from storage.inserts import insert_new
from storage.metrics import is_open
from storage.models import Deal, DealChange
from storage.models_people import InactiveMember, NotifyPreference, WelcomeMark

TEAM = "team_id"
#: Columns that hold a Slack user id (anonymised by ``erase_user``). A row whose
#: ``user_id`` names the person (their settings, marks, manager row) is deleted instead.
USER_COLUMNS = (
    "owner_id",
    "created_by",
    "moved_by",
    "changed_by",
    "added_by",
    "message_author",
    "actor_id",
    "edited_by",
    "deleted_by",
    "merged_by",
    "imported_by",
    "set_by",
    "target",  # a reminder's delivery claim is addressed to its rep
    "old",  # a deal's record of owner changes: from whom, to whom (other fields hold
    "new",  # amounts and dates, never equal to a user id)
)
#: Tables whose ``user_id`` says who did something, not whose row it is: anonymised, not
#: deleted (a deal's changes on record stay, by an alias).
ACTOR_TABLES = frozenset({"deal_change"})
#: slack_sdk's installation tables are the workspace's, not a person's: left alone.
KEEP_PREFIX = "slack_"


# --- inactive members -------------------------------------------------------------------


def set_inactive(
    *, session: Session, team_id: str, user_id: str, inactive: bool, now: datetime
) -> bool:
    """Record a member deactivated (``inactive``) or reactivated; whether anything changed."""
    row = session.get(InactiveMember, (team_id, user_id))
    if not inactive:
        if row is None:
            return False
        session.delete(row)
        session.flush()
        return True
    if row is not None:
        return False
    # False when recorded meanwhile by a concurrent request
    return insert_new(
        session=session, row=InactiveMember(team_id=team_id, user_id=user_id, since=now)
    )


def list_inactive(*, session: Session, team_id: str) -> list[InactiveMember]:
    return list(
        session.exec(
            select(InactiveMember)
            .where(InactiveMember.team_id == team_id)
            .order_by(InactiveMember.since, InactiveMember.user_id)
        ).all()
    )


def is_inactive(*, session: Session, team_id: str, user_id: str) -> bool:
    return session.get(InactiveMember, (team_id, user_id)) is not None


def count_open_deals_of(
    *, session: Session, team_id: str, owner_ids: Sequence[str]
) -> dict[str, tuple[int, dict[str, int]]]:
    """Per owner: open deals and their value per currency (hundredths)."""
    if not owner_ids:
        return {}
    rows = session.exec(
        select(Deal.owner_id, Deal.currency, func.count(), func.sum(Deal.value_cents))
        .where(Deal.team_id == team_id, is_open(), col(Deal.owner_id).in_(list(owner_ids)))
        .group_by(Deal.owner_id, Deal.currency)
    ).all()
    out: dict[str, tuple[int, dict[str, int]]] = {}
    for owner, currency, n, cents in rows:
        count, values = out.get(owner, (0, {}))
        out[owner] = (count + n, values | {currency: int(cents or 0)})
    return out


# --- reassigning ------------------------------------------------------------------------


def list_deals_of(
    *, session: Session, team_id: str, owner_id: str, only_open: bool, limit: int = 500
) -> list[Deal]:
    """An owner's deals (open only, or all), most valuable first."""
    query = select(Deal).where(Deal.team_id == team_id, Deal.owner_id == owner_id)
    if only_open:
        query = query.where(is_open())
    query = query.order_by(col(Deal.value_cents).desc().nulls_last(), Deal.id).limit(limit)
    return list(session.exec(query).all())


def reassign_deals(
    *,
    session: Session,
    team_id: str,
    deal_ids: Sequence[int],
    from_id: str,
    to_id: str,
    by: str,
    now: datetime,
) -> list[int]:
    """Give ``deal_ids`` (still owned by ``from_id``) to ``to_id``; the ids changed. The one
    place deals change owner in bulk: a record of owner changes hooks in here."""
    if not deal_ids:
        return []
    locked = session.exec(
        select(Deal.id)
        .where(
            Deal.team_id == team_id,
            col(Deal.id).in_(list(deal_ids)),
            Deal.owner_id == from_id,
        )
        .with_for_update()
    ).all()
    if locked:
        session.exec(
            update(Deal)
            .where(Deal.team_id == team_id, col(Deal.id).in_(list(locked)))
            .values(owner_id=to_id, updated_at=now)
        )
        change = {"team_id": team_id, "field": record.OWNER, "old": from_id, "new": to_id}
        changes = [{**change, "deal_id": deal_id, "user_id": by, "at": now} for deal_id in locked]
        session.execute(insert(DealChange), changes)  # on each deal's record (issue 15)
    return sorted(locked)


# --- notification preferences -----------------------------------------------------------


def get_notify_preference(*, session: Session, team_id: str, user_id: str) -> NotifyPreference:
    """The person's preferences (the defaults, not saved, when they chose none)."""
    row = session.get(NotifyPreference, (team_id, user_id))
    return row or NotifyPreference(team_id=team_id, user_id=user_id)


def save_notify_preference(
    *,
    session: Session,
    team_id: str,
    user_id: str,
    days: str,
    at: str,
    quiet_weekends: bool,
    nudges: bool,
    stale_alerts: bool,
    now: datetime,
) -> NotifyPreference:
    row = session.get(NotifyPreference, (team_id, user_id), with_for_update=True)
    if row is None:
        row = NotifyPreference(team_id=team_id, user_id=user_id)
    row.days, row.at, row.quiet_weekends = days, at, quiet_weekends
    row.nudges, row.stale_alerts, row.updated_at = nudges, stale_alerts, now
    session.add(row)
    session.flush()
    return row


# --- welcome marks ----------------------------------------------------------------------


def mark_welcomed(*, session: Session, team_id: str, user_id: str, now: datetime) -> bool:
    """Record the welcome; ``False`` when the person was welcomed before."""
    if session.get(WelcomeMark, (team_id, user_id)) is not None:
        return False
    # False when welcomed meanwhile by a concurrent request
    return insert_new(
        session=session, row=WelcomeMark(team_id=team_id, user_id=user_id, welcomed_at=now)
    )


def has_deals(*, session: Session, team_id: str, user_id: str) -> bool:
    """Whether the person owns or created any deal here (someone who already uses the app)."""
    return exists(
        session,
        select(Deal.id).where(
            Deal.team_id == team_id, or_(Deal.owner_id == user_id, Deal.created_by == user_id)
        ),
    )


# --- erasing one person -----------------------------------------------------------------


def erase_user(*, session: Session, team_id: str, user_id: str, alias: str) -> dict[str, int]:
    """One person's erasure in a workspace: rows that are theirs alone (``user_id``: their
    settings, marks, manager row) are deleted; every other column naming them gets
    ``alias``; mentions of them in free text (``<@U…>``) become ``<@alias>``. Tables are
    read from the database itself, like the uninstall purge. Rows touched per table."""
    found = MetaData()
    found.reflect(bind=session.connection())
    counts: dict[str, int] = {}
    mention, instead = f"<@{user_id}>", f"<@{alias}>"
    for table in reversed(found.sorted_tables):
        if TEAM not in table.c or table.name.startswith(KEEP_PREFIX):
            continue
        mine = table.c[TEAM] == team_id
        n = 0
        if "user_id" in table.c and table.name not in ACTOR_TABLES:
            n += session.execute(delete(table).where(mine, table.c.user_id == user_id)).rowcount
        for name in (*USER_COLUMNS, "user_id") if table.name in ACTOR_TABLES else USER_COLUMNS:
            if name in table.c:
                column = table.c[name]
                stmt = update(table).where(mine, column == user_id).values({name: alias})
                n += session.execute(stmt).rowcount
        for column in table.c:
            if isinstance(column.type, String | Text) and (column.type.length or 999) > 64:
                stmt = (
                    update(table)
                    .where(mine, column.contains(mention, autoescape=True))
                    .values({column.name: func.replace(column, mention, instead)})
                )
                n += session.execute(stmt).rowcount
        if n:
            counts[table.name] = n
    return counts
