"""The stage editor submitted (managers)."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import stages
from handlers.kit.errors import input_blocks
from handlers.ui import stages as ui
from handlers.ui.common import message


def stages_submitted(ack: Ack, view, form, actor, t, services, answer) -> None:
    values, shown = ui.read_stage_form(form, input_blocks(view))
    names = stages.save(services.db, actor, values=values, shown=shown)
    ack()
    text = t("Stages saved: {names}.", names=" → ".join(names))
    answer.privately(message(text))


def register(app: App) -> None:
    app.view(ids.VIEW_STAGES)(stages_submitted)
