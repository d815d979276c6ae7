"""The SPIN checklist and the BATNA sheet of a deal: open one pre-filled with its latest
version, save a new version (once per request; refused when someone saved meanwhile), a
deal's history of versions and meetings, and completion for the digest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.core import checklists as cl
from bot.core.deals import Actor, ensure_can_change
from bot.core.errors import InvalidInput, PermissionDenied, field_errors
from bot.core.i18n import N_
from bot.usecases.common import deal_to_change
from bot.usecases.deals import Choices, choices_of, resolve_deal
from bot.usecases.views import ActivityView, HistoryPage, VersionView, activity_view, version_view
from storage import checklists as checklist_store
from storage import deals as store
from storage.db import Database, run_once
from storage.models import Deal


@dataclass(frozen=True)
class Basis:
    """The version a form was pre-filled from (``version`` 0: none yet)."""

    version: int = 0
    by: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class ChecklistDraft:
    """What a checklist modal opens with."""

    kind: str
    deal_id: int
    deal_name: str
    owner_id: str
    currency: str
    data: dict[str, Any] = field(default_factory=dict)  # the latest version's answers
    basis: Basis = field(default_factory=Basis)
    #: F.A.B.: the needs the deal's SPIN found (to start with), and whether it has SPIN
    #: (then the sheet goes in B.A.F. order)
    spin_needs: tuple[str, ...] = ()
    has_spin: bool = False


def draft(db: Database, actor: Actor, *, kind: str, deal_id: int) -> ChecklistDraft:
    """The SPIN or BATNA form of a deal its owner or a manager may change."""
    with db.read() as s:
        deal = deal_to_change(s, actor, deal_id)
        latest = checklist_store.latest_checklist(
            session=s, team_id=actor.team_id, deal_id=deal.id, kind=kind
        )
        spin = (
            checklist_store.latest_checklist(
                session=s, team_id=actor.team_id, deal_id=deal.id, kind=cl.SPIN
            )
            if kind == cl.FAB
            else None
        )
    basis = Basis(latest.version, latest.created_by, latest.created_at) if latest else Basis()
    return ChecklistDraft(
        kind,
        deal.id,
        deal.name,
        deal.owner_id,
        deal.currency,
        latest.data if latest else {},
        basis,
        spin_needs=tuple(cl.needs_from_spin(spin.data if spin else None)),
        has_spin=spin is not None,
    )


def find(db: Database, actor: Actor, *, kind: str, text: str) -> ChecklistDraft | Choices:
    """``/spin <deal>``: the deal's form, or the deals the text could mean."""
    with db.read() as s:
        found = resolve_deal(session=s, team_id=actor.team_id, text=text)
    if found.deal is not None:  # checks who may change it
        return draft(db, actor, kind=kind, deal_id=found.deal.id)
    if not (found.choices or found.suggestions):
        raise InvalidInput(
            N_("No deal matches “{typed}”. Add one with /prospect <name>."), typed=text
        )
    return choices_of(found, text, None, db=db, team_id=actor.team_id)


def check_owner(actor: Actor, deal: Deal, owner_seen: str | None) -> None:
    """The deal may have changed hands since the form opened."""
    if owner_seen and deal.owner_id != owner_seen and not actor.is_manager:
        raise PermissionDenied(
            N_(
                "“{deal}” now belongs to <@{owner}>, so only they or a manager can change it. "
                "Nothing was saved; your answers are still here."
            ),
            deal=deal.name,
            owner=deal.owner_id,
        )
    ensure_can_change(actor, deal)


@dataclass(frozen=True)
class Submitted:
    """A checklist form as submitted: its answers (``{field: value}``) and what it was
    opened with."""

    kind: str
    deal_id: int
    values: dict[str, Any]
    owner_seen: str | None
    version_seen: int
    mode: str | None = None  # SPIN: the questions' variant; F.A.B.: "fab" or "baf"


@dataclass(frozen=True)
class SavedVersion:
    deal_id: int
    deal_name: str
    version: VersionView


@dataclass(frozen=True)
class NewerVersion:
    """Someone saved a version while this user was writing: theirs is kept; saving again
    makes this one the next version."""

    latest: VersionView | None
    currency: str


@dataclass(frozen=True)
class Retried:
    """A retry of a submission already saved: its first copy answered."""


def read(db: Database, actor: Actor, sub: Submitted, *, locale: str) -> tuple[dict, Deal]:
    """The answers as stored data, or ``FieldErrors``."""
    with db.read() as s:
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=sub.deal_id)
    if sub.kind == cl.SPIN:
        data, errors = cl.read_spin({**sub.values, "mode": sub.mode})
    elif sub.kind == cl.APPROACH:
        data, errors = cl.read_approach(sub.values)
    elif sub.kind == cl.FAB:
        data, errors = cl.read_fab(sub.values, order=sub.mode or cl.ORDER_FAB)
    else:
        data, errors = cl.read_batna(sub.values, default_currency=deal.currency, locale=locale)
    field_errors(dict(errors))
    return data, deal


