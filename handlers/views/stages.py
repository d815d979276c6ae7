"""The stage editor submitted (managers)."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import stages
from handlers.kit.errors import input_blocks
from handlers.ui import stages as ui


def stages_submitted(ack: Ack, view, form, client, actor, t, services) -> None:
    values, shown = ui.read_stage_form(form, input_blocks(view))
    saved = stages.save(services.db, actor, values=values, shown=shown)
    ack()
    client.chat_postMessage(channel=actor.user_id, **ui.saved_message(t, saved))


def register(app: App) -> None:
    app.view(ids.VIEW_STAGES)(stages_submitted)
