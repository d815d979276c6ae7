"""Global shortcut "Log meeting": the meeting form, opened at once, filled when ready."""

from slack_bolt import Ack, App

from bot import ids
from handlers.kit.meetings import open_meeting_form


def log_meeting(ack: Ack, body, client, actor, t, services, today) -> None:
    ack()
    open_meeting_form(client, t, services, actor, trigger_id=body["trigger_id"], today=today)


def register(app: App) -> None:
    app.shortcut(ids.SHORTCUT_LOG_MEETING)(log_meeting)
