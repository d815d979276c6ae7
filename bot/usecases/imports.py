"""``/pipeline import`` (managers): a CSV — Salespath's own export, a Pipedrive or HubSpot
export, any spreadsheet — read in three steps: the file is kept as a draft and its columns
guessed; the manager's mapping is previewed (deals to create and to update, every row that
can't be read); the confirmation writes every readable row in one transaction, once per
draft (a replayed confirmation is answered with the first result). A re-import updates the
deals it names — by external id, else by name and owner — instead of adding them again."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.core import imports as im
from bot.core.deals import Actor, require_manager
from bot.core.errors import InvalidInput
from bot.core.i18n import N_
from bot.core.stages import StageLike
from storage import imports as store
from storage.db import Database, run_once
from storage.models import Stage
from storage.stages import list_stages
from storage.workspaces import default_currency

IMPORT_DEALS = N_(
    "Only a manager (a workspace admin or owner, or someone named with /pipeline managers "
    "add) can import deals."
)
NOTHING = N_("Paste the CSV text or upload a CSV file.")
TWO_THINGS = N_("Paste the CSV text or upload a file, not both.")
PREVIEW_ROWS = 10
OwnerOf = Callable[[str], "str | None"]


def check_import(actor: Actor) -> None:
    require_manager(actor, IMPORT_DEALS)


@dataclass(frozen=True)
class Draft:
    id: int
    filename: str
    format: str  # bot.core.imports: salespath | pipedrive | hubspot | spreadsheet
    headers: tuple[str, ...]
    mapping: im.Mapping
    rows: int
    encoding: str
    currency: str  # the workspace's, for amounts written without one


def start_import(
    db: Database,
    actor: Actor,
    *,
    data: bytes | None,
    text: str,
    filename: str,
    key: str | None,
    now: datetime,
) -> Draft:
    """The first step: the file (or pasted text) read and kept; its columns guessed."""
    check_import(actor)
    if data is not None and text.strip():
        raise InvalidInput(TWO_THINGS, field="file")
    if data is None and not text.strip():
        raise InvalidInput(NOTHING, field="file")
    decoded = im.decode(data) if data is not None else im.Text(text, "utf-8")
    table = im.read_table(decoded.text)

    def work(s) -> tuple[int, str]:
        draft_id = store.save_import_draft(
            session=s,
            team_id=actor.team_id,
            user_id=actor.user_id,
            filename=filename,
            content=decoded.text,
            now=now,
        )
        return draft_id, str(draft_id)

    draft_id = run_once(
        db, team_id=actor.team_id, key=key, work=work, replay=lambda _s, record: int(record)
    )
    headers = table.headers[: im.MAX_COLUMNS]
    with db.read() as s:
        currency = default_currency(s, actor.team_id)
    return Draft(
        draft_id,
        filename,
        im.detect_format(headers),
        headers,
        im.guess_mapping(headers),
        len(table.rows),
        decoded.encoding,
        currency,
    )


@dataclass(frozen=True)
class Planned:
    row: im.ImportRow
    update: bool


@dataclass(frozen=True)
class Preview:
    draft_id: int
    mapping: im.Mapping
    creates: int
    updates: int
    first: tuple[Planned, ...]  # the first rows, as they will be stored
    problems: tuple[im.Problem, ...]  # every row that can't be read


@dataclass(frozen=True)
class _Read:
    rows: im.Rows
    known: store.Known
    stages: dict[int, Stage]
    currency: str
    created_at: datetime


def _read(
    db: Database, actor: Actor, draft_id: int, mapping: im.Mapping, owner_of: OwnerOf, today: date
) -> _Read:
    check_import(actor)
    im.check_mapping(mapping)
    with db.read() as s:
        draft = store.get_import_draft(
            session=s, team_id=actor.team_id, user_id=actor.user_id, draft_id=draft_id
        )
        if draft.done_at is not None:
            raise InvalidInput(store.GONE)
        stages = list_stages(session=s, team_id=actor.team_id)
        currency = default_currency(s, actor.team_id)
        table = im.read_table(draft.content)
        how = im.Reading(stages, currency, actor.language, actor.user_id, today, owner_of)
        rows = im.read_rows(table, mapping, how)
        known = store.find_known_deals(
            session=s,
            team_id=actor.team_id,
            external_ids=[r.external_id for r in rows.rows if r.external_id],
            name_keys_=[r.match_key.split("\x1f")[0] for r in rows.rows],
        )
    return _Read(rows, known, {st.id: st for st in stages}, currency, draft.created_at)


def _is_update(read: _Read, row: im.ImportRow) -> bool:
    return read.known.find(row.external_id, row.match_key) is not None


def preview_import(
    db: Database,
    actor: Actor,
    *,
    draft_id: int,
    mapping: im.Mapping,
    owner_of: OwnerOf,
    today: date,
    key: str | None,
) -> Preview:
    """The second step: what the import will do. No deal is written; the draft keeps this
    plan (the mapping, each owner cell's person) for the confirmation to write as shown."""
    owners: dict[str, str | None] = {}

    def recorded(text: str) -> str | None:
        if text not in owners:
            owners[text] = owner_of(text)
        return owners[text]

    read = _read(db, actor, draft_id, mapping, recorded, today)
    plan = json.dumps({"mapping": mapping, "owners": owners})

    def work(s) -> tuple[None, str]:
        store.pin_import_plan(session=s, team_id=actor.team_id, draft_id=draft_id, plan=plan)
        return None, "pinned"

    run_once(db, team_id=actor.team_id, key=key, work=work, replay=lambda _s, _r: None)
    planned = [Planned(r, _is_update(read, r)) for r in read.rows.rows]
    updates = sum(p.update for p in planned)
    return Preview(
        draft_id,
        mapping,
        len(planned) - updates,
        updates,
        tuple(planned[:PREVIEW_ROWS]),
        tuple(read.rows.problems),
    )


@dataclass(frozen=True)
class ImportDone:
    created: int
    updated: int
    skipped: int


def _written(row: im.ImportRow, read: _Read, tz: ZoneInfo) -> store.ImportedDeal:
    created = (
        datetime.combine(row.created, time(0), tzinfo=tz).astimezone(UTC) if row.created else None
    )
    return store.ImportedDeal(
        name=row.name,
        owner_id=row.owner_id,
        stage=_stage(read, row.stage),
        value=row.value,
        source=row.source,
        expected_close=row.expected_close,
        next_step=row.next_step,
        created_at=created,
        external_id=row.external_id,
    )


def _write(s, read: _Read, actor: Actor, draft_id: int, tz: ZoneInfo, now: datetime) -> ImportDone:
    team = actor.team_id
    by_key = {st.key: st for st in list_stages(session=s, team_id=team)}  # as committed
    read.stages.update({i: by_key[st.key] for i, st in read.stages.items()})
    known = store.find_known_deals(
        session=s,
        team_id=team,
        external_ids=[r.external_id for r in read.rows.rows if r.external_id],
        name_keys_=[r.match_key.split("\x1f")[0] for r in read.rows.rows],
    )
    new, updated = [], 0
    for row in read.rows.rows:
        deal, written = known.find(row.external_id, row.match_key), _written(row, read, tz)
        if deal is None:
            new.append(written)
            continue
        store.update_imported_deal(
            session=s, team_id=team, deal=deal, row=written, by=actor.user_id, now=now
        )
        updated += 1
    store.create_imported_deals(
        session=s, team_id=team, rows=new, currency=read.currency, by=actor.user_id, now=now
    )
    store.finish_import_draft(session=s, team_id=team, draft_id=draft_id, now=now)
    return ImportDone(len(new), updated, len(read.rows.problems))


def confirm_import(
    db: Database, actor: Actor, *, draft_id: int, today: date, tz: str, now: datetime
) -> ImportDone:
    """The last step: the rows of the last preview, as it showed them, written in one
    transaction, once per draft (a replayed confirmation, or one from a second copy of the
    preview, gets the first result)."""
    check_import(actor)
    with db.read() as s:
        draft = store.get_import_draft(
            session=s, team_id=actor.team_id, user_id=actor.user_id, draft_id=draft_id
        )
        done, made, plan = draft.done_at is not None, draft.created_at, draft.plan
    if not done and not plan:
        raise InvalidInput(store.GONE)
    pinned = json.loads(plan) if plan else {}
    mapping, owners = im.mapping_from(pinned.get("mapping")), pinned.get("owners") or {}
    read = None if done else _read(db, actor, draft_id, mapping, owners.get, today)

    def work(s) -> tuple[ImportDone, str]:
        if read is None:  # done, under another key: there is none (the key is the draft's)
            raise InvalidInput(store.GONE)
        done = _write(s, read, actor, draft_id, ZoneInfo(tz), now)
        return done, json.dumps([done.created, done.updated, done.skipped])

    def replay(_s, record: str) -> ImportDone:
        return ImportDone(*json.loads(record))

    key = f"import:{draft_id}:{made:%Y%m%d%H%M%S%f}"
    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


def _stage(read: _Read, stage: StageLike) -> Stage:
    return read.stages[stage.id]  # type: ignore[attr-defined]
