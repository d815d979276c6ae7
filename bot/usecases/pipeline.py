"""Reading the pipeline: my or the team's open deals by stage, a deal card, the Home tab,
the stage list. Read-only; each returns a view the UI renders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.core.deals import Actor
from bot.core.errors import DomainError
from bot.core.forecast import Attainment
from bot.core.gates import gate_of
from bot.core.metrics import Scope
from bot.core.money import Money
from bot.core.stages import open_stages
from bot.usecases import checklists, record
from bot.usecases import forecast as forecasts
from bot.usecases.checklists import CardExtras
from bot.usecases.digest import (
    Listing,
    Reading,
    changes,
    due_listing,
    stale_cutoffs,
    stale_listing,
)
from bot.usecases.record import Line
from bot.usecases.views import DealView, StageGroup, deal_view, money_by_currency
from storage import aftersales as after_store
from storage import checklists as checklist_store
from storage import deals as store
from storage import digests as digest_store
from storage import metrics as metric_store
from storage import stages as stage_store
from storage import teamview as team_store
from storage.db import Database
from storage.models import Deal, Stage


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
        if team:
            forecasts.check_team_view(s, actor, forecasts.TEAM_PIPELINE)
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
class AfterClose:
    """A closed deal's after-sales (won) or win back (lost), and Grow links."""

    technique: str | None = None  # won: the closing technique that worked
    keep_check_on: date | None = None
    win_back_on: date | None = None
    grown_from: tuple[int, str] | None = None  # (id, name) of the won deal this one grows
    grow_deals: tuple[tuple[int, str, str], ...] = ()  # (id, name, status) started from it


@dataclass(frozen=True)
class Card:
    deal: DealView
    history: list[Move]
    contacts: list[tuple[str, str | None, str | None]]  # (name, role key, title)
    slips: int
    stage_probability: int
    extras: CardExtras
    stage_key: str | None = None  # the current stage's default key: its playbook
    today: date | None = None  # the reader's local date: overdue steps, passed close dates
    asks_for: str | None = None  # the checklist the current stage's gate wants, missing
    after: AfterClose = field(default_factory=AfterClose)
    record: list[Line] = field(default_factory=list)  # the latest changes (issue 15)


def card(db: Database, actor: Actor, *, deal_id: int, today: date | None = None) -> Card:
    """A deal card: stage (and its playbook), value, owner, history, contacts, next step,
    checklists, and after the close: technique, Keep check or win back, Grow links."""
    with db.read() as s:
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        history = store.deal_history(session=s, team_id=actor.team_id, deal_id=deal.id)
        contacts = store.deal_contacts(session=s, team_id=actor.team_id, deal_id=deal.id)
        slips = store.close_date_slips(session=s, team_id=actor.team_id, deal_id=deal.id)
        view = deal_view(deal, stages, s)
        after = _after_close(s, deal)
        have = checklist_store.checklist_kinds(session=s, team_id=actor.team_id, deal_id=deal.id)
        on_record = record.lines(s, actor.team_id, deal.id, limit=record.CARD_LINES, stages=False)
    stage = next(st for st in stages if st.id == deal.stage_id)
    gate = gate_of(stage)
    extras = checklists.card_extras(db, actor, deal_id=deal.id)
    return Card(
        deal=view,
        history=[Move(m.moved_at, m.from_name, m.to_name, m.moved_by) for m in history],
        contacts=[(c.name, c.role, c.title) for c in contacts],
        slips=slips,
        stage_probability=stage.probability,
        extras=extras,
        stage_key=stage.key,
        today=today,
        asks_for=gate.checklist if gate is not None and gate.checklist not in have else None,
        after=after,
        record=on_record,
    )


HOME_DUE = 100  # next steps due read for the Home tab (it shows 15 and counts the rest)


def _after_close(s, deal: Deal) -> AfterClose:
    grown_from = None
    if deal.grown_from_id is not None:
        try:
            won = store.get_deal(session=s, team_id=deal.team_id, deal_id=deal.grown_from_id)
            grown_from = (won.id, won.name)
        except DomainError:  # removed since: the link reads as nothing
            grown_from = None
    grows = after_store.list_grow_deals(session=s, team_id=deal.team_id, deal_id=deal.id)
    return AfterClose(
        technique=deal.won_technique,
        keep_check_on=deal.keep_check_on,
        win_back_on=deal.win_back_on,
        grown_from=grown_from,
        grow_deals=tuple((g.id, g.name, g.status) for g in grows),
    )


