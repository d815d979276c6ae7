"""Slack listeners by kind (``commands``, ``actions``, ``views``, ``shortcuts``, ``events``,
``options``), the kit they share (``kit``), and the Block Kit builders (``ui``).

A listener module never imports another listener module; ``register_listeners`` wires them
all, flat, the fallback for unknown actions last."""

from slack_bolt import App

from handlers import actions, commands, events, options, shortcuts, views


def register_listeners(app: App) -> None:
    commands.register(app)
    actions.register(app)
    views.register(app)
    shortcuts.register(app)
    events.register(app)
    options.register(app)
    actions.register_fallback(app)  # last: acks actions nothing above took
