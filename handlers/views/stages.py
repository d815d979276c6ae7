"""The stage editor submitted (managers)."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import stages
from handlers.kit.errors import input_blocks
from handlers.ui import stages as ui
from handlers.ui.common import escape, message, stage_text


def stages_submitted(ack: Ack, view, form, actor, t, services, answer, request_key) -> None:
    values, shown = ui.read_stage_form(form, input_blocks(view))
    saved = stages.save(services.db, actor, values=values, shown=shown, key=request_key)
    ack()
    if saved.fresh:  # a replay was answered the first time
        names = " → ".join(stage_text(t, n) for n in saved.names)
        answer.privately(message(t("Stages saved: {names}.", names=escape(names))))


def register(app: App) -> None:
    app.view(ids.VIEW_STAGES)(stages_submitted)
