"""Reading the pipeline: my or the team's open deals by stage, a deal card, the Home tab,
the stage list. Read-only; each returns a view the UI renders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.core.deals import Actor
from bot.core.metrics import Scope
from bot.core.money import Money
from bot.core.stages import open_stages
from bot.usecases import checklists
from bot.usecases.checklists import CardExtras
from bot.usecases.digest import stale_cutoffs
from bot.usecases.views import DealView, StageGroup, deal_view, money_by_currency
from storage import deals as store
from storage import digests as digest_store
from storage import metrics as metric_store
from storage import stages as stage_store
from storage.db import Database
from storage.models import Stage


@dataclass(frozen=True)
class Pipeline:
    team: bool
    groups: list[StageGroup]
    grand: dict[str, Money]
    weighted: dict[str, Money]


def _groups(stages: list[Stage], totals, deals: list[DealView]) -> list[StageGroup]:
    by_stage: dict[int, list[DealView]] = defaultdict(list)
    for d in deals:
        by_stage[d.stage_id].append(d)
    groups = []
    for st in open_stages(stages):
        rows = [x for x in totals if x.stage_id == st.id]
        groups.append(
            StageGroup(
                name=st.name,
                count=sum(x.count for x in rows),
                totals=money_by_currency((x.currency, x.value_cents) for x in rows),
                deals=by_stage.get(st.id, []),
            )
        )
    return groups


PER_STAGE = 8  # deals read per stage: what ``/pipeline`` and the Home tab show at most


def pipeline(db: Database, actor: Actor, *, team: bool) -> Pipeline:
    """``/pipeline`` (mine) or ``/pipeline team``: the totals from one pass over the open
    deals, and only the deals shown (the most valuable of each stage)."""
    owner = None if team else actor.user_id
    with db.read() as s:
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        scope = Scope(actor.team_id, (owner,) if owner else ())
        opened = metric_store.open_pipeline(s, scope, stages)
        deals = store.top_open_deals(
            session=s,
            team_id=actor.team_id,
            stage_ids=[st.id for st in open_stages(stages)],
            owner_id=owner,
            per_stage=PER_STAGE,
        )
    views = [deal_view(d, stages) for d in deals]
    grand = money_by_currency((x.currency, x.value_cents) for x in opened.rows)
    return Pipeline(team, _groups(stages, opened.rows, views), grand, opened.weighted)


@dataclass(frozen=True)
class Move:
    at: datetime
    before: str | None  # None: created in ``after``
    after: str
    by: str


@dataclass(frozen=True)
class Card:
    deal: DealView
    history: list[Move]
    contacts: list[tuple[str, str | None]]  # (name, role key)
    slips: int
    stage_probability: int
    extras: CardExtras


def card(db: Database, actor: Actor, *, deal_id: int) -> Card:
    """A deal card: stage, value, owner, history, contacts, next step."""
    with db.read() as s:
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        history = store.deal_history(session=s, team_id=actor.team_id, deal_id=deal.id)
        contacts = store.deal_contacts(session=s, team_id=actor.team_id, deal_id=deal.id)
        slips = store.close_date_slips(session=s, team_id=actor.team_id, deal_id=deal.id)
        view = deal_view(deal, stages, s)
    stage = next(st for st in stages if st.id == deal.stage_id)
    extras = checklists.card_extras(db, actor, deal_id=deal.id)
    return Card(
        deal=view,
        history=[Move(m.moved_at, m.from_name, m.to_name, m.moved_by) for m in history],
        contacts=[(c.name, c.role) for c in contacts],
        slips=slips,
        stage_probability=stage.probability,
        extras=extras,
    )


HOME_DUE = 100  # next steps due read for the Home tab (it shows 15 and counts the rest)


@dataclass(frozen=True)
class Home:
    groups: list[StageGroup]
    due: list[DealView]
    stale: list[tuple[DealView, int]] = field(default_factory=list)  # (deal, quiet days)


def home(db: Database, actor: Actor, *, now: datetime, today: date) -> Home:
    """The user's own dashboard: open deals by stage, next steps due this week (or
    overdue), and quiet deals by the digest's stale rule (per-stage days, snoozes)."""
    mine = (actor.user_id,)
    with db.read() as s:
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        opened = metric_store.open_pipeline(s, Scope(actor.team_id, mine), stages)
        deals = store.top_open_deals(
            session=s,
            team_id=actor.team_id,
            stage_ids=[st.id for st in open_stages(stages)],
            owner_id=actor.user_id,
            per_stage=PER_STAGE,
        )
        due, _ = digest_store.list_due(
            session=s,
            team_id=actor.team_id,
            owners=mine,
            today=today + timedelta(days=7),
            include_today=True,
            awake_only=False,
            limit=HOME_DUE,
        )
        quiet, _ = digest_store.list_stale(
            session=s,
            team_id=actor.team_id,
            owners=mine,
            today=today,
            limit=50,
            cutoffs=stale_cutoffs(stages, now),
        )
    views = [deal_view(d, stages) for d in deals]
    stale = [(deal_view(d, stages), (now - d.last_activity_at).days) for d in quiet]
    return Home(_groups(stages, opened.rows, views), [deal_view(d, stages) for d in due], stale)


@dataclass(frozen=True)
class StageList:
    stages: list[tuple[str, int, str]]  # (name, probability, kind)
    can_edit: bool


def stage_list(db: Database, actor: Actor) -> StageList:
    """``/pipeline stages``."""
    with db.read() as s:
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
    return StageList([(st.name, st.probability, st.kind) for st in stages], actor.is_manager)
