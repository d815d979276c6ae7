"""Event listeners: the Home tab."""

from __future__ import annotations

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from handlers import flows


def home_opened(event: dict, context: BoltContext, client: WebClient) -> None:
    if event.get("tab") not in (None, "home"):
        return
    client.views_publish(user_id=event["user"], view=flows.home(context=context))


def register(app: App) -> None:
    app.event("app_home_opened")(home_opened)
