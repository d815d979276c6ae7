"""A deal snoozed until a date, with why."""

from datetime import date

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import followups
from handlers.ui import reminders as ui


def snooze_submitted(ack: Ack, view, form, t, today, answer, act):
    picked = form.get(ids.BLOCK_SNOOZE_UNTIL)
    result = act(
        followups.snooze,
        deal_id=ui.snoozed_deal(view),
        reason=(form.get(ids.BLOCK_SNOOZE_REASON) or "").strip(),
        until=date.fromisoformat(picked) if picked else None,
        today=today,
    )
    ack()
    if result.fresh:  # a replay was answered the first time
        msg = ui.snoozed_message(t, deal=result.deal, until=result.until, reason=result.reason)
        answer.privately(msg)


def register(app: App) -> None:
    app.view(ids.VIEW_SNOOZE)(snooze_submitted)
