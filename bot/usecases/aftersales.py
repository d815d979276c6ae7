"""After the close (seed 000: Maintaining; ``bot.core.aftersales``): which closing technique
won a deal and its final value; a lost deal's date to try again, and re-opening it from its
reminder; asking whether Keep is safe, and starting a Grow deal linked to the won one.

Each change is one transaction through ``run_once``; only the deal's owner or a manager
changes a deal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.core import checklists as cl
from bot.core.aftersales import (
    KEEP_CHECK_AGAIN,
    WIN_BACK_DEFAULT,
    check_win_back,
    grow_name,
)
from bot.core.deals import Actor
from bot.core.errors import InvalidInput, Msg
from bot.core.i18n import N_
from bot.core.money import Money, parse_amount
from bot.core.stages import LOST, STATUS_LABELS, WON, open_stages
from bot.usecases.common import DayDraft, deal_to_change
from bot.usecases.deals import DealDraft, DealFields, MoveRequest, MoveResult, move
from bot.usecases.views import DealView, deal_view
from storage import aftersales as after_store
from storage import deals as store
from storage import requests as requests_store
from storage import stages as stage_store
from storage.db import Database, run_once
from storage.models import Deal


def _closed(deal: Deal, status: str) -> None:
    if deal.status != status:
        raise InvalidInput(
            N_("“{deal}” is {status} now, so this no longer applies."),
            deal=deal.name,
            status=Msg(STATUS_LABELS.get(deal.status, deal.status)),
        )


def _view(s: Session, deal: Deal) -> DealView:
    return deal_view(deal, stage_store.list_stages(session=s, team_id=deal.team_id))


# --- won: the technique and the final value -------------------------------------------------


def _lock_closed(s: Session, actor: Actor, deal_id: int, status: str) -> Deal:
    """The deal, locked, once the actor may change it and it is still ``status``."""
    deal = deal_to_change(s, actor, deal_id, lock=True)
    _closed(deal, status)
    return deal


def _set_after_close(
    s: Session, actor: Actor, deal_id: int, status: str, now: datetime, **fields: object
) -> Deal:
    """``_lock_closed``, then the after-close ``fields`` (``storage.aftersales``) set."""
    deal = _lock_closed(s, actor, deal_id, status)
    after_store.set_after_close(session=s, team_id=actor.team_id, deal=deal, now=now, **fields)
    return deal


def _day_once(
    db: Database,
    actor: Actor,
    deal_id: int,
    status: str,
    key: str | None,
    now: datetime,
    **field: date,
) -> tuple[str, date, bool]:
    """Set one after-close date (``win_back_on=…`` or ``keep_check_on=…``) of a deal once
    per request (``key``): its name, the day, and ``True``; a replay: the day set the first
    time, and ``False``."""
    [day] = field.values()

    def work(s: Session) -> tuple[tuple[str, date, bool], str]:
        deal = _set_after_close(s, actor, deal_id, status, now, **field)
        return (deal.name, day, True), day.isoformat()

    def replay(s: Session, record: str) -> tuple[str, date, bool]:
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        return deal.name, date.fromisoformat(record), False

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


@dataclass(frozen=True)
class Recorded:
    """What was recorded on a won deal: the technique, or the final value."""

    deal: DealView
    technique: str | None
    value: Money | None
    announce: bool  # technique and value both known now: a channel may announce the win
    fresh: bool = True  # False: a replay of a request already applied (answered the first time)


def record_technique(
    db: Database, actor: Actor, *, deal_id: int, technique: str, key: str | None, now: datetime
) -> Recorded:
    """Which closing technique won the deal (ask for it, summary of benefit, suggestion
    close)."""
    technique = cl.read_technique(technique)

    def work(s: Session) -> tuple[Recorded, str]:
        deal = _set_after_close(s, actor, deal_id, WON, now, won_technique=technique)
        view = _view(s, deal)
        return Recorded(view, technique, view.value, view.value is not None), technique

    def replay(s: Session, record: str) -> Recorded:
        view = _view(s, store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id))
        return Recorded(view, record, view.value, False, fresh=False)

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


@dataclass(frozen=True)
class ValueDraft:
    deal_id: int
    deal_name: str
    currency: str


def value_draft(db: Database, actor: Actor, *, deal_id: int) -> ValueDraft:
    with db.read() as s:
        deal = deal_to_change(s, actor, deal_id)
    return ValueDraft(deal.id, deal.name, deal.currency)


def record_value(
    db: Database, actor: Actor, *, deal_id: int, text: str, key: str | None, now: datetime
) -> Recorded:
    """The final value of a won deal (``text`` as typed: 55jt, Rp 55.000.000, $5,000)."""
    with db.read() as s:
        currency = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id).currency
    if not text.strip():
        raise InvalidInput(N_("Write the final value, e.g. 55jt."), field="value")
    try:
        value = parse_amount(text.strip(), default_currency=currency, language=actor.language)
    except InvalidInput as err:
        raise InvalidInput(err.message, field="value", **err.params) from None

    def work(s: Session) -> tuple[Recorded, str]:
        deal = _lock_closed(s, actor, deal_id, WON)
        after_store.set_deal_value(
            session=s,
            team_id=actor.team_id,
            deal=deal,
            cents=value.cents,
            currency=value.currency,
            now=now,
            by=actor.user_id,
        )
        view = _view(s, deal)
        return Recorded(view, deal.won_technique, value, deal.won_technique is not None), "v"

    def replay(s: Session, _record: str) -> Recorded:
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        view = _view(s, deal)
        return Recorded(view, deal.won_technique, view.value, False, fresh=False)

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


# --- lost: win back -------------------------------------------------------------------------


WinBackDraft = DayDraft  # what the win-back date's form opens with


def win_back_draft(db: Database, actor: Actor, *, deal_id: int, today: date) -> WinBackDraft:
    with db.read() as s:
        deal = deal_to_change(s, actor, deal_id)
    _closed(deal, LOST)
    return WinBackDraft(deal.id, deal.name, deal.win_back_on or today + WIN_BACK_DEFAULT)


@dataclass(frozen=True)
class WinBackSet:
    deal: str
    day: date
    fresh: bool = True  # False: a replay of a date already set (answered the first time)


def set_win_back(
    db: Database,
    actor: Actor,
    *,
    deal_id: int,
    day: date | None,
    today: date,
    now: datetime,
    key: str | None = None,
) -> WinBackSet:
    """The date to try a lost deal again: its owner is reminded that day. Once per request
    (``key``): a replay answers with the date set the first time."""
    day = check_win_back(day, today)
    name, day, fresh = _day_once(db, actor, deal_id, LOST, key, now, win_back_on=day)
    return WinBackSet(name, day, fresh)


def reopen(
    db: Database, actor: Actor, *, deal_id: int, key: str | None, now: datetime
) -> MoveResult:
    """Win back: re-open a lost deal in the first open stage, from its reminder (the button
    says so: no second question). A replay of the click (``key``) is answered with the move
    it made, not refused because the deal is open now."""
    with db.read() as s:
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        done = (
            requests_store.previous_result(session=s, team_id=actor.team_id, key=key)
            if key
            else None
        )
        if done is None:
            _closed(deal, LOST)
        first = open_stages(stage_store.list_stages(session=s, team_id=actor.team_id))[0]
    request = MoveRequest("to", first.name, deal.stage_id)
    return move(db, actor, deal_id=deal_id, request=request, key=key, now=now, confirmed=True)


# --- won: Keep, then Grow -------------------------------------------------------------------


@dataclass(frozen=True)
class KeepLater:
    deal: str
    day: date


def keep_not_yet(
    db: Database,
    actor: Actor,
    *,
    deal_id: int,
    today: date,
    now: datetime,
    key: str | None = None,
) -> KeepLater:
    """Keep is not safe yet: ask again in two weeks. Once per request (``key``): a replay
    (a day later, say) answers with the date set the first time, not two weeks from then."""
    name, day, _ = _day_once(
        db, actor, deal_id, WON, key, now, keep_check_on=today + KEEP_CHECK_AGAIN
    )
    return KeepLater(name, day)


def keep_safe(
    db: Database, actor: Actor, *, deal_id: int, now: datetime, key: str | None = None
) -> DealDraft:
    """Keep is safe: no more asking; the Grow deal's form comes next. Recorded once per
    request (``key``); a replay opens the same form."""

    def work(s: Session) -> tuple[None, str]:
        _set_after_close(s, actor, deal_id, WON, now, keep_check_on=None)
        return None, "safe"

    run_once(db, team_id=actor.team_id, key=key, work=work, replay=lambda _s, _r: None)
    return grow_draft(db, actor, deal_id=deal_id)


def grow_draft(db: Database, actor: Actor, *, deal_id: int) -> DealDraft:
    """The new-deal form for a Grow deal (upsell or cross-sell) of a won deal: its name,
    currency and primary contact to start with, linked to the won deal when saved."""
    with db.read() as s:
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        _closed(deal, WON)
        contacts = store.deal_contacts(session=s, team_id=actor.team_id, deal_id=deal.id)
    primary = next((c for c in contacts if c.is_primary), contacts[0] if contacts else None)
    fields = DealFields(
        name=grow_name(deal.name),
        currency=deal.currency,
        owner_id=deal.owner_id if deal.owner_id else actor.user_id,
        contact_name=primary.name if primary else "",
        contact_role=primary.role if primary else None,
    )
    return DealDraft(fields, grow_of=deal.id)
