"""``/pipeline stats`` (a period's metrics, stage conversion, where deals drop and why) and
``/pipeline export`` (the rows of two CSV files)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.core import metrics
from bot.core.deals import Actor, require_manager
from bot.core.forecast import Attainment
from bot.core.i18n import N_
from bot.core.slots import local_date
from bot.usecases import forecast as forecasts
from storage import digests as store
from storage import metrics as metric_store
from storage import stages as stage_store
from storage.db import Database


@dataclass(frozen=True)
class Stats:
    team: bool
    period: metrics.PeriodMetrics
    conversion: list[metrics.ConversionStep]
    lost: list[metrics.LostRow]
    weighted: dict
    targets: list[Attainment] = field(default_factory=list)  # this month's and quarter's


def stats(db: Database, actor: Actor, *, period: str, team: bool, now: datetime, tz: str) -> Stats:
    bounds = metrics.period_bounds(period, now=now, tz=tz)
    scope = metrics.Scope(actor.team_id, () if team else (actor.user_id,))
    with db.read() as s:
        if team:
            forecasts.check_team_view(s, actor, forecasts.TEAM_STATS)
        return Stats(
            team=team,
            period=metric_store.period_metrics(s, scope, bounds),
            conversion=metric_store.stage_conversion(s, scope, created_from=bounds.start),
            lost=metric_store.lost_breakdown(s, scope, bounds),
            weighted=metric_store.weighted_pipeline(s, scope),
            targets=forecasts.targets_now(
                s, actor.team_id, scope.owners, today=local_date(now, tz), tz=tz
            ),
        )


EXPORT_TEAM = N_(
    "Only a manager can export the whole team's deals. `/pipeline export` sends yours."
)


def check_export(actor: Actor, *, team: bool) -> None:
    if team:
        require_manager(actor, EXPORT_TEAM)


@dataclass(frozen=True)
class ExportDeal:
    """One deal of an export: the row, its stage's name, and its effective win probability
    (its own, else its stage's)."""

    deal: object  # storage.models.Deal
    stage: str
    probability: int


@dataclass(frozen=True)
class ExportMove:
    move: object  # storage.models.StageMove
    deal_name: str


@dataclass(frozen=True)
class Export:
    deals: bytes
    deal_count: int
    moves: bytes
    move_count: int


Encoder = Callable[[Iterable], tuple[bytes, int]]


def export(
    db: Database, actor: Actor, *, team: bool, deals_csv: Encoder, moves_csv: Encoder
) -> Export:
    """Every deal and every stage move of the user's deals (or, for managers, the team's),
    streamed from the database into the given encoders (``handlers/ui/export``)."""
    check_export(actor, team=team)
    owners = () if team else (actor.user_id,)
    with db.read() as s:
        chance = {
            st.id: st.probability
            for st in stage_store.list_stages(session=s, team_id=actor.team_id)
        }
        deals, n_deals = deals_csv(
            ExportDeal(
                d,
                stage,
                d.probability if d.probability is not None else chance.get(d.stage_id, 0),
            )
            for d, stage in store.iter_deals_for_export(
                session=s, team_id=actor.team_id, owners=owners
            )
        )
        moves, n_moves = moves_csv(
            ExportMove(m, name)
            for m, name in store.iter_moves_for_export(
                session=s, team_id=actor.team_id, owners=owners
            )
        )
    return Export(deals, n_deals, moves, n_moves)
