"""Events: the Home tab; the app leaving a workspace."""

from slack_bolt import App

from handlers.events import home, uninstall


def register(app: App) -> None:
    home.register(app)
    uninstall.register(app)
