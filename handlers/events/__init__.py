"""Events: the Home tab; the app leaving a workspace; members deactivated or back."""

from slack_bolt import App

from handlers.events import home, members, uninstall


def register(app: App) -> None:
    home.register(app)
    uninstall.register(app)
    members.register(app)
