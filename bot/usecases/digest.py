"""What a digest says — and a rep's daily reminder — as plain data, gathered in one place.

``gather_digest`` reads the numbers (``bot.core.metrics``, SQL aggregates) and the short lists
(top items plus a count, ``storage.digests``) for one scope at one moment; the Slack side
renders it (``handlers/ui/digest.py``) and draws the funnel
(``handlers/ui/chart.py``). No Slack here.

"Changes since the previous digest" are the stage moves and close-date slips in
``(since, until]``: for a scheduled digest ``since`` is the previous posted digest's slot
(or a day before the first one) and ``until`` its own slot, so consecutive digests neither
miss nor repeat a change, however late each was posted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cached_property

from sqlmodel import Session

from bot.core import metrics
from bot.core.gates import gate_of
from bot.core.money import Money
from bot.core.slots import local_date
from bot.core.stages import LOST, OPEN, WON
from bot.usecases import checklists
from bot.usecases import forecast as forecasts
from bot.usecases.leavers import leavers_in
from bot.usecases.views import deal_money
from storage import aftersales as after_store
from storage import checklists as checklist_store
from storage import claims as claim_store
from storage import digests as digest_store
from storage import metrics as metric_store
from storage import stages as stage_store
from storage import teamview as team_store
from storage.db import Database, run_once
from storage.models import Deal, Stage

DEFAULT_STALE_DAYS = 14
DIGEST = "digest"  # the claim kind of a scheduled digest
TOP = 5  # items shown per list; the rest are counted
METRICS_PERIOD = "30d"

#: ``(session, team_id, deal_ids) -> {deal_id: "SPIN 4/4 · BATNA 2/6"}``: checklist
#: completion next to the deals that need attention (``bot.usecases.checklists.completion``).
CompletionHook = Callable[[Session, str, Sequence[int]], dict[int, str]]


@dataclass(frozen=True)
class DealItem:
    id: int
    name: str
    owner_id: str
    stage: str
    value: Money | None
    quiet_days: int | None = None  # stale
    next_step: str | None = None
    due: date | None = None  # next step due
    moved_from: str | None = None  # changes: from → to
    moved_to: str | None = None
    lost_reason: str | None = None
    close_was: date | None = None  # slipped close date
    close_now: date | None = None
    snoozed_until: date | None = None
    snooze_reason: str | None = None
    completion: str | None = None  # checklist completion, when the hook gives it
    stage_id: int | None = None  # the stage it is in (a move button carries it)
    path: tuple[str, ...] = ()  # moved: every stage it went through in the period, in order
    asks_for: str | None = None  # its stage's gate wants this checklist, and it has none
    lost_note: str | None = None
    closed_on: date | None = None  # won or lost: when
    technique: str | None = None  # won: the closing technique


@dataclass(frozen=True)
class Listing:
    items: list[DealItem]
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.items), 0)


EMPTY = Listing([], 0)


@dataclass(frozen=True)
class Digest:
    team_id: str
    owners: tuple[str, ...]
    now: datetime
    since: datetime
    until: datetime
    today: date
    tz: str
    stages: list[metrics.StageOpen]
    totals: dict[str, metrics.Totals]
    weighted: dict[str, Money]
    period: metrics.PeriodMetrics
    conversion: list[metrics.ConversionStep]
    changes: dict[str, Listing]  # new | moved | won | lost
    slipped: Listing
    stale: Listing
    overdue: Listing
    snoozed: Listing
    extra: dict = field(default_factory=dict)
    first: bool = False  # the channel's first digest: "since" is a day back, not a digest
    targets: list = field(default_factory=list)  # issue 15: this month's/quarter's attainment

    @property
    def open_count(self) -> int:
        return sum(t.count for t in self.totals.values())


@dataclass(frozen=True)
class Reminder:
    """A rep's daily DM: next steps due today or overdue, deals gone stale, and after the
    close: lost deals to try again (win back) and won deals to check on (is Keep safe?)."""

    team_id: str
    owner_id: str
    today: date
    due: Listing
    stale: Listing
    win_back: Listing = EMPTY
    keep_check: Listing = EMPTY

    @property
    def empty(self) -> bool:
        return not (
            self.due.total or self.stale.total or self.win_back.total or self.keep_check.total
        )


# --- gathering --------------------------------------------------------------------------


def stale_cutoffs(stages: Sequence[Stage], now: datetime) -> dict[int, datetime]:
    """Per open stage: a deal whose last activity (or move) is at or before this is stale."""
    return {
        s.id: now - timedelta(days=s.stale_days or DEFAULT_STALE_DAYS)
        for s in stages
        if s.kind == OPEN
    }


def _item(deal: Deal, names: dict[int, str], now: datetime, **kw) -> DealItem:
    return DealItem(
        id=deal.id,
        name=deal.name,
        owner_id=deal.owner_id,
        stage=names.get(deal.stage_id, "?"),
        stage_id=deal.stage_id,
        value=deal_money(deal),
        next_step=deal.next_step,
        due=deal.next_step_due,
        snoozed_until=deal.snoozed_until,
        snooze_reason=deal.snooze_reason,
        **kw,
    )


@dataclass(frozen=True)
class Reading:
    """What every list of a digest, a reminder or the team view is read with: one scope
    (``owners``; empty: everyone) of a workspace at one moment, ``top`` items a list."""

    session: Session
    team_id: str
    owners: tuple[str, ...]
    stages: Sequence[Stage]
    now: datetime
    today: date
    top: int

    @cached_property
    def names(self) -> dict[int, str]:
        return {s.id: s.name for s in self.stages}

    @property
    def scope(self) -> dict:
        """The keyword arguments that say whose deals to read (``storage.digests``)."""
        return {"session": self.session, "team_id": self.team_id, "owners": self.owners}

    def item(self, deal: Deal, **kw) -> DealItem:
        return _item(deal, self.names, self.now, **kw)


def _stale_listing(r: Reading) -> Listing:
    rows, total = digest_store.list_stale(
        **r.scope, cutoffs=stale_cutoffs(r.stages, r.now), today=r.today, limit=r.top
    )
    return Listing([r.item(d, quiet_days=(r.now - d.last_activity_at).days) for d in rows], total)


def _due_listing(r: Reading, *, include_today: bool) -> Listing:
    rows, total = digest_store.list_due(
        **r.scope, today=r.today, limit=r.top, include_today=include_today
    )
    return Listing([r.item(d) for d in rows], total)


def _moved(r: Reading, kind: str, since: datetime, until: datetime, total: int) -> Listing:
    rows = digest_store.list_moves(**r.scope, kind=kind, since=since, until=until, limit=r.top)
    items = [
        r.item(
            d,
            moved_from=m.from_name,
            moved_to=m.to_name,
            lost_reason=d.lost_reason if kind == LOST else None,
            lost_note=d.lost_note if kind == LOST else None,
            technique=d.won_technique if kind == WON else None,
        )
        for m, d in rows
    ]
    return Listing(items, total)


def changes(r: Reading, *, since: datetime, until: datetime) -> dict[str, Listing]:
    """New, moved, won and lost deals in ``(since, until]``; a moved deal with the whole
    path it took in that time (``Probing → Presentation → Negotiation``)."""
    totals = digest_store.count_moves(**r.scope, since=since, until=until)
    out = {kind: _moved(r, kind, since, until, totals[kind]) for kind in digest_store.MOVE_KINDS}
    moved = out.get("moved")
    if moved and moved.items:
        paths = team_store.list_move_paths(
            session=r.session,
            team_id=r.team_id,
            deal_ids=[i.id for i in moved.items],
            since=since,
            until=until,
        )
        out["moved"] = Listing(
            [replace(i, path=_path(paths.get(i.id, []))) for i in moved.items], moved.total
        )
    return out


def _path(moves: list[tuple[str | None, str]]) -> tuple[str, ...]:
    """``[(A, B), (B, C)]`` → ``(A, B, C)``; a move from elsewhere starts again."""
    path: list[str] = []
    for before, after in moves:
        if before and (not path or path[-1] != before):
            path.append(before)
        path.append(after)
    return tuple(path)


# The attention lists with the checklist each deal's stage asks for (also the team view's).


def stale_listing(r: Reading) -> Listing:
    return _asking(r, _stale_listing(r))


def due_listing(r: Reading) -> Listing:
    return _asking(r, _due_listing(r, include_today=False))


def _asking(r: Reading, listing: Listing) -> Listing:
    """Each item with the checklist its stage's gate wants and it lacks (``asks_for``)."""
    if not listing.items:
        return listing
    gates = {s.id: gate_of(s) for s in r.stages}
    stage_ids = {s.name: s.id for s in r.stages}
    have = checklist_store.checklist_kinds_of(
        session=r.session, team_id=r.team_id, deal_ids=[i.id for i in listing.items]
    )
    out = []
    for item in listing.items:
        gate = gates.get(stage_ids.get(item.stage, -1))
        missing = (
            gate.checklist if gate and gate.checklist not in have.get(item.id, set()) else None
        )
        out.append(replace(item, asks_for=missing))
    return Listing(out, listing.total)


