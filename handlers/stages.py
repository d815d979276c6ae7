"""Managers edit the workspace's stages: ``/pipeline stages`` → Edit stages → modal."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.errors import DomainError, InvalidInput, PermissionDenied
from bot.i18n import N_
from handlers.common import actor_of, services_of, translator_of
from handlers.ui.common import message
from handlers.ui.stages import StageRow, field_id, stages_modal
from storage import deals as store


def _ensure_manager(context: BoltContext, session) -> None:
    if not actor_of(context, session).is_manager:
        raise PermissionDenied(
            N_(
                "Only a manager (a workspace admin or owner, or someone named "
                "with /pipeline managers add) can edit the stages."
            )
        )


def open_editor(ack: Ack, body: dict, context: BoltContext, client: WebClient, respond) -> None:
    ack()
    services, t = services_of(context), translator_of(context)
    try:
        with services.db.read() as s:
            _ensure_manager(context, s)
            stages = store.list_stages(session=s, team_id=context.team_id)
            rows = [
                StageRow(
                    st.id,
                    st.name,
                    st.position,
                    st.probability,
                    st.kind,
                    st.stale_days,
                    store.stage_in_use(session=s, team_id=context.team_id, stage_id=st.id),
                )
                for st in stages
            ]
    except DomainError as err:
        respond(
            response_type="ephemeral",
            replace_original=False,
            **message(":warning: " + err.render(t)),
        )
        return
    client.views_open(trigger_id=body["trigger_id"], view=stages_modal(t, rows))


def _val(values: dict, block: str):
    el = values.get(block, {}).get(ids.INPUT, {})
    if "selected_options" in el:
        return [o["value"] for o in el.get("selected_options") or []]
    return el.get("value")


def _int(values, block, errors, lo, hi, *, required=True):
    raw = _val(values, block)
    if raw in (None, ""):
        if required:
            errors[block] = InvalidInput(
                N_("Write a whole number from {lo} to {hi}."), lo=lo, hi=hi
            )
        return None
    try:
        n = int(raw)
        if not lo <= n <= hi:
            raise ValueError
        return n
    except ValueError:
        errors[block] = InvalidInput(N_("Write a whole number from {lo} to {hi}."), lo=lo, hi=hi)
        return None


def read_edits(values: dict, stages) -> tuple[list[store.StageEdit], dict]:
    errors: dict = {}
    edits: list[store.StageEdit] = []
    seen: dict[str, str] = {}
    for st in stages:
        name_block = field_id("name", st.id)
        name = " ".join((_val(values, name_block) or "").split())
        if not name:
            errors[name_block] = InvalidInput(N_("A stage needs a name."))
        elif name.casefold() in seen:
            errors[name_block] = InvalidInput(
                N_("Another stage is already called “{name}”."), name=name
            )
        seen[name.casefold()] = name_block
        if st.kind != "open":
            edits.append(
                store.StageEdit(
                    id=st.id,
                    name=name,
                    order=st.position,
                    probability=st.probability,
                    stale_days=None,
                )
            )
            continue
        edits.append(
            store.StageEdit(
                id=st.id,
                name=name,
                order=_int(values, field_id("order", st.id), errors, 1, 99) or st.position,
                probability=_int(values, field_id("prob", st.id), errors, 0, 100),
                stale_days=_int(values, field_id("stale", st.id), errors, 1, 365, required=False),
                remove="remove" in (_val(values, field_id("remove", st.id)) or []),
            )
        )
    new_name = " ".join((_val(values, field_id("name", "new")) or "").split())
    if new_name:
        if new_name.casefold() in seen:
            errors[field_id("name", "new")] = InvalidInput(
                N_("Another stage is already called “{name}”."), name=new_name
            )
        edits.append(
            store.StageEdit(
                id=None,
                name=new_name,
                order=_int(values, field_id("order", "new"), errors, 1, 99, required=False) or 99,
                probability=_int(values, field_id("prob", "new"), errors, 0, 100) or 0,
                stale_days=None,
            )
        )
    if (
        all(
            e.remove
            for e in edits
            if e.id is not None and next(s for s in stages if s.id == e.id).kind == "open"
        )
        and not new_name
    ):
        first_open = next(s for s in stages if s.kind == "open")
        errors[field_id("remove", first_open.id)] = InvalidInput(
            N_("Keep at least one open stage.")
        )
    return edits, errors


def submit_editor(
    ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient
) -> None:
    services, t = services_of(context), translator_of(context)
    with services.db.transaction() as s:
        try:
            _ensure_manager(context, s)
        except PermissionDenied as err:
            first = next(b["block_id"] for b in view["blocks"] if b["type"] == "input")
            ack(response_action="errors", errors={first: err.render(t)})
            return
        stages = store.list_stages(session=s, team_id=context.team_id)
        edits, errors = read_edits(view["state"]["values"], stages)
        if errors:
            ack(response_action="errors", errors={b: e.render(t) for b, e in errors.items()})
            return
        try:
            store.save_stages(session=s, team_id=context.team_id, edits=edits)
        except InvalidInput as err:
            ack(
                response_action="errors",
                errors={err.field or field_id("name", stages[0].id): err.render(t)},
            )
            s.rollback()
            return
        names = [st.name for st in store.list_stages(session=s, team_id=context.team_id)]
    ack()
    text = t("Stages saved: {names}.", names=" → ".join(names))
    client.chat_postMessage(channel=context.user_id, **message(text))


def register(app: App) -> None:
    app.action(ids.ACTION_EDIT_STAGES)(open_editor)
    app.view(ids.VIEW_STAGES)(submit_editor)
