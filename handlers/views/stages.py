"""The stage editor submitted (managers)."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import stages
from handlers.kit.errors import input_blocks
from handlers.ui import stages as ui
from handlers.ui.common import message, stage_text


def stages_submitted(ack: Ack, view, form, client, actor, t, services) -> None:
    values, shown = ui.read_stage_form(form, input_blocks(view))
    names = stages.save(services.db, actor, values=values, shown=shown)
    ack()
    text = t("Stages saved: {names}.", names=" → ".join(stage_text(t, n) for n in names))
    client.chat_postMessage(channel=actor.user_id, **message(text))


def register(app: App) -> None:
    app.view(ids.VIEW_STAGES)(stages_submitted)
