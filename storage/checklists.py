"""Reading and writing checklist versions, meeting logs and notes, and stage gates.

Keyword-only functions named ``verb_noun(*, session, team_id, ...)``. They never commit: the
caller's ``Database.transaction()`` makes each change one transaction. Every query is
filtered by ``team_id``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.core.checklists import Attendee
from bot.core.errors import InvalidInput
from bot.core.i18n import N_
from bot.core.matching import fold
from bot.core.stages import OPEN
from storage import lookups
from storage.inserts import columns_of
from storage.metrics import is_open, live
from storage.models import Contact, Deal, Stage
from storage.models_checklist import Activity, ChecklistVersion

MEETING, NOTE = "meeting", "note"


def touch_deal(*, session: Session, deal: Deal, now: datetime) -> None:
    """Something happened on the deal: it is not stale any more."""
    deal.last_activity_at = now
    deal.updated_at = now
    session.add(deal)


# --- checklists -------------------------------------------------------------------------


RowT = TypeVar("RowT", ChecklistVersion, Activity)


def _saved_on(session: Session, deal: Deal, row: RowT, now: datetime) -> RowT:
    """``row`` saved as something that happened on ``deal``: not stale any more."""
    session.add(row)
    touch_deal(session=session, deal=deal, now=now)
    session.flush()
    return row


def _versions_newest_first(team_id: str, deal_id: int, kind: str) -> SelectOfScalar:
    """One checklist's versions on a deal, the highest version first."""
    return (
        select(ChecklistVersion)
        .where(
            ChecklistVersion.team_id == team_id,
            ChecklistVersion.deal_id == deal_id,
            ChecklistVersion.kind == kind,
        )
        .order_by(col(ChecklistVersion.version).desc())
    )


def latest_checklist(
    *, session: Session, team_id: str, deal_id: int, kind: str
) -> ChecklistVersion | None:
    return session.exec(_versions_newest_first(team_id, deal_id, kind)).first()


def list_checklist_versions(
    *, session: Session, team_id: str, deal_id: int, kind: str | None = None, limit: int = 50
) -> list[ChecklistVersion]:
    """Newest first."""
    q = select(ChecklistVersion).where(
        ChecklistVersion.team_id == team_id, ChecklistVersion.deal_id == deal_id
    )
    if kind is not None:
        q = q.where(ChecklistVersion.kind == kind)
    q = q.order_by(col(ChecklistVersion.created_at).desc(), col(ChecklistVersion.id).desc())
    return list(session.exec(q.limit(limit)).all())


def count_checklist_versions(*, session: Session, team_id: str, deal_id: int) -> dict[str, int]:
    rows = session.exec(
        select(ChecklistVersion.kind, func.count())
        .where(ChecklistVersion.team_id == team_id, ChecklistVersion.deal_id == deal_id)
        .group_by(ChecklistVersion.kind)
    ).all()
    return {kind: n for kind, n in rows}


def save_checklist(
    *,
    session: Session,
    team_id: str,
    deal: Deal,
    kind: str,
    data: dict,
    filled: int,
    parts: int,
    by: str,
    now: datetime,
) -> ChecklistVersion:
    """A new version (the last one + 1). Two concurrent saves of the same version collide on
    the unique constraint; the caller's transaction then rolls back whole."""
    latest = latest_checklist(session=session, team_id=team_id, deal_id=deal.id, kind=kind)
    row = ChecklistVersion(
        team_id=team_id,
        deal_id=deal.id,
        kind=kind,
        version=(latest.version if latest else 0) + 1,
        data=data,
        filled=filled,
        parts=parts,
        created_by=by,
        created_at=now,
    )
    return _saved_on(session, deal, row, now)


def checklist_kinds(*, session: Session, team_id: str, deal_id: int) -> set[str]:
    """The checklist kinds the deal has at least one version of."""
    return set(
        session.exec(
            select(ChecklistVersion.kind)
            .where(ChecklistVersion.team_id == team_id, ChecklistVersion.deal_id == deal_id)
            .distinct()
        ).all()
    )


def checklist_kinds_of(
    *, session: Session, team_id: str, deal_ids: Iterable[int]
) -> dict[int, set[str]]:
    """``{deal_id: kinds it has}`` for several deals at once (one query)."""
    ids = list(deal_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(ChecklistVersion.deal_id, ChecklistVersion.kind)
        .where(ChecklistVersion.team_id == team_id, col(ChecklistVersion.deal_id).in_(ids))
        .distinct()
    ).all()
    out: dict[int, set[str]] = {}
    for deal_id, kind in rows:
        out.setdefault(deal_id, set()).add(kind)
    return out


@dataclass(frozen=True)
class Latest:
    """The latest version of one checklist of one deal, as digests and cards show it."""

    deal_id: int
    kind: str
    version: int
    filled: int
    parts: int
    created_by: str
    created_at: datetime


def latest_completion(
    *, session: Session, team_id: str, deal_ids: Iterable[int]
) -> dict[int, dict[str, Latest]]:
    """``{deal_id: {kind: Latest}}`` for the deals that have checklists (one query)."""
    ids = list(deal_ids)
    if not ids:
        return {}
    newest = (
        select(
            ChecklistVersion.deal_id,
            ChecklistVersion.kind,
            func.max(ChecklistVersion.version).label("version"),
        )
        .where(ChecklistVersion.team_id == team_id, col(ChecklistVersion.deal_id).in_(ids))
        .group_by(ChecklistVersion.deal_id, ChecklistVersion.kind)
        .subquery()
    )
    rows = session.exec(
        select(ChecklistVersion)
        .join(
            newest,
            (ChecklistVersion.deal_id == newest.c.deal_id)
            & (ChecklistVersion.kind == newest.c.kind)
            & (ChecklistVersion.version == newest.c.version),
        )
        .where(ChecklistVersion.team_id == team_id)
    ).all()
    out: dict[int, dict[str, Latest]] = {}
    for r in rows:
        out.setdefault(r.deal_id, {})[r.kind] = Latest(
            r.deal_id, r.kind, r.version, r.filled, r.parts, r.created_by, r.created_at
        )
    return out


