"""Won deals announced in the channels that asked for it (``/digest here … wins``; issue 14).

A win is announced once its closing technique and final value are known — the rep answers
the won message's question — or ``ANNOUNCE_WAIT`` after the win when nobody answers, and
at most ``ANNOUNCE_WINDOW`` late (the app was down). Each announcement is one claim (kind
``win``, target ``<channel>/<move id>``) through ``bot.usecases.delivery``, so it is posted
once even with several app processes; an undone win is not announced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.money import Money
from bot.usecases.views import deal_money
from storage import aftersales as after_store
from storage import stages as stage_store
from storage.db import Database
from storage.models_digest import DigestSubscription

WIN = "win"  # the claim kind
ANNOUNCE_WAIT = timedelta(minutes=10)  # no answer about the technique: announce anyway
ANNOUNCE_WINDOW = timedelta(hours=6)  # a win older than this is not announced any more


@dataclass(frozen=True)
class WinNews:
    """One win to announce in one channel."""

    team_id: str
    channel_id: str
    locale: str
    move_id: int
    moved_at: datetime
    deal_id: int
    name: str
    owner_id: str
    value: Money | None
    technique: str | None
    days: int  # from creation to the win
    before: str  # the stage it was won from

    @property
    def target(self) -> str:
        """The claim's target: one announcement per channel and win."""
        return f"{self.channel_id}/{self.move_id}"[:32]


def _news(s, sub: DigestSubscription, locale: str, win: after_store.Win) -> WinNews:
    d = win.deal
    names = {st.id: st.name for st in stage_store.list_stages(session=s, team_id=d.team_id)}
    move = after_store.last_move(session=s, team_id=d.team_id, deal_id=d.id)
    before = move.from_name if move is not None and move.id == win.move_id else None
    return WinNews(
        team_id=d.team_id,
        channel_id=sub.channel_id,
        locale=sub.locale or locale,
        move_id=win.move_id,
        moved_at=win.moved_at,
        deal_id=d.id,
        name=d.name,
        owner_id=d.owner_id,
        value=deal_money(d),
        technique=d.won_technique,
        days=max((win.moved_at - d.created_at).days, 0),
        before=before or names.get(d.stage_id, "?"),
    )


def _ready(win: after_store.Win, now: datetime, wait: timedelta) -> bool:
    d = win.deal
    return (d.won_technique is not None and d.value_cents is not None) or (
        win.moved_at <= now - wait
    )


def wins_due(
    db: Database,
    *,
    now: datetime,
    team_id: str | None = None,
    deal_id: int | None = None,
    wait: timedelta = ANNOUNCE_WAIT,
) -> list[WinNews]:
    """Wins to announce now: in every channel that asked for them (or ``team_id``'s; or
    only ``deal_id``'s), won after the channel asked and within ``ANNOUNCE_WINDOW``, with
    their technique and value known or ``wait`` gone by. Announced ones are skipped later,
    by their claim."""
    out: list[WinNews] = []
    with db.read() as s:
        subs = (
            after_store.list_win_channels(session=s, team_id=team_id)
            if team_id
            else after_store.list_win_channels_all_teams(session=s)
        )
        for sub in subs:
            since = max(sub.wins_from, now - ANNOUNCE_WINDOW)
            locale = after_store.workspace_locale(session=s, team_id=sub.team_id)
            wins = after_store.list_wins(
                session=s,
                team_id=sub.team_id,
                since=since,
                until=now,
                owners=tuple(sub.owners or ()),
                deal_id=deal_id,
            )
            out += [_news(s, sub, locale, w) for w in wins if _ready(w, now, wait)]
    return out
