"""Modal submissions, one module per modal. A bad field keeps the modal open with the error
under it (``handlers.kit.errors``), so nothing typed is lost."""

from slack_bolt import App

from handlers.views import (
    aftersales,
    checklist,
    deal,
    gates,
    imports,
    meeting,
    note,
    notify,
    settings,
    snooze,
    stages,
)


def register(app: App) -> None:
    deal.register(app)
    checklist.register(app)
    meeting.register(app)
    note.register(app)
    snooze.register(app)
    stages.register(app)
    gates.register(app)
    aftersales.register(app)
    settings.register(app)
    imports.register(app)
    notify.register(app)
