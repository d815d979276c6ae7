"""The stage editor submitted (managers)."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import stages
from handlers.kit.errors import input_blocks
from handlers.ui import stages as ui


def stages_submitted(ack: Ack, view, form, actor, t, services, answer, request_key) -> None:
    values, shown = ui.read_stage_form(form, input_blocks(view))
    saved = stages.save(services.db, actor, values=values, shown=shown, key=request_key)
    ack()
    if saved.fresh:  # a replay was answered the first time
        answer.privately(ui.saved_message(t, saved))


def register(app: App) -> None:
    app.view(ids.VIEW_STAGES)(stages_submitted)