def _slipped(r: Reading, *, since: datetime, until: datetime, tz: str) -> Listing:
    """Close dates moved later, then those that passed with nobody moving them."""
    slips, slip_total = digest_store.list_slipped(**r.scope, since=since, until=until, limit=r.top)
    passed, passed_total = digest_store.list_close_passed(
        **r.scope, first_day=local_date(since, tz), today=r.today, limit=r.top
    )
    moved_ids = {d.id for d, _, _ in slips}
    passed_total -= sum(1 for d in passed if d.id in moved_ids)  # listed once, as moved
    items = [
        *(r.item(d, close_was=old, close_now=new) for d, old, new in slips),
        *(r.item(d, close_was=d.expected_close) for d in passed if d.id not in moved_ids),
    ]
    return Listing(items[: r.top], slip_total + passed_total)


def gather_digest(
    session: Session,
    *,
    team_id: str,
    owners: Sequence[str] = (),
    now: datetime,
    since: datetime,
    until: datetime,
    tz: str,
    top: int = TOP,
    completion: CompletionHook | None = None,
    first: bool = False,
) -> Digest:
    """``first``: no digest was posted in the channel before (``since`` is a day back)."""
    owners = tuple(owners)
    scope = metrics.Scope(team_id, owners)
    stages = stage_store.list_stages(session=session, team_id=team_id)
    today = local_date(now, tz)
    r = Reading(session, team_id, owners, stages, now, today, top)
    moves = changes(r, since=since, until=until)
    slipped = _slipped(r, since=since, until=until, tz=tz)
    snoozed, snoozed_total = digest_store.list_snoozed(**r.scope, today=today, limit=top)
    opened = metric_store.open_pipeline(session, scope, stages)  # one pass over open deals
    digest = Digest(
        team_id=team_id,
        owners=owners,
        now=now,
        since=since,
        until=until,
        today=today,
        tz=tz,
        stages=opened.stages,
        totals=opened.totals,
        weighted=opened.weighted,
        period=metric_store.period_metrics(
            session,
            scope,
            metrics.period_bounds(METRICS_PERIOD, now=now, tz=tz),
            totals=opened.totals,
        ),
        conversion=metric_store.stage_conversion(
            session, scope, created_from=now - timedelta(days=90)
        ),
        changes=moves,
        slipped=slipped,
        stale=_stale_listing(r),
        overdue=_due_listing(r, include_today=False),
        snoozed=Listing([r.item(d) for d in snoozed], snoozed_total),
        extra={"leavers": leavers_in(session, team_id, owners)},  # issue 15: to reassign
    )
    digest = with_completion(session, digest, completion or checklists.completion)
    return replace(
        digest,
        stale=_asking(r, digest.stale),
        overdue=_asking(r, digest.overdue),
        first=first,
        targets=forecasts.targets_now(session, team_id, owners, today=today, tz=tz),
    )


