"""A won deal's final value, and a lost deal's win-back date, submitted (issue 14)."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import aftersales
from handlers.ui import aftersales as ui


def value_submitted(ack: Ack, view, form, client, actor, t, services, request_key) -> None:
    deal_id = int(view["private_metadata"])
    done = aftersales.record_value(
        services.db,
        actor,
        deal_id=deal_id,
        text=form.get(ids.BLOCK_WON_VALUE) or "",
        key=request_key,
        now=services.now(),
    )
    ack()
    client.chat_postMessage(channel=actor.user_id, **ui.recorded_message(t, done))
    if done.announce and getattr(services, "wins", None) is not None:
        services.wins.announce(actor.team_id, deal_id)


def win_back_submitted(ack: Ack, view, form, client, actor, t, services, today) -> None:
    done = aftersales.set_win_back(
        services.db,
        actor,
        deal_id=int(view["private_metadata"]),
        day=ui.read_day(form.get(ids.BLOCK_WIN_BACK_ON)),
        today=today,
        now=services.now(),
    )
    ack()
    client.chat_postMessage(channel=actor.user_id, **ui.win_back_set_message(t, done))


def register(app: App) -> None:
    app.view(ids.VIEW_WON_VALUE)(value_submitted)
    app.view(ids.VIEW_WIN_BACK)(win_back_submitted)
