"""Stage gates: ``/pipeline gates`` lists them; managers edit them in a modal."""

from __future__ import annotations

import re

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot import ids
from bot.core import gates
from bot.core.deals import Actor
from bot.core.errors import DomainError, InvalidInput, PermissionDenied
from bot.core.i18n import N_
from handlers.actions import guard_action
from handlers.common import actor_of, services_of, translator_of
from handlers.modals import flatten, open_then_fill
from handlers.ui import gates as ui
from handlers.views import post_privately
from storage import checklists as cstore
from storage import deals as store

GATE_WORDS = ("gates", "gate", "gerbang")


def _gate_rows(s: Session, team_id: str) -> list[ui.GateRow]:
    return [
        ui.GateRow(st.id, st.name, st.gate_checklist, st.gate_mode)
        for st in store.list_stages(session=s, team_id=team_id)
        if st.kind != store.LOST
    ]


def _ensure_manager(actor: Actor) -> None:
    if not actor.is_manager:
        raise PermissionDenied(
            N_(
                "Only a manager (a workspace admin or owner, or someone named with "
                "/pipeline managers add) can change the stage gates."
            )
        )


def gates_list(*, context: BoltContext) -> dict:
    services, t = services_of(context), translator_of(context)
    with services.db.read() as s:
        rows = _gate_rows(s, context.team_id)
        can_edit = actor_of(context, s).is_manager
    return ui.gates_message(t, rows, can_edit=can_edit)


def edit_gates(*, body, action, context, client, respond) -> None:
    services, t = services_of(context), translator_of(context)

    def build() -> dict:
        with services.db.read() as s:
            _ensure_manager(actor_of(context, s))
            return ui.gates_modal(t, _gate_rows(s, context.team_id))

    open_then_fill(client, t, body["trigger_id"], build)


GATE_BLOCK = re.compile(rf"^{ids.BLOCK_GATE_PREFIX}(\d+)$")


def gates_submitted(
    ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient
) -> None:
    services, t = services_of(context), translator_of(context)
    raw = flatten(view["state"]["values"])
    chosen, errors = {}, {}
    for block, value in raw.items():
        m = GATE_BLOCK.match(block)
        if m:
            try:
                chosen[int(m.group(1))] = gates.parse_choice(value)
            except InvalidInput as err:
                errors[block] = err.render(t)
    if errors:
        return ack(response_action="errors", errors=errors)
    first = next(iter(raw), None)
    try:
        with services.db.transaction() as s:
            _ensure_manager(actor_of(context, s))
            cstore.set_stage_gates(session=s, team_id=context.team_id, gates=chosen)
            rows = _gate_rows(s, context.team_id)
    except DomainError as err:
        return ack(response_action="errors", errors={first: err.render(t)} if first else {})
    ack()
    post_privately(client, context, None, ui.gates_message(t, rows, can_edit=True, saved=True))


def register(app: App) -> None:
    app.action(ids.ACTION_EDIT_GATES)(guard_action(edit_gates))
    app.view(ids.VIEW_GATES)(gates_submitted)
