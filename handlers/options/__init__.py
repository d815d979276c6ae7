"""Options for external selects: the deal pickers' type-ahead."""

from slack_bolt import App

from handlers.options import deals


def register(app: App) -> None:
    deals.register(app)
