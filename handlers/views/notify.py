"""The Notifications modal submitted: my reminder days and time, quiet weekends, nudges and
stale alerts. A bad time keeps the modal open with the error under it."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import members
from handlers.ui import people as ui


def notify_submitted(ack: Ack, form, t, act, answer) -> None:
    saved = act(members.save_preferences, ui.read_notify_form(form))
    ack()
    answer.privately(ui.notify_saved_message(t, saved))


def register(app: App) -> None:
    app.view(ids.VIEW_NOTIFY)(notify_submitted)
