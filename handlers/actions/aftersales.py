"""After the close (issue 14): which closing technique won a deal, its final value, a lost
deal's win-back date and re-opening it from the reminder, the Keep check, a Grow deal.
Each change is made once per click (``run_once`` under the request's key): a replay
answers, it changes nothing again."""

import re

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import aftersales
from handlers.ui import aftersales as ui
from handlers.ui import deals as ui_deals
from handlers.ui.common import row_id


def technique(ack: Ack, action, actor, t, services, answer, act) -> None:
    """One of the won message's technique buttons: on record, and the win may be announced
    in the channels that asked for it."""
    ack()
    deal_id, chosen = ui_deals.decode_technique(action.get("value"))
    done = act(aftersales.record_technique, deal_id=deal_id, technique=chosen)
    answer(ui.recorded_message(t, done), replace=True)
    if done.announce and getattr(services, "wins", None) is not None:
        services.wins.announce(actor.team_id, done.deal.id)


def won_value(ack: Ack, body, action, client, actor, t, services) -> None:
    ack()
    draft = aftersales.value_draft(services.db, actor, deal_id=row_id(action.get("value")))
    client.views_open(trigger_id=body["trigger_id"], view=ui.value_modal(t, draft))


def win_back(ack: Ack, body, action, client, actor, t, services, today) -> None:
    ack()
    deal_id = row_id(action.get("value"))
    draft = aftersales.win_back_draft(services.db, actor, deal_id=deal_id, today=today)
    client.views_open(trigger_id=body["trigger_id"], view=ui.win_back_modal(t, draft))


def reopen(ack: Ack, action, t, act, answer) -> None:
    """Win back, from the reminder: the deal re-opens in the first open stage."""
    ack()
    result = act(aftersales.reopen, deal_id=row_id(action.get("value")))
    answer(ui_deals.move_reply(t, result))


def keep_not_yet(ack: Ack, action, t, act, answer, today) -> None:
    ack()
    later = act(aftersales.keep_not_yet, deal_id=row_id(action.get("value")), today=today)
    answer(ui.keep_later_message(t, later), replace=True)


def grow(ack: Ack, body, action, client, actor, t, services, act) -> None:
    """ "Keep is safe: start a Grow deal" (the Keep check) or "Start a Grow deal" (a won
    deal's buttons): the new-deal form, linked to the won deal."""
    ack()
    deal_id = row_id(action.get("value"))
    if action["action_id"] == ids.ACTION_KEEP_SAFE:
        draft = act(aftersales.keep_safe, deal_id=deal_id)
    else:
        draft = aftersales.grow_draft(services.db, actor, deal_id=deal_id)
    channel = (body.get("channel") or {}).get("id")
    client.views_open(
        trigger_id=body["trigger_id"], view=ui_deals.deal_form(t, draft, channel=channel)
    )


def register(app: App) -> None:
    app.action(re.compile(rf"^{ids.ACTION_WON_TECHNIQUE}_\w+$"))(technique)
    app.action(ids.ACTION_WON_VALUE)(won_value)
    app.action(ids.ACTION_WIN_BACK)(win_back)
    app.action(ids.ACTION_REOPEN)(reopen)
    app.action(ids.ACTION_KEEP_NOT_YET)(keep_not_yet)
    app.action(ids.ACTION_KEEP_SAFE)(grow)
    app.action(ids.ACTION_START_GROW)(grow)
