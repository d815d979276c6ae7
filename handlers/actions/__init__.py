"""Buttons and menus, one module per area; ``register_fallback`` goes last."""

from slack_bolt import App

from handlers.actions import (
    aftersales,
    checklists,
    deals,
    digest,
    fallback,
    people,
    record,
    retry,
    settings,
    stages,
)


def register(app: App) -> None:
    deals.register(app)
    checklists.register(app)
    digest.register(app)
    stages.register(app)
    aftersales.register(app)
    settings.register(app)
    retry.register(app)
    people.register(app)
    record.register(app)


def register_fallback(app: App) -> None:
    fallback.register(app)
