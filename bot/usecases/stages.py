"""Managers edit the workspace's stages (names, order, probabilities, days until a deal is
stale, additions, removals) and the stage gates (which checklist a stage asks for).

The editor's answers come as ``{field: value}`` with a stage row's fields named
``"<what>:<stage id>"`` (``"name:12"``, ``"order:new"``); errors carry the same names."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlmodel import Session

from bot.core import gates
from bot.core.deals import Actor, require_manager
from bot.core.errors import DomainError, InvalidInput, field_errors
from bot.core.i18n import N_
from bot.core.stages import LOST, MAX_OPEN_STAGES, OPEN, edited_name, order_max
from storage import checklists as checklist_store
from storage import stages as stage_store
from storage.db import Database, run_once
from storage.models import Stage

EDIT_STAGES = N_(
    "Only a manager (a workspace admin or owner, or someone named "
    "with /pipeline managers add) can edit the stages."
)
EDIT_GATES = N_(
    "Only a manager (a workspace admin or owner, or someone named with "
    "/pipeline managers add) can change the stage gates."
)


@dataclass(frozen=True)
class StageRow:
    id: int
    name: str
    position: int
    probability: int
    kind: str
    stale_days: int | None
    in_use: bool


def rows(db: Database, actor: Actor) -> list[StageRow]:
    """The stage editor's rows (managers only)."""
    require_manager(actor, EDIT_STAGES)
    with db.read() as s:
        return [
            StageRow(
                st.id,
                st.name,
                st.position,
                st.probability,
                st.kind,
                st.stale_days,
                stage_store.stage_in_use(session=s, team_id=actor.team_id, stage_id=st.id),
            )
            for st in stage_store.list_stages(session=s, team_id=actor.team_id)
        ]


@dataclass(frozen=True)
class StagesSaved:
    """The stage names in their new order, and each open stage whose win probability is
    lower than the one before it (``(stage, its %, the one before, its %)``): probabilities
    usually rise along the path, so the manager is asked to check them. ``fresh`` False: a
    replay of a save already made (nothing changed now)."""

    names: list[str]
    drops: list[tuple[str, int, str, int]]
    fresh: bool = True


def save(
    db: Database,
    actor: Actor,
    *,
    values: Mapping[str, Any],
    shown: Collection[str],
    key: str | None = None,
) -> StagesSaved:
    """Apply the editor. ``shown``: the fields in the submitted view (a field on another
    page of the editor keeps its stored value). A replay of the same submission (``key``)
    adds no stage twice."""
    require_manager(actor, EDIT_STAGES)

    def saved(s: Session, *, fresh: bool) -> StagesSaved:
        after = stage_store.list_stages(session=s, team_id=actor.team_id)
        opens = [st for st in after if st.kind == OPEN]
        drops = [
            (b.name, b.probability, a.name, a.probability)
            for a, b in pairwise(opens)
            if b.probability < a.probability
        ]
        return StagesSaved([st.name for st in after], drops, fresh)

    def work(s: Session) -> tuple[StagesSaved, str]:
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        edits = read_edits(values, stages, shown, actor.language)
        stage_store.save_stages(session=s, team_id=actor.team_id, edits=edits)
        return saved(s, fresh=True), "saved"

    def replay(s: Session, _record: str) -> StagesSaved:
        return saved(s, fresh=False)

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


def _number(values, name, errors, lo: int, hi: int, *, required: bool = True) -> int | None:
    raw = values.get(name)
    if raw in (None, ""):
        if required:
            errors[name] = InvalidInput(N_("Write a whole number from {lo} to {hi}."), lo=lo, hi=hi)
        return None
    try:
        n = int(raw)
    except ValueError:
        n = lo - 1
    if not lo <= n <= hi:
        errors[name] = InvalidInput(N_("Write a whole number from {lo} to {hi}."), lo=lo, hi=hi)
        return None
    return n