# --- activities: meeting logs and notes -------------------------------------------------


@dataclass(frozen=True)
class NewActivity:
    kind: str  # meeting | note
    occurred_on: date
    notes: str
    outcome: str | None = None
    attendees: Sequence[Attendee] = ()
    next_step: str | None = None
    next_step_due: date | None = None
    stage_from: str | None = None
    stage_to: str | None = None
    message_link: str | None = None
    message_author: str | None = None


def add_activity(
    *, session: Session, team_id: str, deal: Deal, new: NewActivity, by: str, now: datetime
) -> Activity:
    """Record a meeting log or a note; it counts as activity on the deal."""
    row = Activity(
        team_id=team_id,
        deal_id=deal.id,
        **columns_of(new, skip={"attendees"}),
        attendees=[
            {"name": a.name, "role": a.role, **({"title": a.title} if a.title else {})}
            for a in new.attendees
        ],
        created_by=by,
        created_at=now,
    )
    return _saved_on(session, deal, row, now)


def list_activities(
    *, session: Session, team_id: str, deal_id: int, limit: int = 20
) -> list[Activity]:
    """Newest first."""
    return list(
        session.exec(
            select(Activity)
            .where(Activity.team_id == team_id, Activity.deal_id == deal_id)
            .order_by(
                col(Activity.occurred_on).desc(),
                col(Activity.created_at).desc(),
                col(Activity.id).desc(),
            )
            .limit(limit)
        ).all()
    )


def add_attendee_contacts(
    *, session: Session, team_id: str, deal_id: int, attendees: Sequence[Attendee], now: datetime
) -> int:
    """Attendees join the deal's decision-maker unit: new names become contacts, and a
    known contact without a role (or a title) gets the one given. Returns how many were
    added."""
    existing = {
        fold(c.name): c
        for c in session.exec(
            select(Contact).where(Contact.team_id == team_id, Contact.deal_id == deal_id)
        ).all()
    }
    added = 0
    for a in attendees:
        known = existing.get(fold(a.name))
        if known is None:
            contact = Contact(team_id=team_id, deal_id=deal_id, **columns_of(a), created_at=now)
            session.add(contact)
            existing[fold(a.name)] = contact
            added += 1
        elif (a.role and not known.role) or (a.title and not known.title):
            known.role = known.role or a.role
            known.title = known.title or a.title
            session.add(known)
    session.flush()
    return added


# --- finding deals as people type (external_select) -------------------------------------


@dataclass(frozen=True)
class DealChoice:
    id: int
    name: str
    status: str
    owner_id: str


def search_deals(
    *, session: Session, team_id: str, query: str, user_id: str, limit: int = 100
) -> list[DealChoice]:
    """Deals for a type-ahead: names containing the words typed (a word under three letters
    starts a word of the name), then close spellings; open deals before closed ones and the
    user's own first. Empty query: the user's open deals. Through the name indexes
    (``storage.lookups``), never every deal."""
    fields = select(Deal.id, Deal.name, Deal.status, Deal.owner_id).where(
        Deal.team_id == team_id, live()
    )
    rank = (Deal.status != OPEN, Deal.owner_id != user_id, Deal.name_fold, Deal.id)
    words = fold(query).split()
    if not words:
        mine = fields.where(Deal.owner_id == user_id, is_open())
        found = session.exec(mine.order_by(Deal.name_fold, Deal.id).limit(limit)).all()
        found = found or session.exec(fields.order_by(*rank).limit(limit)).all()
        return [DealChoice(*r) for r in found]
    where = lookups.contains_words(session, words)
    hits = [DealChoice(*r) for r in session.exec(fields.where(where).order_by(*rank).limit(limit))]
    seen = {d.id for d in hits}
    fuzzy = lookups.match_deals(session=session, team_id=team_id, text=query)
    wanted = [c.id for c in fuzzy.matches if c.id not in seen][: limit - len(hits)]
    if not wanted:
        return hits
    rows = {r[0]: DealChoice(*r) for r in session.exec(fields.where(col(Deal.id).in_(wanted)))}
    return hits + [rows[i] for i in wanted if i in rows]


# --- stage gates ------------------------------------------------------------------------


def set_stage_gates(
    *, session: Session, team_id: str, gates: Mapping[int, tuple[str | None, str]]
) -> list[Stage]:
    """Set ``{stage_id: (checklist, mode)}``; stages of other workspaces are refused."""
    stages = {s.id: s for s in session.exec(select(Stage).where(Stage.team_id == team_id)).all()}
    for stage_id, (checklist, mode) in gates.items():
        stage = stages.get(stage_id)
        if stage is None:
            raise InvalidInput(N_("That stage no longer exists. Open the gates again."))
        stage.gate_checklist = checklist
        stage.gate_mode = mode
        session.add(stage)
    session.flush()
    return sorted(stages.values(), key=lambda s: (s.position, s.id))


# --- checklist history, one kind at a time ----------------------------------------------


def list_checklist_page(
    *, session: Session, team_id: str, deal_id: int, kind: str, limit: int, offset: int = 0
) -> list[ChecklistVersion]:
    """One page of one checklist's versions, newest (highest version) first: ``limit``
    versions after skipping the ``offset`` newest."""
    q = _versions_newest_first(team_id, deal_id, kind)
    return list(session.exec(q.offset(max(offset, 0)).limit(limit)).all())
