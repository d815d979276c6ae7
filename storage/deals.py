"""Reading and writing deals, their history and contacts.

Keyword-only functions named ``verb_noun(*, session, team_id, ...)``. They never
commit: the caller's ``Database.transaction()`` makes each change one transaction.
Every query is filtered by ``team_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import union_all, update
from sqlmodel import Session, col, select

from bot.core.errors import InvalidInput, NotFound
from bot.core.i18n import N_
from bot.core.matching import name_keys, normalise
from bot.core.money import Money
from bot.core.stages import LOST, OPEN, open_stages
from storage import record
from storage.inserts import columns_of
from storage.metrics import is_open, live
from storage.models import Contact, Deal, Stage, StageMove
from storage.stages import get_stage, list_stages
from storage.workspaces import default_currency

# --- stages -----------------------------------------------------------------------------


# --- deals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewDeal:
    name: str
    owner_id: str
    value: Money | None = None
    source: str | None = None
    contact_name: str | None = None
    contact_role: str | None = None
    expected_close: date | None = None
    next_step: str | None = None
    next_step_due: date | None = None
    probability: int | None = None


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(N_("A deal needs a name."), field="name")
    if len(name) > 200:
        raise InvalidInput(N_("A deal name can be at most 200 characters."), field="name")
    if not any(ch.isalnum() for ch in name):  # such names would all match one another
        raise InvalidInput(
            N_("A deal name needs a letter or a digit, like “Acme” or “PT 99”."), field="name"
        )
    return name


def find_open_duplicates(*, session: Session, team_id: str, name: str) -> list[Deal]:
    return list(
        session.exec(
            select(Deal).where(
                Deal.team_id == team_id, Deal.name_key == normalise(name), Deal.status == OPEN
            )
        ).all()
    )


def create_deal(
    *, session: Session, team_id: str, new: NewDeal, created_by: str, now: datetime
) -> Deal:
    stages = list_stages(session=session, team_id=team_id)
    first = open_stages(stages)[0]
    deal = Deal(
        team_id=team_id,
        **_name_columns(new.name),
        **columns_of(new, skip={"name", "value", "contact_name", "contact_role"}),
        value_cents=new.value.cents if new.value else None,
        currency=new.value.currency if new.value else default_currency(session, team_id),
        stage_id=first.id,
        created_by=created_by,
        created_at=now,
        updated_at=now,
        last_activity_at=now,
    )
    session.add(deal)
    session.flush()
    session.add(_stage_move(deal, None, first, by=created_by, now=now))
    if new.expected_close:
        _record_close_date(session, deal, None, new.expected_close, by=created_by, now=now)
    if new.contact_name:
        _set_primary_contact(session, deal, new.contact_name.strip(), new.contact_role, now)
    session.flush()
    return deal


def _name_columns(name: str) -> dict[str, str]:
    """The deal's cleaned name and the keys lookups find it by (``name_keys``)."""
    name = clean_name(name)
    keys = name_keys(name)
    return {
        "name": name,
        "name_key": keys.key,
        "name_fold": keys.folded,
        "name_compact": keys.compact,
    }


def _record_close_date(session: Session, deal: Deal, old, new, *, by: str, now: datetime) -> None:
    old, new = record.encode_date(old), record.encode_date(new)
    _record(session, deal, record.CLOSE, old, new, by, now)


def _set_primary_contact(
    session: Session, deal: Deal, name: str, role: str | None, now: datetime
) -> None:
    """The deal's primary contact becomes ``name`` (added, renamed, or removed when empty)."""
    primary = session.exec(
        select(Contact).where(
            Contact.team_id == deal.team_id, Contact.deal_id == deal.id, Contact.is_primary == True
        )
    ).first()
    if primary is None and name:
        session.add(
            Contact(
                team_id=deal.team_id,
                deal_id=deal.id,
                name=name,
                role=role,
                is_primary=True,
                created_at=now,
            )
        )
    elif primary is not None and not name:
        session.delete(primary)  # the form's contact name was cleared
    elif primary is not None:
        primary.name, primary.role = name, role
        session.add(primary)


def get_deal(*, session: Session, team_id: str, deal_id: int, deleted: bool = False) -> Deal:
    """A deal by id; a deleted one only with ``deleted`` (an audit read, an undo)."""
    deal = session.get(Deal, deal_id)
    if deal is None or deal.team_id != team_id:
        raise NotFound(N_("That deal no longer exists."))
    if deal.deleted_at is not None and not deleted:
        _gone(session, deal)
    return deal


