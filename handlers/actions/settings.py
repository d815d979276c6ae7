"""The Home tab's language menu (each person's own language) and its "Workspace settings"
button (managers)."""

from slack_bolt import Ack, App

from bot import ids
from bot.core.i18n import Translator
from bot.usecases import forecast as forecasts
from bot.usecases import people, settings
from handlers.kit.home import publish_home
from handlers.ui import forecast as ui_forecast
from handlers.ui import home
from handlers.ui import settings as ui
from handlers.ui.common import read_meta


def pick_language(ack: Ack, body, action, client, actor, services, today, tz, act) -> None:
    """The Home tab is drawn again at once in the language picked (in the view it showed:
    a manager's team or their own deals)."""
    ack()
    picked = (action.get("selected_option") or {}).get("value") or ""
    result = act(people.set_language, picked)
    shown = home.shown_view(body.get("view") or {})
    publish_home(
        client, services, actor, Translator(result.language), today=today, tz=tz, view=shown
    )


def open_settings(ack: Ack, body, client, actor, t, services) -> None:
    ack()
    current = settings.workspace_settings(services.db, actor)
    client.views_open(trigger_id=body["trigger_id"], view=ui.settings_modal(t, current))


def open_targets(ack: Ack, body, client, actor, t, services, today) -> None:
    """The settings modal's "Targets" button: the targets modal, pushed on top."""
    form = forecasts.targets_form(services.db, actor, today=today)
    ack()
    channel = read_meta(body.get("view") or {}).get("channel")
    view = ui_forecast.targets_modal(t, form, channel=channel)
    client.views_push(trigger_id=body["trigger_id"], view=view)


def register(app: App) -> None:
    app.action(ids.ACTION_LANGUAGE)(pick_language)
    app.action(ids.ACTION_OPEN_SETTINGS)(open_settings)
    app.action(ids.ACTION_OPEN_TARGETS)(open_targets)