@dataclass(frozen=True)
class RepRow:
    """One rep's open deals on a manager's Home tab: how many per stage, value per currency."""

    owner_id: str
    count: int
    by_stage: tuple[tuple[str, int], ...]  # (stage name, open deals) in pipeline order
    totals: dict[str, Money]


@dataclass(frozen=True)
class TeamView:
    """A manager's Home tab: the team's open deals by rep and stage, quiet deals, overdue
    next steps, and this week's moves (``bot.usecases.digest.DealItem`` lists)."""

    reps: list[RepRow]
    stale: Listing
    overdue: Listing
    moves: dict[str, Listing]  # new | moved | won | lost, in the last 7 days


MINE, TEAM = "mine", "team"


@dataclass(frozen=True)
class Home:
    groups: list[StageGroup]
    due: list[DealView]  # next steps due from today to a week on
    stale: list[tuple[DealView, int]] = field(default_factory=list)  # (deal, quiet days)
    overdue: list[DealView] = field(default_factory=list)  # next steps due before today
    today: date | None = None
    view: str = MINE  # mine | team
    is_manager: bool = False
    team: TeamView | None = None
    targets: list[Attainment] = field(default_factory=list)  # this month's and quarter's


def home(
    db: Database,
    actor: Actor,
    *,
    now: datetime,
    today: date,
    view: str | None = None,
    tz: str = "UTC",
) -> Home:
    """The Home tab. A rep's own dashboard: open deals by stage, overdue next steps, next
    steps due this week, and quiet deals by the digest's stale rule (per-stage days,
    snoozes). A manager sees the team (``view`` "team", the default for managers) or their
    own deals ("mine")."""
    view = view if view in (MINE, TEAM) else (TEAM if actor.is_manager else MINE)
    view = view if actor.is_manager else MINE
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
        team = _team_view(s, actor.team_id, stages, now, today) if view == TEAM else None
        whose = () if actor.is_manager else mine  # managers: the team's attainment
        targets = forecasts.targets_now(s, actor.team_id, whose, today=today, tz=tz)
    views = [deal_view(d, stages) for d in deals]
    due = [deal_view(d, stages) for d in due]
    stale = [(deal_view(d, stages), (now - d.last_activity_at).days) for d in quiet]
    return Home(
        _groups(stages, opened.rows, views),
        [v for v in due if v.next_step_due >= today],
        stale,
        overdue=[v for v in due if v.next_step_due < today],
        today=today,
        view=view,
        is_manager=actor.is_manager,
        team=team,
        targets=targets,
    )


TEAM_TOP = 8  # deals per list on a manager's Home tab


def _team_view(s, team_id: str, stages: list[Stage], now: datetime, today: date) -> TeamView:
    opens = open_stages(stages)
    rows = team_store.open_totals_by_owner(session=s, team_id=team_id)
    reps: dict[str, list] = defaultdict(list)
    for r in rows:
        reps[r.owner_id].append(r)
    rep_rows = []
    for owner, mine in reps.items():
        counts = {st.id: sum(x.count for x in mine if x.stage_id == st.id) for st in opens}
        rep_rows.append(
            RepRow(
                owner_id=owner,
                count=sum(x.count for x in mine),
                by_stage=tuple((st.name, counts[st.id]) for st in opens if counts[st.id]),
                totals=money_by_currency((x.currency, x.value_cents) for x in mine),
            )
        )
    rep_rows.sort(key=lambda r: (-r.count, r.owner_id))
    everyone = Reading(s, team_id, (), stages, now, today, TEAM_TOP)
    return TeamView(
        reps=rep_rows,
        stale=stale_listing(everyone),
        overdue=due_listing(everyone),
        moves=changes(everyone, since=now - timedelta(days=7), until=now),
    )


@dataclass(frozen=True)
class StageList:
    stages: list[tuple[str, int, str]]  # (name, probability, kind)
    can_edit: bool


def stage_list(db: Database, actor: Actor) -> StageList:
    """``/pipeline stages``."""
    with db.read() as s:
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
    return StageList([(st.name, st.probability, st.kind) for st in stages], actor.is_manager)
