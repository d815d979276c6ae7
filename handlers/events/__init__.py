"""Events: the Home tab."""

from slack_bolt import App

from handlers.events import home


def register(app: App) -> None:
    home.register(app)
