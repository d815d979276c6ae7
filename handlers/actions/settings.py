"""The Home tab's language menu (each person's own language) and its "Workspace settings"
button (managers)."""

from slack_bolt import Ack, App

from bot import ids
from bot.core.i18n import Translator
from bot.usecases import members, people, pipeline, settings
from handlers.ui import home
from handlers.ui import people as ui_people
from handlers.ui import settings as ui


def pick_language(ack: Ack, body, action, client, actor, services, today, request_key) -> None:
    """The Home tab is drawn again at once in the language picked (in the view it showed:
    a manager's team or their own deals)."""
    ack()
    picked = (action.get("selected_option") or {}).get("value") or ""
    result = people.set_language(services.db, actor, picked, key=request_key, now=services.now())
    shown = home.shown_view(body.get("view") or {})
    drawn = pipeline.home(services.db, actor, now=services.now(), today=today, view=shown)
    t = Translator(result.language)
    view = home.home_reply(t, drawn, manager=actor.is_manager)
    extra = ui_people.home_blocks(t, members.leavers(services.db, actor))
    client.views_publish(user_id=actor.user_id, view=ui_people.with_people(view, extra))


def open_settings(ack: Ack, body, client, actor, t, services) -> None:
    ack()
    current = settings.workspace_settings(services.db, actor)
    client.views_open(trigger_id=body["trigger_id"], view=ui.settings_modal(t, current))


def register(app: App) -> None:
    app.action(ids.ACTION_LANGUAGE)(pick_language)
    app.action(ids.ACTION_OPEN_SETTINGS)(open_settings)
