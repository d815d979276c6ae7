"""Slack listeners, one module per kind; ``register_listeners`` wires them all."""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, digest, events, meetings, shortcuts, stages, views


def register_listeners(app: App) -> None:
    commands.register(app)
    actions.register(app)
    views.register(app)
    shortcuts.register(app)
    events.register(app)
    stages.register(app)
    meetings.register(app)  # checklists, meeting logs, notes, gates
    digest.register(app)  # digest scheduler, nudges, snooze, reminder buttons
    actions.register_fallback(app)  # last: acks actions nothing above took
