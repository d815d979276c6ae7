"""A won deal's final value, and a lost deal's win-back date, submitted (issue 14). The
modal's metadata is sealed and carries the deal's id only; a replay of the submission is
answered the first time and changes nothing again."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import aftersales
from handlers.ui import aftersales as ui
from handlers.ui.common import meta_deal


def value_submitted(ack: Ack, view, form, actor, t, services, act, answer) -> None:
    deal_id = meta_deal(view)
    done = act(aftersales.record_value, deal_id=deal_id, text=form.get(ids.BLOCK_WON_VALUE) or "")
    ack()
    if done.fresh:
        answer.privately(ui.recorded_message(t, done))
    if done.announce and getattr(services, "wins", None) is not None:
        services.wins.announce(actor.team_id, deal_id)


def win_back_submitted(ack: Ack, view, form, t, today, act, answer):
    done = act(
        aftersales.set_win_back,
        deal_id=meta_deal(view),
        day=ui.read_day(form.get(ids.BLOCK_WIN_BACK_ON)),
        today=today,
    )
    ack()
    if done.fresh:
        answer.privately(ui.win_back_set_message(t, done))


def register(app: App) -> None:
    app.view(ids.VIEW_WON_VALUE)(value_submitted)
    app.view(ids.VIEW_WIN_BACK)(win_back_submitted)
