"""Shortcut listeners: global "Log meeting" and message "Add to deal"."""

from __future__ import annotations

from slack_bolt import App

from bot import ids


def register(app: App) -> None:
    from handlers import meetings

    app.shortcut(ids.SHORTCUT_LOG_MEETING)(meetings.log_meeting_shortcut)
    app.shortcut(ids.SHORTCUT_ADD_TO_DEAL)(meetings.add_to_deal_shortcut)
