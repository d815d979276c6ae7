"""Imports (``/pipeline import``): the CSV drafts kept between the modal's steps, the deals a
re-import finds again (by external id, else by name and owner), and deals written as the
file says — created with their history starting at the imported stage on the imported
created date, or updated.

Keyword-only ``verb_noun(*, session, team_id, ...)`` functions that never commit; every
query is filtered by ``team_id``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from bot.core.errors import NotFound
from bot.core.i18n import N_
from bot.core.matching import name_keys
from bot.core.money import Money
from bot.core.stages import OPEN
from storage import record
from storage.deals import move_deal
from storage.metrics import live
from storage.models import Deal, DealChange, ImportDraft, Stage, StageMove

DRAFT_LIFE = timedelta(days=1)
GONE = N_("This import has expired or was already done. Run /pipeline import again.")


def save_import_draft(
    *, session: Session, team_id: str, user_id: str, filename: str, content: str, now: datetime
) -> int:
    """Keep a CSV for the next steps; drafts older than a day go."""
    session.exec(
        delete(ImportDraft).where(
            col(ImportDraft.team_id) == team_id, col(ImportDraft.created_at) < now - DRAFT_LIFE
        )
    )
    draft = ImportDraft(
        team_id=team_id, user_id=user_id, filename=filename[:200], content=content, created_at=now
    )
    session.add(draft)
    session.flush()
    assert draft.id is not None
    return draft.id


def get_import_draft(*, session: Session, team_id: str, user_id: str, draft_id: int) -> ImportDraft:
    """The user's own draft (another's, or a deleted one, is not found)."""
    draft = session.get(ImportDraft, draft_id)
    if draft is None or draft.team_id != team_id or draft.user_id != user_id:
        raise NotFound(GONE)
    return draft


def pin_import_plan(*, session: Session, team_id: str, draft_id: int, plan: str) -> None:
    """The preview's mapping and owners, for the confirmation to write exactly that."""
    draft = session.get(ImportDraft, draft_id)
    if draft is not None and draft.team_id == team_id and draft.done_at is None:
        draft.plan = plan
        session.add(draft)


def finish_import_draft(*, session: Session, team_id: str, draft_id: int, now: datetime) -> None:
    draft = session.get(ImportDraft, draft_id)
    if draft is not None and draft.team_id == team_id:
        draft.done_at = now
        draft.content = ""  # the deals hold it now; keep no copy of the file
        session.add(draft)


@dataclass(frozen=True)
class Known:
    """The workspace's deals a file's rows may name again."""

    by_external: dict[str, Deal]
    by_name_owner: dict[str, Deal]  # normalised name + "\x1f" + owner id (no external id)

    def find(self, external_id: str | None, match_key: str) -> Deal | None:
        if external_id and external_id in self.by_external:
            return self.by_external[external_id]
        found = self.by_name_owner.get(match_key)
        return found if found is not None and not found.external_id else None


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def find_known_deals(
    *, session: Session, team_id: str, external_ids: Iterable[str], name_keys_: Iterable[str]
) -> Known:
    """Deals with one of these external ids, and deals with one of these normalised names
    (each keyed by name and owner; the newest wins)."""
    by_external: dict[str, Deal] = {}
    for chunk in _chunks(sorted(set(external_ids))):
        q = select(Deal).where(Deal.team_id == team_id, col(Deal.external_id).in_(chunk), live())
        for deal in session.exec(q.order_by(col(Deal.id))).all():
            by_external[deal.external_id or ""] = deal
    by_name: dict[str, Deal] = {}
    for chunk in _chunks(sorted(set(name_keys_))):
        q = select(Deal).where(Deal.team_id == team_id, col(Deal.name_key).in_(chunk), live())
        for deal in session.exec(q.order_by(col(Deal.id))).all():
            by_name[deal.name_key + "\x1f" + deal.owner_id] = deal
    return Known(by_external, by_name)


@dataclass(frozen=True)
class ImportedDeal:
    """A row as it is written."""

    name: str
    owner_id: str
    stage: Stage
    value: Money | None
    source: str | None
    expected_close: date | None
    next_step: str | None
    created_at: datetime | None  # None: now
    external_id: str | None


def _on_record(session: Session, deal: Deal, field: str, old, new, *, by: str, now: datetime):
    """A field the file changes, kept on the deal's record like an edit (issue 15)."""
    record.record_deal_change(
        session=session, deal=deal, field=field, old=old, new=new, by=by, now=now
    )


