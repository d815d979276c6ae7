"""``/pipeline forecast [quarter]``, ``/pipeline target @rep 500jt [Q1]`` and the targets
modal (issue 15, item 2), attainment for stats, the Home tab and the digest, and who may
see the team's figures (item 6: a workspace setting, enforced here, not only in the UI)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.core import forecast as core
from bot.core.deals import Actor, require_manager
from bot.core.errors import PermissionDenied
from bot.core.forecast import Attainment, Span
from bot.core.i18n import N_
from bot.core.money import Money
from bot.core.stages import OPEN
from storage import forecast as store
from storage import preferences as pref_store
from storage import stages as stage_store
from storage.db import Database, run_once

SET_TARGETS = N_(
    "Only a manager (a workspace admin or owner, or someone named with /pipeline managers "
    "add) can set targets. `/pipeline forecast` shows your own pipeline and targets."
)
TEAM_PIPELINE = N_(
    "In this workspace only managers see the team's pipeline (a manager chose so in "
    "/pipeline settings). `/pipeline` shows your own deals."
)
TEAM_STATS = N_(
    "In this workspace only managers see the team's stats (a manager chose so in "
    "/pipeline settings). `/pipeline stats` shows yours."
)
TEAM_FORECAST = N_(
    "In this workspace only managers see the team's forecast (a manager chose so in "
    "/pipeline settings). `/pipeline forecast` shows yours."
)


TEAM_DIGEST = N_(
    "In this workspace only managers see the team's pipeline (a manager chose so in "
    "/pipeline settings), so only a manager can send the team's digest to a channel. "
    "`/digest here for <@{user}>` sends a digest of your own deals."
)


def check_team_view(session: Session, actor: Actor, why: str, **values: str) -> None:
    """Reps see the team's figures unless a manager chose "managers only"; ``why`` (with its
    ``values``) says what was refused and what they can see instead."""
    if actor.is_manager:
        return
    if store.team_view(session=session, team_id=actor.team_id) == store.MANAGERS:
        raise PermissionDenied(why, **values)


def _probabilities(session: Session, team_id: str) -> dict[int, int]:
    stages = stage_store.list_stages(session=session, team_id=team_id)
    return {st.id: st.probability for st in stages if st.kind == OPEN}


def attainments(
    session: Session, team_id: str, owners: Sequence[str], spans: Sequence[Span], tz: str
) -> list[Attainment]:
    """Each rep (of ``owners``; none: everyone) with a target in each span: won, gap and
    the weighted pipeline closing in the span."""
    targets = store.list_targets(
        session=session,
        team_id=team_id,
        owners=owners,
        start=min(sp.start for sp in spans),
        end=max(sp.end for sp in spans),
    )
    if not targets:
        return []
    who = sorted({x.owner_id for x in targets})
    chance = _probabilities(session, team_id)
    won: dict = {}
    weighted: dict = {}
    for span in spans:
        start, end = core.span_bounds(span, tz)
        got = store.won_by_owner(session=session, team_id=team_id, owners=who, start=start, end=end)
        coming = store.weighted_by_owner(
            session=session,
            team_id=team_id,
            owners=who,
            start=span.start,
            end=span.end,
            probabilities=chance,
        )
        won.update({(span, o): by for o, by in got.items()})
        weighted.update({(span, o): by for o, by in coming.items()})
    return core.attainments(targets, spans, won=won, weighted=weighted)


def targets_now(
    session: Session, team_id: str, owners: Sequence[str], *, today: date, tz: str
) -> list[Attainment]:
    """This month's and this quarter's attainment (stats, the Home tab, the digest)."""
    return attainments(session, team_id, owners, core.current_spans(today), tz)


@dataclass(frozen=True)
class ForecastResult:
    forecast: core.Forecast
    team: bool
    targets: list[Attainment]


def forecast(
    db: Database, actor: Actor, *, span: Span, team: bool, today: date, tz: str
) -> ForecastResult:
    """``/pipeline forecast [period] [team]``: mine, or the team's (unless only managers
    may see it), with the attainment of the span's targets."""
    owners = () if team else (actor.user_id,)
    with db.read() as s:
        if team:
            check_team_view(s, actor, TEAM_FORECAST)
        rows = store.forecast_rows(
            session=s,
            team_id=actor.team_id,
            owners=owners,
            span=span,
            this_month=today.replace(day=1),
            probabilities=_probabilities(s, actor.team_id),
        )
        targets = attainments(s, actor.team_id, owners, [span], tz)
    return ForecastResult(core.forecast(rows, span=span, today=today), team, targets)


