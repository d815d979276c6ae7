"""The Home tab: the user's own dashboard, published when they open it."""

from slack_bolt import App

from bot.usecases import pipeline
from handlers.ui import home as ui


def home_opened(event, client, actor, t, services, today, tz):
    if event.get("tab") not in (None, "home"):
        return
    result = pipeline.home(services.db, actor, now=services.now(), today=today, tz=tz)
    view = ui.home_reply(t, result, manager=actor.is_manager)
    client.views_publish(user_id=event["user"], view=view)


def register(app: App) -> None:
    app.event("app_home_opened")(home_opened)
