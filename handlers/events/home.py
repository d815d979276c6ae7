"""The Home tab: the user's own dashboard, published when they open it; for managers, the
deactivated members' open deals to reassign; the first time, a welcome in the app's DM."""

from slack_bolt import App

from bot.usecases import members, pipeline
from handlers.ui import home as ui
from handlers.ui import people as ui_people


def home_opened(event, client, actor, t, services, today, request_key):
    if event.get("tab") not in (None, "home"):
        return
    result = pipeline.home(services.db, actor, now=services.now(), today=today)
    view = ui.home_reply(t, result, manager=actor.is_manager)
    people = ui_people.home_blocks(t, members.leavers(services.db, actor))
    client.views_publish(user_id=event["user"], view=ui_people.with_people(view, people))
    if members.welcome_once(services.db, actor, key=request_key, now=services.now()):
        client.chat_postMessage(channel=actor.user_id, **ui_people.welcome_message(t))


def register(app: App) -> None:
    app.event("app_home_opened")(home_opened)
