"""The forecast's and the targets' SQL (issue 15; the arithmetic is ``bot.core.forecast``):
open value by expected close day, won value and weighted pipeline per rep, the targets
themselves, and the workspace's "who sees the team" setting. ``GROUP BY`` queries; nothing
loads every deal into Python."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import case, func, literal
from sqlmodel import Session, select

from bot.core.forecast import ForecastRow, Span, Target
from bot.core.money import Money
from bot.core.stages import WON
from storage.inserts import insert_new
from storage.metrics import is_open
from storage.models import Deal, Workspace
from storage.models_forecast import SalesTarget

EVERYONE, MANAGERS = "everyone", "managers"
TEAM_VIEWS = (EVERYONE, MANAGERS)


def _owned(q, team_id: str, owners: Sequence[str]):
    q = q.where(Deal.team_id == team_id)
    return q.where(Deal.owner_id.in_(owners)) if owners else q


def _weighted_columns():
    """Count, value, value × own probability, value of deals without one (× stage's later)."""
    return (
        func.count(),
        func.coalesce(func.sum(Deal.value_cents), 0),
        func.coalesce(func.sum(Deal.value_cents * Deal.probability), 0),
        func.coalesce(func.sum(case((Deal.probability.is_(None), Deal.value_cents))), 0),
    )


def forecast_rows(
    *,
    session: Session,
    team_id: str,
    owners: Sequence[str],
    span: Span,
    this_month: date,
    probabilities: dict[int, int],
) -> list[ForecastRow]:
    """Open deals closing in ``span`` (from ``this_month`` on) by day and currency; and,
    apart, those without a close date (``when`` None) and before ``this_month``
    ("overdue"). ``probabilities``: open stage id → percent (other stages are left out)."""
    start = max(span.start, this_month)
    dated = _owned(
        select(Deal.expected_close, Deal.currency, Deal.stage_id, *_weighted_columns()),
        team_id,
        owners,
    ).where(is_open(), Deal.expected_close >= start, Deal.expected_close < span.end)
    bucket = case((Deal.expected_close.is_(None), literal("none")), else_=literal("overdue"))
    apart = _owned(
        select(bucket, Deal.currency, Deal.stage_id, *_weighted_columns()), team_id, owners
    ).where(is_open(), (Deal.expected_close.is_(None)) | (Deal.expected_close < this_month))
    rows = []
    for q in (
        dated.group_by(Deal.expected_close, Deal.currency, Deal.stage_id),
        apart.group_by(bucket, Deal.currency, Deal.stage_id),
    ):
        for when, currency, stage, n, value, own, bare in session.exec(q).all():
            if stage not in probabilities:
                continue
            when = None if when == "none" else when
            weighted = int(own) + int(bare) * probabilities[stage]
            rows.append(ForecastRow(when, currency, n, int(value), weighted))
    return rows


def won_by_owner(
    *, session: Session, team_id: str, owners: Sequence[str], start: datetime, end: datetime
) -> dict[str, dict[str, Money]]:
    """Value won per rep and currency among deals won in ``[start, end)``."""
    q = _owned(
        select(Deal.owner_id, Deal.currency, func.coalesce(func.sum(Deal.value_cents), 0)),
        team_id,
        owners,
    ).where(Deal.status == WON, Deal.closed_at >= start, Deal.closed_at < end)
    out: dict[str, dict[str, Money]] = defaultdict(dict)
    for owner, currency, cents in session.exec(q.group_by(Deal.owner_id, Deal.currency)).all():
        out[owner][currency] = Money.from_cents(int(cents), currency)
    return dict(out)


def weighted_by_owner(
    *,
    session: Session,
    team_id: str,
    owners: Sequence[str],
    start: date,
    end: date,
    probabilities: dict[int, int],
) -> dict[str, dict[str, Money]]:
    """The weighted pipeline per rep and currency of open deals closing in ``[start, end)``."""
    q = _owned(
        select(Deal.owner_id, Deal.currency, Deal.stage_id, *_weighted_columns()),
        team_id,
        owners,
    ).where(is_open(), Deal.expected_close >= start, Deal.expected_close < end)
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for owner, currency, stage, _n, _v, own, bare in session.exec(
        q.group_by(Deal.owner_id, Deal.currency, Deal.stage_id)
    ).all():
        if stage in probabilities:
            sums[owner][currency] += Decimal(int(own) + int(bare) * probabilities[stage])
    return {
        owner: {c: Money.from_cents(v / 100, c) for c, v in by.items()}
        for owner, by in sums.items()
    }


def list_targets(
    *, session: Session, team_id: str, owners: Sequence[str], start: date, end: date
) -> list[Target]:
    """Targets of spans starting in ``[start, end)`` (of ``owners``; none: everyone's)."""
    q = select(SalesTarget).where(
        SalesTarget.team_id == team_id,
        SalesTarget.period_start >= start,
        SalesTarget.period_start < end,
    )
    if owners:
        q = q.where(SalesTarget.owner_id.in_(owners))
    return [
        Target(
            r.owner_id, Span(r.period_start, r.months), Money.from_cents(r.amount_cents, r.currency)
        )
        for r in session.exec(q.order_by(SalesTarget.owner_id, SalesTarget.period_start)).all()
    ]


def _target_row(session: Session, team_id: str, owner_id: str, span: Span) -> SalesTarget | None:
    return session.exec(
        select(SalesTarget).where(
            SalesTarget.team_id == team_id,
            SalesTarget.owner_id == owner_id,
            SalesTarget.period_start == span.start,
            SalesTarget.months == span.months,
        )
    ).first()


def save_target(
    *,
    session: Session,
    team_id: str,
    owner_id: str,
    span: Span,
    amount: Money,
    by: str,
    now: datetime,
) -> Money | None:
    """Set (or replace) the rep's target for ``span``; the one it replaces."""
    target = {
        "amount_cents": amount.cents,
        "currency": amount.currency,
        "set_by": by,
        "set_at": now,
    }
    row = _target_row(session, team_id, owner_id, span)
    if row is None:
        row = SalesTarget(
            team_id=team_id,
            owner_id=owner_id,
            period_start=span.start,
            months=span.months,
            **target,
        )
        if insert_new(session=session, row=row):
            return None
        row = _target_row(session, team_id, owner_id, span)  # set meanwhile by a concurrent request
    before = Money.from_cents(row.amount_cents, row.currency)
    row.sqlmodel_update(target)
    session.add(row)
    session.flush()
    return before


def delete_target(*, session: Session, team_id: str, owner_id: str, span: Span) -> Money | None:
    """Remove the rep's target for ``span``; the one removed (None: there was none)."""
    row = _target_row(session, team_id, owner_id, span)
    if row is None:
        return None
    session.delete(row)
    session.flush()
    return Money.from_cents(row.amount_cents, row.currency)


def team_view(*, session: Session, team_id: str) -> str:
    """Who may see the team's pipeline: ``everyone`` (the default) or ``managers``."""
    view = session.exec(select(Workspace.team_view).where(Workspace.team_id == team_id)).first()
    return view if view in TEAM_VIEWS else EVERYONE


def set_team_view(*, session: Session, team_id: str, view: str) -> None:
    ws = session.get(Workspace, team_id, with_for_update=True) or Workspace(team_id=team_id)
    ws.team_view = view
    session.add(ws)
    session.flush()
