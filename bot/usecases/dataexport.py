"""Data rights (issue 15, item 8): a manager exports everything the workspace has stored
(a zip of CSV files, one per table, packed by the Slack side's encoder), and an operator
erases one person (``python -m bot erase-user T… U…``)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlmodel import Session

from bot.core.deals import Actor, require_manager
from bot.core.i18n import N_
from storage import dataexport as store
from storage import people as people_store
from storage.dataexport import TableRows
from storage.db import Database, run_once

EXPORT_ALL = N_(
    "Only a manager can export all of the workspace's data. Managers are workspace admins "
    "and owners, and people named with /pipeline managers add."
)
#: packs the tables into one file; returns its bytes and the rows written per table
Packer = Callable[[Iterable[TableRows]], tuple[bytes, dict[str, int]]]


@dataclass(frozen=True)
class WholeExport:
    data: bytes
    rows: dict[str, int]  # per table

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def check_export_all(actor: Actor) -> None:
    require_manager(actor, EXPORT_ALL)


def export_all(db: Database, actor: Actor, *, pack: Packer) -> WholeExport:
    """Every table's rows of the actor's workspace, streamed into ``pack``."""
    check_export_all(actor)
    with db.read() as s:
        data, rows = pack(store.iter_team_tables(session=s, team_id=actor.team_id))
    return WholeExport(data, rows)


@dataclass(frozen=True)
class Erased:
    alias: str
    rows: dict[str, int]


def erase_user(db: Database, *, team_id: str, user_id: str) -> Erased:
    """Anonymise one person in one workspace (an operator's command, for an erasure request
    under UU PDP or the GDPR): their own rows deleted, their id elsewhere replaced by an
    alias that cannot be traced back to them."""
    alias = "UERASED" + secrets.token_hex(4).upper()

    def work(s: Session) -> tuple[Erased, None]:
        rows = people_store.erase_user(session=s, team_id=team_id, user_id=user_id, alias=alias)
        return Erased(alias, rows), None

    return run_once(db, team_id=team_id, key=None, work=work, replay=lambda _s, _r: None)