def ensure_live(*, session: Session, deal: Deal) -> None:
    """Refuse a deleted deal (``lock_deal(deleted=True)`` read it)."""
    if deal.deleted_at is not None:
        _gone(session, deal)


def _gone(session: Session, deal: Deal) -> None:
    """The refusal for a deleted deal: merged (into which deal), or deleted."""
    into = session.get(Deal, deal.merged_into) if deal.merged_into else None
    if into is not None and into.team_id == deal.team_id and into.deleted_at is None:
        raise NotFound(
            N_("“{deal}” was merged into “{into}”: look at /pipeline {into}."),
            deal=deal.name,
            into=into.name,
        )
    raise NotFound(N_("“{deal}” was deleted."), deal=deal.name)


def lock_deal(*, session: Session, team_id: str, deal_id: int, deleted: bool = False) -> Deal:
    """Read a deal to change it, one change of a deal at a time: PostgreSQL locks its row
    (``FOR UPDATE``). SQLite has no row locks, and its driver begins a transaction only at
    the first write, so a plain read could see a deal another request is changing: a no-op
    write first takes the database's write lock (waiting for a concurrent writer to commit),
    and the read after it sees the latest row until this transaction ends."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(Deal)
            .where(col(Deal.id) == deal_id, Deal.team_id == team_id)
            .values(updated_at=Deal.updated_at)  # in no index, no trigger: nothing to redo
            .execution_options(synchronize_session=False)
        )
    deal = session.exec(
        select(Deal)
        .where(Deal.id == deal_id, Deal.team_id == team_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if deal is None:
        raise NotFound(N_("That deal no longer exists."))
    if deal.deleted_at is not None and not deleted:
        _gone(session, deal)
    return deal


def deal_names(
    *, session: Session, team_id: str, status: str | None = None
) -> list[tuple[int, str]]:
    q = select(Deal.id, Deal.name).where(Deal.team_id == team_id, live())
    if status:
        q = q.where(Deal.status == status)
    return [(i, n) for i, n in session.exec(q.order_by(Deal.id)).all()]


@dataclass(frozen=True)
class DealChanges:
    name: str | None = None
    value: Money | None = None
    clear_value: bool = False
    source: str | None = None
    clear_source: bool = False
    owner_id: str | None = None
    expected_close: date | None = None
    clear_close: bool = False
    next_step: str | None = None
    next_step_due: date | None = None
    probability: int | None = None
    clear_probability: bool = False
    contact_name: str | None = None
    contact_role: str | None = None


def update_deal(
    *, session: Session, team_id: str, deal: Deal, changes: DealChanges, by: str, now: datetime
) -> Deal:
    if changes.name is not None:
        deal.sqlmodel_update(_name_columns(changes.name))
    old_value = record.encode_money(deal.value_cents, deal.currency)
    if changes.value is not None:
        deal.value_cents = changes.value.cents
        deal.currency = changes.value.currency
    elif changes.clear_value:
        deal.value_cents = None
    _record(
        session,
        deal,
        record.VALUE,
        old_value,
        record.encode_money(deal.value_cents, deal.currency),
        by,
        now,
    )
    if changes.source is not None:
        deal.source = changes.source
    elif changes.clear_source:
        deal.source = None
    if changes.owner_id is not None:
        record.set_deal_owner(
            session=session, team_id=team_id, deal=deal, owner_id=changes.owner_id, by=by, now=now
        )
    new_close = None if changes.clear_close else changes.expected_close
    if (
        changes.clear_close or changes.expected_close is not None
    ) and new_close != deal.expected_close:
        _record_close_date(session, deal, deal.expected_close, new_close, by=by, now=now)
        deal.expected_close = new_close
    if changes.next_step is not None:
        deal.next_step = changes.next_step or None
        deal.next_step_due = changes.next_step_due
    old_probability = deal.probability
    if changes.probability is not None:
        deal.probability = changes.probability
    elif changes.clear_probability:
        deal.probability = None
    _record(
        session, deal, record.PROBABILITY, _text(old_probability), _text(deal.probability), by, now
    )
    if changes.contact_name is not None:
        _set_primary_contact(session, deal, changes.contact_name, changes.contact_role, now)
    deal.updated_at = now  # an edit is not activity: staleness counts meetings, notes, moves
    session.add(deal)
    session.flush()
    return deal


def _text(n: int | None) -> str | None:
    return None if n is None else str(n)


def _record(session: Session, deal: Deal, field: str, old, new, by: str, now: datetime) -> None:
    record.record_deal_change(
        session=session, deal=deal, field=field, old=old, new=new, by=by, now=now
    )


def move_deal(
    *,
    session: Session,
    team_id: str,
    deal: Deal,
    to_stage: Stage,
    by: str,
    now: datetime,
    lost_reason: str | None = None,
    lost_note: str | None = None,
) -> StageMove:
    """Move a deal to a stage (an open one, or Won/Lost to close it); history is appended."""
    from_stage = get_stage(session=session, team_id=team_id, stage_id=deal.stage_id)
    move = _stage_move(deal, from_stage, to_stage, by=by, now=now)
    deal.stage_id = to_stage.id
    deal.status = to_stage.kind
    if to_stage.kind == OPEN:
        deal.closed_at = None
        deal.lost_reason = None
        deal.lost_note = None
    else:
        deal.closed_at = now
        deal.lost_reason = lost_reason if to_stage.kind == LOST else None
        deal.lost_note = lost_note if to_stage.kind == LOST else None
    deal.updated_at = now
    deal.last_activity_at = now
    session.add(move)
    session.add(deal)
    session.flush()
    return move


def _stage_move(
    deal: Deal, from_stage: Stage | None, to_stage: Stage, *, by: str, now: datetime
) -> StageMove:
    """The history row of ``deal`` (still in ``from_stage``) going to ``to_stage``; from
    nowhere (``from_stage`` None) when the deal is created."""
    return StageMove(
        team_id=deal.team_id,
        deal_id=deal.id,
        from_stage_id=from_stage.id if from_stage else None,
        to_stage_id=to_stage.id,
        from_name=from_stage.name if from_stage else None,
        to_name=to_stage.name,
        from_status=deal.status if from_stage else None,
        to_status=to_stage.kind,
        moved_by=by,
        moved_at=now,
    )


def deal_history(*, session: Session, team_id: str, deal_id: int) -> list[StageMove]:
    return list(
        session.exec(
            select(StageMove)
            .where(StageMove.team_id == team_id, StageMove.deal_id == deal_id)
            .order_by(StageMove.moved_at, StageMove.id)
        ).all()
    )


def deal_contacts(*, session: Session, team_id: str, deal_id: int) -> list[Contact]:
    return list(
        session.exec(
            select(Contact)
            .where(Contact.team_id == team_id, Contact.deal_id == deal_id)
            .order_by(col(Contact.is_primary).desc(), Contact.id)
        ).all()
    )


def close_date_slips(*, session: Session, team_id: str, deal_id: int) -> int:
    """How often the expected close date moved later (a slip): ``storage.record``."""
    return record.close_date_slips(session=session, team_id=team_id, deal_id=deal_id)


# --- pipeline views ---------------------------------------------------------------------


def top_open_deals(
    *,
    session: Session,
    team_id: str,
    stage_ids: Sequence[int],
    per_stage: int,
    owner_id: str | None = None,
) -> list[Deal]:
    """The ``per_stage`` most valuable open deals of each stage (no value last, then oldest
    first), by stage. One statement of per-stage ``LIMIT``s, each a few entries of the
    partial index ``ix_deal_open_top`` (``ix_deal_open_owner`` for one owner): a
    ``row_number()`` window would read every open deal (0.1 s at 170,000 on SQLite)."""
    value_first = (col(Deal.value_cents).desc().nulls_last(), col(Deal.id))
    if not stage_ids:
        return []
    tops = []
    for stage_id in stage_ids:
        q = select(Deal.id).where(Deal.team_id == team_id, is_open(), Deal.stage_id == stage_id)
        if owner_id:
            q = q.where(Deal.owner_id == owner_id)
        tops.append(select(q.order_by(*value_first).limit(per_stage).subquery()))
    ids = union_all(*tops) if len(tops) > 1 else tops[0]
    q = select(Deal).where(col(Deal.id).in_(ids)).order_by(Deal.stage_id, *value_first)
    return list(session.exec(q).all())


# --- managers ---------------------------------------------------------------------------