@dataclass(frozen=True)
class TargetSet:
    owner_id: str
    span: Span
    amount: Money | None  # None: removed
    before: Money | None  # the target it replaced (or removed)


def _record(m: Money | None) -> str:
    return f"{m.cents} {m.currency}" if m is not None else ""


def _unrecord(text: str) -> Money | None:
    if not text:
        return None
    cents, currency = text.split()
    return Money.from_cents(int(cents), currency)


def save_target(
    db: Database,
    actor: Actor,
    *,
    owner_id: str,
    span: Span,
    amount: Money | None,
    key: str | None,
    now: datetime,
) -> TargetSet:
    """A manager sets (``amount``) or removes (``None``) a rep's target for a span."""
    require_manager(actor, SET_TARGETS)

    def work(s) -> tuple[TargetSet, str]:
        where = {"session": s, "team_id": actor.team_id, "owner_id": owner_id, "span": span}
        if amount is None:
            before = store.delete_target(**where)
        else:
            before = store.save_target(**where, amount=amount, by=actor.user_id, now=now)
        return TargetSet(owner_id, span, amount, before), _record(before)

    def replay(_s, record: str) -> TargetSet:
        return TargetSet(owner_id, span, amount, _unrecord(record))

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


def target_from_text(
    db: Database,
    actor: Actor,
    *,
    owner_id: str,
    text: str,
    today: date,
    key: str | None,
    now: datetime,
) -> TargetSet:
    """``/pipeline target @rep 500jt [Q1]``: the amount read in the manager's language and
    the workspace's default currency; ``off`` / ``hapus`` [period] removes it."""
    require_manager(actor, SET_TARGETS)
    words = text.split()
    if words and words[0].lower() in core.REMOVE_WORDS:
        span = core.parse_span(" ".join(words[1:]), today=today)
        return save_target(db, actor, owner_id=owner_id, span=span, amount=None, key=key, now=now)
    with db.read() as s:
        currency = pref_store.workspace_settings(session=s, team_id=actor.team_id)[1]
    amount, span = core.read_target(
        text, today=today, language=actor.language, default_currency=currency
    )
    return save_target(db, actor, owner_id=owner_id, span=span, amount=amount, key=key, now=now)


@dataclass(frozen=True)
class TargetsForm:
    """What the targets modal offers: spans to pick, the workspace's default currency."""

    spans: list[Span]
    currency: str


def targets_form(db: Database, actor: Actor, *, today: date) -> TargetsForm:
    require_manager(actor, SET_TARGETS)
    with db.read() as s:
        currency = pref_store.workspace_settings(session=s, team_id=actor.team_id)[1]
    return TargetsForm(core.spans_to_pick(today), currency)


def target_from_form(
    db: Database,
    actor: Actor,
    *,
    owner_id: str,
    period: str,
    amount: str,
    currency: str,
    key: str | None,
    now: datetime,
) -> TargetSet:
    """The targets modal submitted (``FieldErrors`` name ``owner``, ``period``, ``value``)."""
    require_manager(actor, SET_TARGETS)
    money, span = core.read_target_form(
        owner_id=owner_id, period=period, amount=amount, currency=currency, language=actor.language
    )
    return save_target(db, actor, owner_id=owner_id, span=span, amount=money, key=key, now=now)
