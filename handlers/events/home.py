"""The Home tab: the user's own dashboard, published when they open it; for managers, the
deactivated members' open deals to reassign; the first time, a welcome in the app's DM."""

from slack_bolt import App

from bot.usecases import members
from handlers.kit.home import publish_home
from handlers.ui import people as ui_people


def home_opened(event, client, actor, t, services, today, tz, act):
    if event.get("tab") not in (None, "home"):
        return
    publish_home(client, services, actor, t, today=today, tz=tz)
    if act(members.welcome_once):
        client.chat_postMessage(channel=actor.user_id, **ui_people.welcome_message(t))


def register(app: App) -> None:
    app.event("app_home_opened")(home_opened)
