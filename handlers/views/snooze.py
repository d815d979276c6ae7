"""A deal snoozed until a date, with why."""

from datetime import date

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import followups
from handlers.ui import reminders as ui


def snooze_submitted(ack: Ack, view, form, client, actor, t, services, today) -> None:
    picked = form.get(ids.BLOCK_SNOOZE_UNTIL)
    result = followups.snooze(
        services.db,
        actor,
        deal_id=int(view["private_metadata"]),
        reason=(form.get(ids.BLOCK_SNOOZE_REASON) or "").strip(),
        until=date.fromisoformat(picked) if picked else None,
        today=today,
        now=services.now(),
    )
    ack()
    msg = ui.snoozed_message(t, deal=result.deal, until=result.until, reason=result.reason)
    client.chat_postMessage(channel=actor.user_id, **msg)


def register(app: App) -> None:
    app.view(ids.VIEW_SNOOZE)(snooze_submitted)