def read_edits(
    values: Mapping[str, Any], stages: list[Stage], shown: Collection[str], language: str = "en"
) -> list[stage_store.StageEdit]:
    """The editor's answers as edits of every stage, or ``FieldErrors``.

    A parser of one form (its rules read in order), so longer than most functions here."""
    errors: dict[str, DomainError] = {}

    def number(name: str, lo: int, hi: int, stored: int | None, *, required: bool = True):
        if name not in shown:
            return stored
        return _number(values, name, errors, lo, hi, required=required)

    top = order_max(len(stages))
    # Names that can't change in this view come first, so a clash lands on a shown field.
    seen: dict[str, str] = {st.name.casefold(): "" for st in stages if f"name:{st.id}" not in shown}
    edits: list[stage_store.StageEdit] = []
    for st in stages:
        name = edited_name(
            _name(values, f"name:{st.id}", st.name, shown, seen, errors), st.name, language
        )
        if st.kind != OPEN:
            edits.append(stage_store.StageEdit(st.id, name, st.position, st.probability, None))
            continue
        remove = f"remove:{st.id}"
        edits.append(
            stage_store.StageEdit(
                id=st.id,
                name=name,
                order=number(f"order:{st.id}", 1, top, st.position) or st.position,
                probability=number(f"prob:{st.id}", 0, 100, st.probability),
                stale_days=number(f"stale:{st.id}", 1, 365, st.stale_days, required=False),
                remove=remove in shown and "remove" in (values.get(remove) or []),
            )
        )
    new_name = _name(values, "name:new", "", shown, seen, errors) if "name:new" in shown else ""
    if new_name:
        edits.append(
            stage_store.StageEdit(
                id=None,
                name=new_name,
                order=number("order:new", 1, top, None, required=False) or top,
                probability=number("prob:new", 0, 100, 0, required=False) or 0,
                stale_days=None,
            )
        )
    _check_counts(edits, stages, bool(new_name), errors)
    field_errors(errors)
    return edits


def _name(values, field: str, stored: str, shown, seen: dict[str, str], errors) -> str:
    if field not in shown:
        return stored
    name = " ".join((values.get(field) or "").split())
    if not name and field != "name:new":
        errors[field] = InvalidInput(N_("A stage needs a name."))
    elif name and name.casefold() in seen:
        errors[field] = InvalidInput(N_("Another stage is already called “{name}”."), name=name)
    seen[name.casefold()] = field
    return name


def _check_counts(edits, stages: list[Stage], adding: bool, errors) -> None:
    kinds = {st.id: st.kind for st in stages}
    open_after = sum(1 for e in edits if not e.remove and (e.id is None or kinds[e.id] == OPEN))
    if adding and open_after > MAX_OPEN_STAGES:
        errors.setdefault(
            "name:new",
            InvalidInput(
                N_(
                    "At most {limit} open stages are allowed, and this would make {count}. "
                    "Tick “Remove this stage” on stages you no longer use (or remove them "
                    "first), then add this one."
                ),
                limit=MAX_OPEN_STAGES,
                count=open_after,
            ),
        )
    removed = next((e for e in edits if e.remove), None)
    if open_after == 0 and removed is not None:
        errors[f"remove:{removed.id}"] = InvalidInput(N_("Keep at least one open stage."))


# --- gates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GateRow:
    stage_id: int
    stage: str
    checklist: str | None
    mode: str


@dataclass(frozen=True)
class Gates:
    rows: list[GateRow]
    can_edit: bool


def _gate_rows(s, team_id: str) -> list[GateRow]:
    return [
        GateRow(st.id, st.name, st.gate_checklist, st.gate_mode)
        for st in stage_store.list_stages(session=s, team_id=team_id)
        if st.kind != LOST
    ]


def gate_list(db: Database, actor: Actor) -> Gates:
    """``/pipeline gates``; ``for_editing``: managers only."""
    with db.read() as s:
        return Gates(_gate_rows(s, actor.team_id), actor.is_manager)


def gates_to_edit(db: Database, actor: Actor) -> list[GateRow]:
    require_manager(actor, EDIT_GATES)
    return gate_list(db, actor).rows


def save_gates(db: Database, actor: Actor, *, choices: Mapping[int, str | None]) -> list[GateRow]:
    """``choices``: stage id → the gate menu's value; errors name ``"gate:<stage id>"``."""
    require_manager(actor, EDIT_GATES)
    chosen, errors = {}, {}
    for stage_id, value in choices.items():
        try:
            chosen[stage_id] = gates.parse_choice(value)
        except InvalidInput as err:
            errors[f"gate:{stage_id}"] = err
    field_errors(errors)
    with db.transaction() as s:
        checklist_store.set_stage_gates(session=s, team_id=actor.team_id, gates=chosen)
        return _gate_rows(s, actor.team_id)
