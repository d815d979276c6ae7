"""``/pipeline settings`` submitted (managers): the workspace's default language and
currency."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import forecast as forecasts
from bot.usecases import settings
from handlers.kit.replies import post_privately
from handlers.ui import forecast as ui_forecast
from handlers.ui import settings as ui
from handlers.ui.common import read_meta


def settings_submitted(ack: Ack, view, form, client, actor, t, act) -> None:
    language, currency = ui.read_settings_form(form)
    saved = act(
        settings.save_workspace_settings,
        language=language,
        currency=currency,
        team_view=ui_forecast.read_team_view(form),
    )
    ack()
    channel = read_meta(view).get("channel")
    post_privately(client, actor.user_id, channel, ui.settings_saved_message(t, saved))


def target_submitted(ack: Ack, view, form, client, actor, t, act) -> None:
    """The targets modal (pushed from the settings modal): one rep's target is saved."""
    done = act(forecasts.target_from_form, **ui_forecast.read_targets_form(form))
    ack()
    channel = read_meta(view).get("channel")
    post_privately(client, actor.user_id, channel, ui_forecast.target_set_reply(t, done))


def register(app: App) -> None:
    app.view(ids.VIEW_SETTINGS)(settings_submitted)
    app.view(ids.VIEW_TARGETS)(target_submitted)
