"""Buttons and menus, one module per area; ``register_fallback`` goes last."""

from slack_bolt import App

from handlers.actions import (
    aftersales,
    amounts,
    checklists,
    deals,
    digest,
    fallback,
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
    amounts.register(app)
    settings.register(app)
    retry.register(app)
    record.register(app)


def register_fallback(app: App) -> None:
    fallback.register(app)