def save(
    db: Database, actor: Actor, sub: Submitted, *, key: str | None, now: datetime, locale: str
) -> SavedVersion | NewerVersion | Retried:
    """A new version of the checklist, unless someone saved one since the form opened."""
    data, deal = read(db, actor, sub, locale=locale)

    def newer(s: Session) -> NewerVersion:
        latest = checklist_store.latest_checklist(
            session=s, team_id=actor.team_id, deal_id=deal.id, kind=sub.kind
        )
        return NewerVersion(version_view(latest) if latest else None, deal.currency)

    def work(s: Session):
        locked = store.lock_deal(session=s, team_id=actor.team_id, deal_id=deal.id)
        check_owner(actor, locked, sub.owner_seen)
        latest = checklist_store.latest_checklist(
            session=s, team_id=actor.team_id, deal_id=deal.id, kind=sub.kind
        )
        if (latest.version if latest else 0) != sub.version_seen:
            return newer(s), None
        parts = cl.completion(sub.kind, data)
        row = checklist_store.save_checklist(
            session=s,
            team_id=actor.team_id,
            deal=locked,
            kind=sub.kind,
            data=data,
            filled=parts.filled,
            parts=parts.total,
            by=actor.user_id,
            now=now,
        )
        return SavedVersion(locked.id, locked.name, version_view(row)), str(row.id)

    try:
        return run_once(
            db, team_id=actor.team_id, key=key, work=work, replay=lambda s, r: Retried()
        )
    except IntegrityError:  # a concurrent save of the same version by someone else
        with db.read() as s:
            return newer(s)


# --- a deal's history -------------------------------------------------------------------

HISTORY_PAGE_SIZE = 5  # versions of each checklist on one page of a deal's history


@dataclass(frozen=True)
class History:
    deal_id: int
    deal_name: str
    sections: list[HistoryPage]
    activities: list[ActivityView]
    paged: bool  # one checklist paged through


def history(
    db: Database, actor: Actor, *, deal_id: int, kind: str | None = None, page: int = 1
) -> History:
    """One page of each checklist (newest first) with the deal's meetings and notes or,
    with ``kind``, page ``page`` of that checklist alone."""
    kind = kind if kind in cl.KINDS else None
    size = HISTORY_PAGE_SIZE
    with db.read() as s:
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        counts = checklist_store.count_checklist_versions(
            session=s, team_id=actor.team_id, deal_id=deal.id
        )
        sections = []
        for k in (kind,) if kind else cl.PATH_ORDER:
            total = counts.get(k, 0)
            # only a paged checklist goes past its first page, and never past its last
            shown = min(max(page, 1), max(1, -(-total // size))) if kind else 1
            rows = checklist_store.list_checklist_page(
                session=s,
                team_id=actor.team_id,
                deal_id=deal.id,
                kind=k,
                limit=size,
                offset=(shown - 1) * size,
            )
            sections.append(HistoryPage(k, [version_view(v) for v in rows], total, shown, size))
        activities = (
            []
            if kind
            else checklist_store.list_activities(
                session=s, team_id=actor.team_id, deal_id=deal.id, limit=30
            )
        )
    return History(
        deal.id, deal.name, sections, [activity_view(a) for a in activities], kind is not None
    )


@dataclass(frozen=True)
class CardExtras:
    """The checklist and meeting part of a deal card."""

    latest: dict[str, VersionView]
    activities: list[ActivityView]


def card_extras(db: Database, actor: Actor, *, deal_id: int) -> CardExtras:
    with db.read() as s:
        latest = {
            kind: version_view(v)
            for kind in cl.PATH_ORDER
            if (
                v := checklist_store.latest_checklist(
                    session=s, team_id=actor.team_id, deal_id=deal_id, kind=kind
                )
            )
        }
        activities = checklist_store.list_activities(
            session=s, team_id=actor.team_id, deal_id=deal_id, limit=3
        )
    return CardExtras(latest, [activity_view(a) for a in activities])


def completion(session: Session, team_id: str, deal_ids: Sequence[int]) -> dict[int, str]:
    """Checklist completion per deal, for the digest: ``{deal_id: "SPIN 3/5 · BATNA —"}``."""
    latest = checklist_store.latest_completion(session=session, team_id=team_id, deal_ids=deal_ids)
    return {
        deal_id: cl.completion_label(
            {k: (v.filled, v.parts) for k, v in latest.get(deal_id, {}).items()}
        )
        for deal_id in deal_ids
    }
