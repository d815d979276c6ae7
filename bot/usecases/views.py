"""What use cases return about deals: plain views of stored rows, no Slack and no wording.

``handlers/ui`` turns these into Block Kit (translating labels from their keys), so a use
case never decides how anything reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session

from bot.core.money import Money
from bot.core.stages import OPEN
from storage import stages as stage_store
from storage.models import Deal, Stage
from storage.models_checklist import Activity, ChecklistVersion


@dataclass(frozen=True)
class DealView:
    """What the UI shows of a deal."""

    id: int
    name: str
    value: Money | None
    owner_id: str
    stage: str
    status: str = OPEN
    source: str | None = None  # a ``bot.core.sources`` key
    contact: str | None = None
    expected_close: date | None = None
    next_step: str | None = None
    next_step_due: date | None = None
    probability: int | None = None
    created_at: datetime | None = None
    stage_since: datetime | None = None
    last_activity_at: datetime | None = None
    lost_reason: str | None = None  # a ``bot.core.reasons`` key
    lost_note: str | None = None
    stage_id: int | None = None


def deal_money(deal: Deal) -> Money | None:
    return None if deal.value_cents is None else Money.from_cents(deal.value_cents, deal.currency)


def deal_view(deal: Deal, stages: Sequence[Stage], session: Session | None = None) -> DealView:
    """A stored deal as the UI shows it; with ``session``, also when it entered its stage."""
    stage = next((s for s in stages if s.id == deal.stage_id), None)
    since = (
        stage_store.stage_entered_at(session=session, team_id=deal.team_id, deal_id=deal.id)
        if session is not None
        else None
    )
    return DealView(
        id=deal.id,
        name=deal.name,
        value=deal_money(deal),
        owner_id=deal.owner_id,
        stage=stage.name if stage else "?",
        status=deal.status,
        source=deal.source,
        expected_close=deal.expected_close,
        next_step=deal.next_step,
        next_step_due=deal.next_step_due,
        probability=deal.probability,
        created_at=deal.created_at,
        stage_since=since,
        last_activity_at=deal.last_activity_at,
        lost_reason=deal.lost_reason,
        lost_note=deal.lost_note,
        stage_id=deal.stage_id,
    )


@dataclass(frozen=True)
class StageGroup:
    """Open deals of one stage: how many, their value per currency, the first few."""

    name: str
    count: int
    totals: dict[str, Money]
    deals: list[DealView] = field(default_factory=list)


def money_by_currency(pairs: Iterable[tuple[str, int]]) -> dict[str, Money]:
    """``(currency, cents)`` pairs summed per currency (never across currencies)."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for currency, cents in pairs:
        sums[currency] += Decimal(cents)
    return {c: Money.from_cents(v, c) for c, v in sums.items()}


@dataclass(frozen=True)
class VersionView:
    kind: str
    version: int
    data: dict
    filled: int
    parts: int
    by: str
    at: datetime


def version_view(v: ChecklistVersion) -> VersionView:
    return VersionView(v.kind, v.version, v.data, v.filled, v.parts, v.created_by, v.created_at)


@dataclass(frozen=True)
class ActivityView:
    kind: str  # meeting | note
    on: date
    notes: str
    by: str
    outcome: str | None = None
    attendees: Sequence[tuple[str, str | None, str | None]] = ()  # (name, role, title)
    next_step: str | None = None
    moved: tuple[str | None, str] | None = None  # ("Probing", "Presentation"): stage names
    link: str | None = None


def activity_view(a: Activity) -> ActivityView:
    return ActivityView(
        kind=a.kind,
        on=a.occurred_on,
        notes=a.notes,
        by=a.created_by,
        outcome=a.outcome,
        attendees=[(x["name"], x.get("role"), x.get("title")) for x in a.attendees or []],
        next_step=a.next_step,
        moved=(a.stage_from, a.stage_to) if a.stage_to else None,
        link=a.message_link,
    )


@dataclass(frozen=True)
class DealOption:
    id: int
    name: str
    status: str = OPEN
    suggested: bool = False  # not a match: the closest name to what was typed


@dataclass(frozen=True)
class HistoryPage:
    """One checklist's versions on one page of a deal's history."""

    kind: str
    versions: Sequence[VersionView]  # this page, newest first
    total: int  # versions of this checklist in all
    page: int = 1
    size: int = 5

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def older(self) -> int:
        """Versions older than the last one on this page."""
        return max(0, self.total - (self.page - 1) * self.size - len(self.versions))