def with_completion(session: Session, digest: Digest, hook: CompletionHook) -> Digest:
    """Fill each attention item's checklist completion from ``hook``."""
    ids = [i.id for i in (*digest.stale.items, *digest.overdue.items)]
    done = hook(session, digest.team_id, ids) if ids else {}

    def fill(listing: Listing) -> Listing:
        return Listing(
            [replace(i, completion=done.get(i.id)) for i in listing.items], listing.total
        )

    return replace(digest, stale=fill(digest.stale), overdue=fill(digest.overdue))


def gather_reminder(
    session: Session, *, team_id: str, owner_id: str, now: datetime, tz: str, top: int = 10
) -> Reminder:
    stages = stage_store.list_stages(session=session, team_id=team_id)
    today = local_date(now, tz)
    r = Reading(session, team_id, (owner_id,), stages, now, today, top)
    lost, lost_total = after_store.list_win_backs_due(
        session=session, team_id=team_id, owner_id=owner_id, today=today, limit=top
    )
    won, won_total = after_store.list_keep_checks_due(
        session=session, team_id=team_id, owner_id=owner_id, today=today, limit=top
    )

    def closed(d: Deal, **kw) -> DealItem:
        on = local_date(d.closed_at, tz) if d.closed_at else None
        return r.item(d, closed_on=on, **kw)

    return Reminder(
        team_id=team_id,
        owner_id=owner_id,
        today=today,
        due=_asking(r, _due_listing(r, include_today=True)),
        stale=_asking(r, _stale_listing(r)),
        win_back=Listing(
            [closed(d, lost_reason=d.lost_reason, lost_note=d.lost_note) for d in lost],
            lost_total,
        ),
        keep_check=Listing([closed(d, technique=d.won_technique) for d in won], won_total),
    )


