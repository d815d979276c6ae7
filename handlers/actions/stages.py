"""Managers' editors: "Edit stages" (with its page buttons) and "Edit gates"."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import stages
from handlers.kit.replies import open_then_fill, update_view
from handlers.ui import gates as ui_gates
from handlers.ui import stages as ui


def edit_stages(ack: Ack, body, client, actor, t, services):
    ack()
    rows = stages.rows(services.db, actor)
    client.views_open(trigger_id=body["trigger_id"], view=ui.stages_modal(t, rows))


def change_page(ack: Ack, body, client, actor, t, services):
    """The page buttons of an editor with more open stages than fit in one view."""
    ack()
    page = ui.page_of(body["actions"][0].get("value"))
    view = ui.stages_modal(t, stages.rows(services.db, actor), page=page)
    update_view(client, view_id=body["view"]["id"], hash=body["view"].get("hash"), view=view)


def edit_gates(ack: Ack, body, client, actor, t, services):
    ack()

    def build() -> dict:
        return ui_gates.gates_modal(t, stages.gates_to_edit(services.db, actor))

    open_then_fill(client, t, body["trigger_id"], build)


def register(app: App) -> None:
    app.action(ids.ACTION_EDIT_STAGES)(edit_stages)
    app.action(ui.ACTION_STAGES_PREV)(change_page)
    app.action(ui.ACTION_STAGES_NEXT)(change_page)
    app.action(ids.ACTION_EDIT_GATES)(edit_gates)
