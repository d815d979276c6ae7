"""A Slack message kept on a deal as a note ("Add to deal")."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import meetings
from handlers.ui import meetings as ui
from handlers.ui.common import read_meta


def note_submitted(ack: Ack, view, form, t, tz, today, act, answer) -> None:
    meta = read_meta(view)
    deal_id, notes = meetings.read_note(form)
    note = meetings.Note(
        deal_id=deal_id,
        notes=notes,
        occurred_on=ui.message_day(meta.get("ts"), tz) or today,
        link=ui.note_link(meta),
        author=meta.get("a"),
    )
    result = act(meetings.add_note, note=note)
    ack()
    if result is not None:  # None: a Slack retry, stored (and answered) the first time
        answer.privately(ui.noted_reply(t, result), channel=meta.get("c"))


def register(app: App) -> None:
    app.view(ids.VIEW_NOTE)(note_submitted)
