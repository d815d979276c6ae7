"""The stage gates editor submitted (managers)."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import stages
from handlers.kit.replies import post_privately
from handlers.ui import gates as ui


def gates_submitted(ack: Ack, form, client, actor, t, services) -> None:
    rows = stages.save_gates(services.db, actor, choices=ui.read_gates_form(form))
    ack()
    post_privately(
        client, actor.user_id, None, ui.gates_message(t, rows, can_edit=True, saved=True)
    )


def register(app: App) -> None:
    app.view(ids.VIEW_GATES)(gates_submitted)
