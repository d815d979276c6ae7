"""``/pipeline settings`` submitted (managers): the workspace's default language and
currency."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import settings
from handlers.kit.replies import post_privately
from handlers.ui import settings as ui
from handlers.ui.common import read_meta


def settings_submitted(ack: Ack, view, form, client, actor, t, services, request_key) -> None:
    language, currency = ui.read_settings_form(form)
    saved = settings.save_workspace_settings(
        services.db,
        actor,
        language=language,
        currency=currency,
        key=request_key,
        now=services.now(),
    )
    ack()
    channel = read_meta(view).get("channel")
    post_privately(client, actor.user_id, channel, ui.settings_saved_message(t, saved))


def register(app: App) -> None:
    app.view(ids.VIEW_SETTINGS)(settings_submitted)
