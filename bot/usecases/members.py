"""People who leave or join (issue 15, item 4) and what each person wants to be told (item
7): a deactivated member stops getting DMs and their open deals wait for a manager to
reassign them; managers reassign an owner's deals in bulk after a preview; a newcomer gets
one welcome; every DM the app sends asks ``dm_gate`` first."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlmodel import Session

from bot.core.deals import Actor, require_manager
from bot.core.errors import InvalidInput
from bot.core.i18n import N_
from bot.core.money import Money
from bot.core.notify import Preferences
from bot.core.phrases import ReassignArgs
from bot.core.quickadd import NOT_MENTIONED
from bot.usecases.digest import EMPTY, Reminder
from bot.usecases.leavers import Leaver, leavers_in
from bot.usecases.views import deal_money
from storage import people as store
from storage.db import Database, run_once
from storage.models import Deal

REASSIGN = N_(
    "Only a manager can reassign deals. Managers are workspace admins and owners, and "
    "people named with /pipeline managers add."
)
REASSIGN_HOW = N_(
    "Write who gives the deals and who takes them: /pipeline reassign @from @to "
    "(add `all` for closed deals too)."
)
GONE = N_("<@{user}> was deactivated in Slack since the preview: pick someone else.")
SHOWN = 15  # deals listed in a preview; the rest are counted
MOST = 2000  # deals one reassignment moves at most


# --- a member deactivated or back -------------------------------------------------------


@dataclass(frozen=True)
class MemberChange:
    user_id: str
    inactive: bool
    changed: bool  # False: nothing new (a replay, or the same state again)


def member_changed(
    db: Database, *, team_id: str, user_id: str, deleted: bool, key: str | None, now: datetime
) -> MemberChange:
    """``user_change``: Slack deactivated (``deleted``) or reactivated a member."""

    def work(s: Session) -> tuple[MemberChange, str]:
        done = store.set_inactive(
            session=s, team_id=team_id, user_id=user_id, inactive=deleted, now=now
        )
        return MemberChange(user_id, deleted, done), "1" if done else None

    def replay(_s: Session, _record: str) -> MemberChange:
        return MemberChange(user_id, deleted, False)

    return run_once(db, team_id=team_id, key=key, work=work, replay=replay)


def leavers(db: Database, actor: Actor) -> list[Leaver]:
    """Deactivated members who still own open deals (managers only; others get none)."""
    if not actor.is_manager:
        return []
    with db.read() as s:
        return leavers_in(s, actor.team_id)


# --- reassigning in bulk ----------------------------------------------------------------


@dataclass(frozen=True)
class PreviewDeal:
    name: str
    value: Money | None
    status: str


@dataclass(frozen=True)
class Preview:
    from_id: str
    to_id: str
    only_open: bool
    deals: tuple[PreviewDeal, ...]  # the first SHOWN
    count: int
    totals: tuple[Money, ...]
    fingerprint: str  # what the deals were when shown; a confirm checks it


def _fingerprint(deals: list[Deal]) -> str:
    seen = ";".join(
        f"{d.id}:{d.status}:{d.value_cents}:{d.currency}" for d in sorted(deals, key=lambda d: d.id)
    )
    return hashlib.sha256(seen.encode()).hexdigest()[:20]


def _preview(s: Session, team_id: str, from_id: str, to_id: str, only_open: bool) -> Preview:
    deals = store.list_deals_of(
        session=s, team_id=team_id, owner_id=from_id, only_open=only_open, limit=MOST
    )
    sums: dict[str, int] = {}
    for d in deals:
        if d.value_cents is not None:
            sums[d.currency] = sums.get(d.currency, 0) + d.value_cents
    return Preview(
        from_id,
        to_id,
        only_open,
        tuple(PreviewDeal(d.name, deal_money(d), d.status) for d in deals[:SHOWN]),
        len(deals),
        tuple(Money.from_cents(c, cur) for cur, c in sorted(sums.items())),
        _fingerprint(deals),
    )


def reassign_preview(
    db: Database, actor: Actor, *, args: ReassignArgs, real: frozenset[str], text: str
) -> Preview:
    """What ``/pipeline reassign @from @to`` would move. ``real``: the people the text
    really mentions who are active members (the new owner must be one; the old one may
    have left Slack already)."""
    require_manager(actor, REASSIGN)
    if args.from_id is None or args.to_id is None:
        raise InvalidInput(REASSIGN_HOW)
    if args.from_id == args.to_id:
        raise InvalidInput(
            N_("<@{user}> already owns these deals: name someone else."), user=args.to_id
        )
    with db.read() as s:
        if args.to_id not in real or store.is_inactive(
            session=s, team_id=actor.team_id, user_id=args.to_id
        ):
            raise InvalidInput(NOT_MENTIONED, text=text, mention=f"<@{args.to_id}>")
        return _preview(s, actor.team_id, args.from_id, args.to_id, args.only_open)


@dataclass(frozen=True)
class Reassigned:
    preview: Preview
    moved: int
    fresh: bool = True  # False: a replay of a confirm already applied
    changed: Preview | None = None  # the deals changed since the preview: this is now


def reassign(
    db: Database, actor: Actor, *, shown: Preview, key: str | None, now: datetime
) -> Reassigned:
    """Apply a confirmed preview in one transaction, once per click; when the deals are not
    what the preview showed, nothing is moved and the new preview is returned."""
    require_manager(actor, REASSIGN)
    team_id = actor.team_id

    def work(s: Session) -> tuple[Reassigned, str | None]:
        if store.is_inactive(session=s, team_id=team_id, user_id=shown.to_id):
            raise InvalidInput(GONE, user=shown.to_id)
        now_is = _preview(s, team_id, shown.from_id, shown.to_id, shown.only_open)
        if now_is.fingerprint != shown.fingerprint:
            return Reassigned(shown, 0, changed=now_is), None
        deals = store.list_deals_of(
            session=s,
            team_id=team_id,
            owner_id=shown.from_id,
            only_open=shown.only_open,
            limit=MOST,
        )
        moved = store.reassign_deals(
            session=s,
            team_id=team_id,
            deal_ids=[d.id for d in deals],
            from_id=shown.from_id,
            to_id=shown.to_id,
            by=actor.user_id,
            now=now,
        )
        return Reassigned(shown, len(moved)), str(len(moved))

    def replay(_s: Session, record: str) -> Reassigned:
        return Reassigned(shown, int(record), fresh=False)

    return run_once(db, team_id=team_id, key=key, work=work, replay=replay)


# --- notification preferences -----------------------------------------------------------


def _prefs(row) -> Preferences:
    days = tuple(d for d in row.days.split(",") if d)
    return Preferences(days, row.at, row.quiet_weekends, row.nudges, row.stale_alerts)


def preferences(db: Database, actor: Actor) -> Preferences:
    with db.read() as s:
        return _prefs(
            store.get_notify_preference(session=s, team_id=actor.team_id, user_id=actor.user_id)
        )


def save_preferences(
    db: Database, actor: Actor, prefs: Preferences, *, key: str | None, now: datetime
) -> Preferences:
    def work(s: Session) -> tuple[Preferences, str]:
        row = store.save_notify_preference(
            session=s,
            team_id=actor.team_id,
            user_id=actor.user_id,
            days=",".join(prefs.days),
            at=prefs.at,
            quiet_weekends=prefs.quiet_weekends,
            nudges=prefs.nudges,
            stale_alerts=prefs.stale_alerts,
            now=now,
        )
        return _prefs(row), "saved"

    def replay(s: Session, _record: str) -> Preferences:
        return _prefs(
            store.get_notify_preference(session=s, team_id=actor.team_id, user_id=actor.user_id)
        )

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


@dataclass(frozen=True)
class Gate:
    """May the app DM this person, and what do they want: asked before every DM."""

    inactive: bool = False
    prefs: Preferences = field(default_factory=Preferences)

    def nudge_refused(self, today: date) -> str | None:
        """Why a manager's nudge is not sent (``None``: it is): an ``N_`` msgid."""
        if self.inactive:
            return N_(
                "<@{owner}> was deactivated in Slack, so I sent no DM. Reassign their deals "
                "with /pipeline reassign."
            )
        if not self.prefs.nudges:
            return N_("<@{owner}> turned nudges off, so I sent no DM. Ask them in a message.")
        if self.prefs.quiet_on(today.weekday()):
            return N_("<@{owner}> keeps weekends quiet, so I sent no DM. Nudge them on Monday.")
        return None


