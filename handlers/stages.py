"""Managers edit the workspace's stages: ``/pipeline stages`` → Edit stages → modal."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.core.errors import DomainError, InvalidInput, PermissionDenied
from bot.core.i18n import N_, Translator
from handlers.common import actor_of, services_of, translator_of
from handlers.modals import update_view
from handlers.ui import forms
from handlers.ui.common import message
from handlers.ui.stages import (
    ACTION_STAGES_NEXT,
    ACTION_STAGES_PREV,
    MAX_OPEN_STAGES,
    StageRow,
    field_id,
    order_max,
    stages_modal,
)
from storage import deals as store


def _ensure_manager(context: BoltContext, session) -> None:
    if not actor_of(context, session).is_manager:
        raise PermissionDenied(
            N_(
                "Only a manager (a workspace admin or owner, or someone named "
                "with /pipeline managers add) can edit the stages."
            )
        )


def _rows(context: BoltContext, session) -> list[StageRow]:
    return [
        StageRow(
            st.id,
            st.name,
            st.position,
            st.probability,
            st.kind,
            st.stale_days,
            store.stage_in_use(session=session, team_id=context.team_id, stage_id=st.id),
        )
        for st in store.list_stages(session=session, team_id=context.team_id)
    ]


def open_editor(ack: Ack, body: dict, context: BoltContext, client: WebClient, respond) -> None:
    ack()
    services, t = services_of(context), translator_of(context)
    try:
        with services.db.read() as s:
            _ensure_manager(context, s)
            rows = _rows(context, s)
    except DomainError as err:
        respond(
            response_type="ephemeral",
            replace_original=False,
            **message(":warning: " + err.render(t)),
        )
        return
    client.views_open(trigger_id=body["trigger_id"], view=stages_modal(t, rows))


def change_page(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
    """The page buttons of an editor with more open stages than fit in one view."""
    ack()
    services, t = services_of(context), translator_of(context)
    try:
        page = int(body["actions"][0].get("value") or 0)
    except ValueError:
        page = 0
    try:
        with services.db.read() as s:
            _ensure_manager(context, s)
            view = stages_modal(t, _rows(context, s), page=page)
    except DomainError as err:
        view = forms.notice_modal(t, title=t("Edit stages"), text=":warning: " + err.render(t))
    update_view(client, view_id=body["view"]["id"], hash=body["view"].get("hash"), view=view)


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


def read_edits(
    values: dict, stages, shown: set[str] | None = None
) -> tuple[list[store.StageEdit], dict]:
    """The editor's answers as edits of every stage, and field errors by block id.

    ``shown`` is the set of input block ids in the submitted view (all when ``None``): a
    field not in the view (another page of the editor) keeps its stored value, and errors
    are only ever keyed by blocks that are in the view.
    """

    def here(block: str) -> bool:
        return shown is None or block in shown

    def number(block: str, lo: int, hi: int, stored: int | None, *, required: bool = True):
        if not here(block):
            return stored
        return _int(values, block, errors, lo, hi, required=required)

    errors: dict = {}
    edits: list[store.StageEdit] = []
    top = order_max(len(stages))
    # Names that can't change in this view come first, so a clash lands on a shown field.
    seen: dict[str, str] = {
        st.name.casefold(): "" for st in stages if not here(field_id("name", st.id))
    }
    for st in stages:
        name_block = field_id("name", st.id)
        if here(name_block):
            name = " ".join((_val(values, name_block) or "").split())
            if not name:
                errors[name_block] = InvalidInput(N_("A stage needs a name."))
            elif name.casefold() in seen:
                errors[name_block] = InvalidInput(
                    N_("Another stage is already called “{name}”."), name=name
                )
            seen[name.casefold()] = name_block
        else:
            name = st.name
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
        remove_block = field_id("remove", st.id)
        edits.append(
            store.StageEdit(
                id=st.id,
                name=name,
                order=number(field_id("order", st.id), 1, top, st.position) or st.position,
                probability=number(field_id("prob", st.id), 0, 100, st.probability),
                stale_days=number(field_id("stale", st.id), 1, 365, st.stale_days, required=False),
                remove=here(remove_block) and "remove" in (_val(values, remove_block) or []),
            )
        )
    new_block = field_id("name", "new")
    new_name = " ".join((_val(values, new_block) or "").split()) if here(new_block) else ""
    if new_name:
        if new_name.casefold() in seen:
            errors[new_block] = InvalidInput(
                N_("Another stage is already called “{name}”."), name=new_name
            )
        edits.append(
            store.StageEdit(
                id=None,
                name=new_name,
                order=number(field_id("order", "new"), 1, top, None, required=False) or top,
                probability=number(field_id("prob", "new"), 0, 100, 0, required=False) or 0,
                stale_days=None,
            )
        )
    kinds = {st.id: st.kind for st in stages}
    open_after = sum(1 for e in edits if not e.remove and (e.id is None or kinds[e.id] == "open"))
    if new_name and open_after > MAX_OPEN_STAGES:
        errors.setdefault(
            new_block,
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
        errors[field_id("remove", removed.id)] = InvalidInput(N_("Keep at least one open stage."))
    return edits, errors


def input_blocks(view: dict) -> list[str]:
    return [
        b["block_id"]
        for b in view.get("blocks") or []
        if b.get("type") == "input" and b.get("block_id")
    ]


def errors_for_view(t: Translator, errors: dict[str, DomainError], view: dict) -> dict[str, str]:
    """Field errors keyed only by input blocks of ``view`` (Slack refuses any other key);
    an error for a block not shown goes on the first input of the view."""
    inputs = input_blocks(view)
    out: dict[str, str] = {}
    for block, err in errors.items():
        key = block if block in inputs else inputs[0]
        text = err.render(t)
        out[key] = f"{out[key]} {text}" if key in out else text
    return out


def submit_editor(
    ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient
) -> None:
    services, t = services_of(context), translator_of(context)
    shown = set(input_blocks(view))
    with services.db.transaction() as s:
        try:
            _ensure_manager(context, s)
        except PermissionDenied as err:
            ack(response_action="errors", errors=errors_for_view(t, {"": err}, view))
            return
        stages = store.list_stages(session=s, team_id=context.team_id)
        edits, errors = read_edits(view["state"]["values"], stages, shown)
        if errors:
            ack(response_action="errors", errors=errors_for_view(t, errors, view))
            return
        try:
            store.save_stages(session=s, team_id=context.team_id, edits=edits)
        except InvalidInput as err:
            ack(response_action="errors", errors=errors_for_view(t, {err.field or "": err}, view))
            s.rollback()
            return
        names = [st.name for st in store.list_stages(session=s, team_id=context.team_id)]
    ack()
    text = t("Stages saved: {names}.", names=" → ".join(names))
    client.chat_postMessage(channel=context.user_id, **message(text))


def register(app: App) -> None:
    app.action(ids.ACTION_EDIT_STAGES)(open_editor)
    app.action(ACTION_STAGES_PREV)(change_page)
    app.action(ACTION_STAGES_NEXT)(change_page)
    app.view(ids.VIEW_STAGES)(submit_editor)