def _deal_row(team_id: str, row: ImportedDeal, currency: str, by: str, now: datetime) -> dict:
    created = min(row.created_at or now, now)
    keys = name_keys(row.name)
    closed = None
    if row.stage.kind != OPEN:
        closed = created
        if row.expected_close and row.expected_close >= created.date():
            closed = min(datetime.combine(row.expected_close, created.timetz()), now)
    return {
        "team_id": team_id,
        "name": row.name,
        "name_key": keys.key,
        "name_fold": keys.folded,
        "name_compact": keys.compact,
        "value_cents": row.value.cents if row.value else None,
        "currency": row.value.currency if row.value else currency,
        "source": row.source,
        "owner_id": row.owner_id,
        "stage_id": row.stage.id,
        "status": row.stage.kind,
        "expected_close": row.expected_close,
        "next_step": row.next_step,
        "created_by": by,
        "created_at": created,
        "updated_at": now,
        "last_activity_at": now,
        "closed_at": closed,
        "external_id": row.external_id,
    }


def create_imported_deals(
    *,
    session: Session,
    team_id: str,
    rows: Sequence[ImportedDeal],
    currency: str,
    by: str,
    now: datetime,
) -> list[int]:
    """New deals, each in its imported stage since its created date: one history row into
    that stage (won and lost ones closed on their close date, else their created date).
    Their ids, in order. Written as bulk INSERTs (SQLAlchemy batches the rows of each table
    into a few statements): one ORM object and round trip per deal took seconds for 5,000."""
    if not rows:
        return []
    deals = [_deal_row(team_id, row, currency, by, now) for row in rows]
    returning = insert(Deal).returning(col(Deal.id), sort_by_parameter_order=True)
    ids = list(session.execute(returning, deals).scalars())
    moves = [
        {
            "team_id": team_id,
            "deal_id": deal_id,
            "from_stage_id": None,
            "to_stage_id": row.stage.id,
            "from_name": None,
            "to_name": row.stage.name,
            "from_status": None,
            "to_status": row.stage.kind,
            "moved_by": by,
            "moved_at": deal["created_at"],
        }
        for deal_id, row, deal in zip(ids, rows, deals, strict=True)
    ]
    session.execute(insert(StageMove), moves)
    closes = [
        {
            "team_id": team_id,
            "deal_id": deal_id,
            "field": record.CLOSE,
            "old": None,
            "new": record.encode_date(row.expected_close),
            "user_id": by,
            "at": now,
        }
        for deal_id, row in zip(ids, rows, strict=True)
        if row.expected_close
    ]
    if closes:
        session.execute(insert(DealChange), closes)
    return ids


def create_imported_deal(
    *, session: Session, team_id: str, row: ImportedDeal, currency: str, by: str, now: datetime
) -> Deal:
    """One new deal (``create_imported_deals``)."""
    [deal_id] = create_imported_deals(
        session=session, team_id=team_id, rows=[row], currency=currency, by=by, now=now
    )
    return session.get_one(Deal, deal_id)


def update_imported_deal(
    *, session: Session, team_id: str, deal: Deal, row: ImportedDeal, by: str, now: datetime
) -> Deal:
    """A deal the file names again: its fields as the file says (a field the file leaves
    empty is kept); a new stage is a move, kept in the history."""
    keys = name_keys(row.name)
    deal.name, deal.name_key, deal.name_fold, deal.name_compact = (
        row.name,
        keys.key,
        keys.folded,
        keys.compact,
    )
    _on_record(session, deal, record.OWNER, deal.owner_id, row.owner_id, by=by, now=now)
    deal.owner_id = row.owner_id
    if row.value is not None:
        old = record.encode_money(deal.value_cents, deal.currency)
        new = record.encode_money(row.value.cents, row.value.currency)
        _on_record(session, deal, record.VALUE, old, new, by=by, now=now)
        deal.value_cents, deal.currency = row.value.cents, row.value.currency
    deal.source = row.source or deal.source
    deal.next_step = row.next_step or deal.next_step
    deal.external_id = row.external_id or deal.external_id
    if row.expected_close and row.expected_close != deal.expected_close:
        old, new = map(record.encode_date, (deal.expected_close, row.expected_close))
        _on_record(session, deal, record.CLOSE, old, new, by=by, now=now)
        deal.expected_close = row.expected_close
    deal.updated_at = now
    session.add(deal)
    if row.stage.id != deal.stage_id:
        move_deal(session=session, team_id=team_id, deal=deal, to_stage=row.stage, by=by, now=now)
    return deal  # flushed with the rest: no round trip per deal
