"""Shortcuts: global "Log meeting" and the message shortcut "Add to deal"."""

from slack_bolt import App

from handlers.shortcuts import add_to_deal, log_meeting


def register(app: App) -> None:
    log_meeting.register(app)
    add_to_deal.register(app)
