"""The stage editor submitted (managers)."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import stages
from handlers.kit.errors import input_blocks
from handlers.ui import stages as ui
from handlers.ui.common import escape, message


def stages_submitted(ack: Ack, view, form, actor, t, services, answer, request_key) -> None:
    values, shown = ui.read_stage_form(form, input_blocks(view))
    saved = stages.save(services.db, actor, values=values, shown=shown, key=request_key)
    ack()
    if saved.fresh:  # a replay was answered the first time
        text = t("Stages saved: {names}.", names=escape(" → ".join(saved.names)))
        answer.privately(message(text))


def register(app: App) -> None:
    app.view(ids.VIEW_STAGES)(stages_submitted)
