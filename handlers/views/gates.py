"""The stage gates editor submitted (managers)."""

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import ids
from bot.core.deals import Actor
from bot.core.i18n import Translator
from bot.usecases import stages
from handlers.kit.replies import post_privately
from handlers.ui import gates as ui


def gates_submitted(
    ack: Ack, form: dict, client: WebClient, actor: Actor, t: Translator, services
) -> None:
    rows = stages.save_gates(services.db, actor, choices=ui.read_gates_form(form))
    ack()
    post_privately(
        client, actor.user_id, None, ui.gates_message(t, rows, can_edit=True, saved=True)
    )


def register(app: App) -> None:
    app.view(ids.VIEW_GATES)(gates_submitted)
