"""Slash commands, one module each. ``help`` (and an empty text where that means help) is
answered for every command before the command's own listener sees it."""

from slack_bolt import App

from handlers.commands import advance, checklists, digest, help, people, pipeline, prospect


def register(app: App) -> None:
    help.register(app)  # first: Bolt runs the first listener whose matchers pass
    prospect.register(app)
    advance.register(app)
    people.register(app)  # before /pipeline's own: reassign, notify, export all
    pipeline.register(app)
    checklists.register(app)
    digest.register(app)
