"""Keeping deals moving: a manager nudges a deal's owner; an owner (or a manager) snoozes a
deal that waits for a known reason, so it is not stale until the date it resumes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.core.deals import Actor, require_manager
from bot.core.errors import DomainError, InvalidInput, field_errors
from bot.core.i18n import N_
from bot.core.stages import OPEN
from bot.usecases.common import DayDraft, deal_to_change
from bot.usecases.digest import DealItem
from bot.usecases.views import deal_money
from storage import deals as store
from storage import digests as digest_store
from storage import stages as stage_store
from storage.db import Database, run_once

NUDGE = N_(
    "Only a manager can nudge a deal's owner. Managers are workspace admins "
    "and owners, and people named with /pipeline managers add."
)
SNOOZE_DAYS = 7
REASON_MAX = 500  # characters (the column's size)
MAX_SNOOZE = timedelta(days=366)


def nudge_item(db: Database, actor: Actor, *, deal_id: int, now: datetime) -> DealItem:
    """The deal a manager asks its owner about (the DM itself is the listener's)."""
    require_manager(actor, NUDGE)
    with db.read() as s:
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        if deal.status != OPEN:
            raise InvalidInput(N_("“{deal}” is closed now: no nudge needed."), deal=deal.name)
        stage = stage_store.get_stage(session=s, team_id=actor.team_id, stage_id=deal.stage_id)
    return DealItem(
        id=deal.id,
        name=deal.name,
        owner_id=deal.owner_id,
        stage=stage.name,
        value=deal_money(deal),
        quiet_days=(now - deal.last_activity_at).days,
        next_step=deal.next_step,
        due=deal.next_step_due,
    )


@dataclass(frozen=True)
class Nudge:
    item: DealItem
    fresh: bool  # False: a replay of a nudge already sent (send nothing again)


def nudge(db: Database, actor: Actor, *, deal_id: int, key: str | None, now: datetime) -> Nudge:
    """A manager's nudge, recorded under the request's key before the DM is sent, so that a
    replay of the click (or Slack's retry) sends no second DM."""
    item = nudge_item(db, actor, deal_id=deal_id, now=now)

    def work(_s: Session) -> tuple[Nudge, str]:
        return Nudge(item, True), str(deal_id)

    def replay(_s: Session, _record: str) -> Nudge:
        return Nudge(item, False)

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


SnoozeDraft = DayDraft  # what the snooze form opens with


def snooze_draft(db: Database, actor: Actor, *, deal_id: int, today: date) -> SnoozeDraft:
    with db.read() as s:
        deal = deal_to_change(s, actor, deal_id)
    return SnoozeDraft(deal.id, deal.name, today + timedelta(days=SNOOZE_DAYS))


@dataclass(frozen=True)
class Snoozed:
    deal: str
    until: date
    reason: str
    fresh: bool = True  # False: a replay of a snooze already made


def _check(reason: str, until: date | None, today: date) -> None:
    errors: dict[str, DomainError] = {}
    if not reason:
        errors["reason"] = InvalidInput(N_("Write why the deal waits, e.g. “Budget in January”."))
    elif len(reason) > REASON_MAX:
        errors["reason"] = InvalidInput(
            N_("The reason is {n} characters; keep it under {max}."), n=len(reason), max=REASON_MAX
        )
    if until is None:
        errors["until"] = InvalidInput(N_("Pick the date to resume on."))
    elif until <= today:
        errors["until"] = InvalidInput(
            N_("{day} is not in the future. Pick a date after today."), day=until
        )
    elif until > today + MAX_SNOOZE:
        errors["until"] = InvalidInput(N_("Snooze for a year at most."))
    field_errors(errors)


def snooze(
    db: Database,
    actor: Actor,
    *,
    deal_id: int,
    reason: str,
    until: date | None,
    today: date,
    now: datetime,
    key: str | None = None,
) -> Snoozed:
    """``today`` is the user's local date: the date picker's days are theirs. A replay of
    the same submission (``key``) answers with the snooze already made."""
    _check(reason, until, today)

    def work(s: Session) -> tuple[Snoozed, str]:
        deal = deal_to_change(s, actor, deal_id, lock=True)
        digest_store.snooze_deal(
            session=s, team_id=actor.team_id, deal=deal, until=until, reason=reason, now=now
        )
        return Snoozed(deal.name, until, reason), str(deal.id)

    def replay(s: Session, _record: str) -> Snoozed:
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        return Snoozed(deal.name, deal.snoozed_until or until, deal.snooze_reason or reason, False)

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)