# --- what the scheduled jobs read -------------------------------------------------------

FIRST_DIGEST_LOOKBACK = timedelta(days=1)  # "since" of a channel's first digest


def last_digest_slot(db: Database, *, team_id: str, channel_id: str, before=None):
    """The slot of the channel's latest posted digest (before ``before``), or ``None``."""
    with db.read() as s:
        prev = claim_store.last_posted(
            session=s, team_id=team_id, kind=DIGEST, target=channel_id, before=before
        )
    return prev.slot if prev else None


def build_digest(db: Database, **kw) -> Digest:
    with db.read() as s:
        return gather_digest(s, **kw)


def build_reminder(db: Database, **kw) -> Reminder:
    with db.read() as s:
        return gather_reminder(s, **kw)


def teams_to_remind(db: Database) -> list[str]:
    """Workspaces with open deals, or with a win back or a Keep check set (a wide net; each
    owner's list is then exact)."""
    with db.read() as s:
        teams = digest_store.list_teams_with_open_deals_all_teams(session=s)
        more = after_store.list_teams_with_followups_all_teams(session=s)
    return list(dict.fromkeys([*teams, *more]))


def owners_to_remind(db: Database, *, team_id: str, now: datetime, kind: str) -> list[str]:
    """Reps of a workspace with a next step due or a deal gone quiet, not yet reminded in
    the last 20 hours (claims of ``kind``)."""
    with db.read() as s:
        stages = stage_store.list_stages(session=s, team_id=team_id)
        quickest = min(
            (st.stale_days or DEFAULT_STALE_DAYS for st in stages if st.kind == OPEN),
            default=DEFAULT_STALE_DAYS,
        )
        owners = digest_store.list_owners_to_remind(
            session=s,
            team_id=team_id,
            due_by=now.date() + timedelta(days=1),  # "today" somewhere on Earth
            quiet_since=now - timedelta(days=quickest),
        )
        more = after_store.list_owners_with_followups(
            session=s, team_id=team_id, due_by=now.date() + timedelta(days=1)
        )
        done = claim_store.posted_targets_since(
            session=s, team_id=team_id, kind=kind, since=now - timedelta(hours=20)
        )
    return [o for o in sorted({*owners, *more}) if o not in done]


# --- "See all" under a digest's list ------------------------------------------------------

FULL_LIST = 100  # items "See all" shows


@dataclass(frozen=True)
class FullList:
    why: str  # stale | overdue
    listing: Listing
    today: date


def full_list(
    db: Database, actor, *, why: str, owners: tuple[str, ...], now: datetime, tz: str
) -> FullList:
    """Every stale deal (or overdue next step) of the digest's scope, not just the top
    few: what "See all" shows. Read for whoever pressed it, in their workspace."""
    today = local_date(now, tz)
    with db.read() as s:
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        r = Reading(s, actor.team_id, tuple(owners), stages, now, today, FULL_LIST)
        if why == "overdue":
            listing = due_listing(r)
        else:
            why = "stale"
            listing = stale_listing(r)
    return FullList(why, listing, today)


def now_slot(
    db: Database, *, team_id: str, key: str | None, now: datetime
) -> tuple[datetime, bool]:
    """The slot a ``/digest now`` request posts for, and whether this is its first delivery:
    the request's minute (two requests in one minute post once); a replay of the same
    request (Slack's retry, the same signed request sent again) gets the first one's slot
    back — however much later it comes — and ``False``."""
    slot = now.replace(second=0, microsecond=0)
    return run_once(
        db,
        team_id=team_id,
        key=f"digest_now:{key}" if key else None,
        work=lambda session: ((slot, True), slot.isoformat()),
        replay=lambda session, record: (datetime.fromisoformat(record), False),
    )