def dm_gate(db: Database, *, team_id: str, user_id: str) -> Gate:
    with db.read() as s:
        inactive = store.is_inactive(session=s, team_id=team_id, user_id=user_id)
        row = store.get_notify_preference(session=s, team_id=team_id, user_id=user_id)
    return Gate(inactive, _prefs(row))


def as_wanted(content: Reminder, gate: Gate) -> Reminder:
    """A reminder as its rep wants it: nothing for a deactivated member, no quiet deals
    with stale alerts off."""
    if gate.inactive:
        return replace(content, due=EMPTY, stale=EMPTY, win_back=EMPTY, keep_check=EMPTY)
    return content if gate.prefs.stale_alerts else replace(content, stale=EMPTY)


def without_inactive(db: Database, *, team_id: str, owners: list[str]) -> list[str]:
    """``owners`` less the deactivated members (no DM for them)."""
    with db.read() as s:
        gone = {m.user_id for m in store.list_inactive(session=s, team_id=team_id)}
    return [o for o in owners if o not in gone]


# --- the welcome ------------------------------------------------------------------------


def welcome_once(db: Database, actor: Actor, *, key: str | None, now: datetime) -> bool:
    """Whether to send the welcome now: the first time a newcomer (who owns and created no
    deal yet) opens the Home tab in this workspace. Recorded for everyone, newcomer or not,
    so nobody gets it twice — nor, after an upgrade, people who used the app before."""

    def work(s: Session) -> tuple[bool, str]:
        team_id, user_id = actor.team_id, actor.user_id
        done = store.mark_welcomed(session=s, team_id=team_id, user_id=user_id, now=now)
        new = done and not store.has_deals(session=s, team_id=team_id, user_id=user_id)
        return new, "1" if new else "0"

    def replay(_s: Session, _record: str) -> bool:
        return False

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)
