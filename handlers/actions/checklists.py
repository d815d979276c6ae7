"""Checklist buttons: "Fill SPIN/BATNA/Approach/F.A.B." (on cards, gates and in the meeting
log), a deal picked for ``/spin``, "Move anyway" past a warning gate, history pages, and the SPIN
modal's awareness and variant switches."""

import json
import re

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import checklists, deals
from handlers.kit.replies import open_then_fill, update_view
from handlers.ui import checklists as ui
from handlers.ui import deals as ui_deals
from handlers.ui.common import read_meta
from handlers.ui.forms import OPEN_CHECKLIST, notice_modal

KIND_BY_ACTION = {action: kind for kind, action in OPEN_CHECKLIST.items()}


def open_checklist(ack: Ack, body, action, client, actor, t, services, form) -> None:
    """On a card or a gate message: open the checklist (a gate's move completes when it is
    saved). Inside the meeting log: push it for the deal picked there."""
    ack()
    kind, view = KIND_BY_ACTION[action["action_id"]], body.get("view")
    if view:
        picked = form.get(ids.BLOCK_DEAL) or read_meta(view).get("d")
        if not picked:
            text = ":point_left: " + t("Pick the deal first, then open the checklist.")
            notice = notice_modal(t, title=t(ui.TITLE[kind]), text=text)
            return client.views_push(trigger_id=body["trigger_id"], view=notice)
        deal_id, then, response_url = int(picked), None, None
        channel = read_meta(view).get("c")
    else:
        deal_id, then = ui_deals.decode_move(action["value"])
        channel = (body.get("channel") or {}).get("id")
        response_url = body.get("response_url") if then else None

    def build() -> dict:
        draft = checklists.draft(services.db, actor, kind=kind, deal_id=deal_id)
        return ui.checklist_view(t, draft, channel=channel, then=then, response_url=response_url)

    open_then_fill(client, t, body["trigger_id"], build, push=bool(view))


def pick_checklist_deal(ack: Ack, body, action, client, actor, t, services) -> None:
    """A deal picked in the modal ``/spin`` or ``/batna`` opened: the checklist replaces
    the picker."""
    ack()
    p, view = json.loads(action["value"]), body["view"]
    channel = read_meta(view).get("c")
    draft = checklists.draft(services.db, actor, kind=p["k"], deal_id=int(p["d"]))
    filled = ui.checklist_view(t, draft, channel=channel)
    update_view(client, view_id=view["id"], hash=view.get("hash"), view=filled)


def move_anyway(ack: Ack, action, t, act, answer):
    """Past a warning gate without its checklist (never a required one)."""
    ack()
    deal_id, then = ui_deals.decode_move(action["value"])
    result = act(deals.move, deal_id=deal_id, request=then, confirmed=True, gate_override=True)
    answer(ui_deals.move_reply(t, result), replace=True)


def history_page(ack: Ack, action, actor, t, services, answer):
    """Older / Newer / Full history under a history: the message becomes that page."""
    ack()
    p = json.loads(action["value"])
    history = checklists.history(
        services.db, actor, deal_id=int(p["d"]), kind=p.get("k"), page=int(p.get("p") or 1)
    )
    answer(ui.history_reply(t, history), replace=True)


def spin_refresh(ack: Ack, body, action, client, t, form):
    """Awareness picked or variant switched: redraw the SPIN modal, keeping every answer."""
    ack()
    view = body["view"]
    mode = action.get("value") if action["action_id"] == ids.ACTION_SPIN_MODE else None
    update_view(
        client,
        view_id=view["id"],
        hash=view.get("hash"),
        view=ui.refreshed(t, view, form, mode=mode),
    )


def register(app: App) -> None:
    for action_id in KIND_BY_ACTION:
        app.action(action_id)(open_checklist)
    app.action(re.compile(rf"^{ids.ACTION_PICK_CHECKLIST_DEAL}_\d+$"))(pick_checklist_deal)
    app.action(ids.ACTION_GATE_MOVE_ANYWAY)(move_anyway)
    app.action(re.compile(rf"^{ui.ACTION_HISTORY_PAGE}_\w+$"))(history_page)
    app.action(ids.ACTION_SPIN_AWARENESS)(spin_refresh)
    app.action(ids.ACTION_SPIN_MODE)(spin_refresh)
