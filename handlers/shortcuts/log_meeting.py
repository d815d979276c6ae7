"""Global shortcut "Log meeting": the meeting form, opened at once, filled when ready."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import meetings
from handlers.kit.replies import open_then_fill
from handlers.ui import meetings as ui


def log_meeting(ack: Ack, body, client, actor, t, services, today) -> None:
    ack()

    def build() -> dict:
        draft = meetings.draft(services.db, actor, deal_id=None, today=today)
        return ui.meeting_form(t, draft, channel=None)

    open_then_fill(client, t, body["trigger_id"], build)


def register(app: App) -> None:
    app.shortcut(ids.SHORTCUT_LOG_MEETING)(log_meeting)
