"""A meeting log submitted: the activity, contacts, the next step and an optional stage
move, in one transaction (a Slack retry stores nothing twice)."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import meetings
from handlers.ui import meetings as ui
from handlers.ui.common import read_meta


def meeting_submitted(ack: Ack, view, form, t, today, act, answer) -> None:
    meta = read_meta(view)
    log = meetings.read_log(form, today=today)
    result = act(
        meetings.log_meeting,
        log=log,
        owner_seen=meta.get("o") if meta.get("d") == log.deal_id else None,
        ticks=form.get(ui.BLOCK_MOVE_CONFIRM) or [],
    )
    ack()
    if result is not None:  # None: a Slack retry, stored (and answered) the first time
        answer.privately(ui.logged_reply(t, result), channel=meta.get("c"))


def register(app: App) -> None:
    app.view(ids.VIEW_MEETING)(meeting_submitted)
