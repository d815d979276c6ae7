"""Buttons on deal replies and cards, the Home tab's deal menu, pickers and confirmations."""

import re

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import deals, pipeline
from bot.usecases.deals import MoveRequest
from handlers.kit.home import publish_home
from handlers.kit.meetings import open_meeting_form
from handlers.ui import aftersales as ui_aftersales
from handlers.ui import cards
from handlers.ui import deals as ui
from handlers.ui import home as ui_home
from handlers.ui.amounts import read_amount_pick


def edit_deal(ack: Ack, body, action, client, actor, t, services):
    ack()
    draft = deals.draft(services.db, actor, deal_id=int(action["value"]))
    channel = (body.get("channel") or {}).get("id")
    client.views_open(trigger_id=body["trigger_id"], view=ui.deal_form(t, draft, channel=channel))


def move(act, deal_id: int, then: MoveRequest | None, **kw):
    """Move a deal as ``then`` says (the next stage when ``None``)."""
    return act(deals.move, deal_id=deal_id, request=then or MoveRequest(), **kw)


def advance_deal(ack: Ack, body, action, client, actor, t, services, answer, act, today, tz):
    """Advance (a reply's button, a reminder's, the Home tab's): the next stage, unless the
    deal moved since the user saw it; from the Home tab, the tab is drawn again."""
    ack()
    deal_id, then = ui.decode_advance(action["value"])
    answer(ui.move_reply(t, move(act, deal_id, then)))
    if (body.get("view") or {}).get("type") == "home":
        shown = ui_home.shown_view(body["view"])
        publish_home(client, services, actor, t, today=today, tz=tz, view=shown)


def open_card(ack: Ack, action, actor, t, services, answer, today, tz=None):
    ack()
    card = pipeline.card(services.db, actor, deal_id=int(action["value"]), today=today)
    answer(cards.card_message(t, card, now=services.now(), tz=tz))


def home_deal_menu(ack: Ack, body, action, client, actor, t, services, answer, act, today, tz):
    """The ⋯ menu next to a deal on the Home tab: "card:<id>" or "advance:<id>[:<stage>]"."""
    what, _, deal_id = action["selected_option"]["value"].partition(":")
    chosen = {"value": deal_id}
    if what == "advance":
        args = (body, chosen, client, actor, t, services, answer, act, today, tz)
        return advance_deal(ack, *args)
    open_card(ack, chosen, actor, t, services, answer, today)


def home_view(ack: Ack, action, client, actor, t, services, today, tz):
    """A manager's Home tab switch: the team, or their own deals."""
    ack()
    publish_home(client, services, actor, t, today=today, tz=tz, view=action.get("value"))


def undo_move(ack: Ack, action, t, act, answer):
    """Undo, under a move just made: the deal goes back (a compensating move)."""
    ack()
    deal_id, move_id = ui.decode_undo(action.get("value"))
    done = act(deals.undo, deal_id=deal_id, move_id=move_id)
    answer(ui_aftersales.undone_message(t, done), replace=True)


def pick_deal(ack: Ack, action, actor, t, services, answer, act, today, tz):
    """A deal picked among several (or suggested): its card, or the move the user asked for."""
    ack()
    deal_id, then = ui.decode_move(action["value"])
    if then is None:
        card = pipeline.card(services.db, actor, deal_id=deal_id, today=today)
        return answer(cards.card_message(t, card, now=services.now(), tz=tz), replace=True)
    answer(ui.move_reply(t, move(act, deal_id, then)), replace=True)


def confirm_move(ack: Ack, action, t, act, answer):
    """ "Yes, move it": a move back, or re-opening a closed deal, as confirmed."""
    ack()
    deal_id, then = ui.decode_move(action["value"])
    result = move(act, deal_id, then, confirmed=True)
    answer(ui.move_reply(t, result), replace=True)


def add_again(act, t, answer, text: str, **how) -> None:
    """The quick add of ``text`` once more, read the way the user's button says (``how``:
    a duplicate allowed, the unit of an amount) and answered in place of the question."""
    result = act(deals.quick_add, text=text, **how)
    answer(ui.added_reply(t, result), replace=True)


def confirm_create(ack: Ack, action, t, act, answer):
    """ "Create anyway": a second open deal of the same name; or (issue 14) the quick add
    read the way the user picked ("Initech, in USD?"), with the real mentions it was read
    with (the value is sealed: ``ui.quick_add_value``)."""
    ack()
    text, mentions = ui.read_quick_add_value(action.get("value"))
    duplicate = action["action_id"] == ids.ACTION_CONFIRM_CREATE
    add_again(act, t, answer, text, allow_duplicate=duplicate, mentions=mentions)


def pick_amount(ack: Ack, action, t, act, answer) -> None:
    """A reading picked for an ambiguous amount after ``/prospect`` (million or miliar): the
    deal is added with it, in place of the question."""
    ack()
    text, unit, mentions = read_amount_pick(action["value"])
    add_again(act, t, answer, text, unit=unit, mentions=mentions)


def cancel(ack: Ack, body, respond) -> None:
    ack()
    if body.get("response_url"):
        respond(delete_original=True)


def log_meeting(ack: Ack, body, action, client, actor, t, services, today):
    """The "Log meeting" button on every deal reply."""
    ack()
    open_meeting_form(
        client,
        t,
        services,
        actor,
        trigger_id=body["trigger_id"],
        today=today,
        deal_id=int(action["value"]),
        channel=(body.get("channel") or {}).get("id"),
    )


def register(app: App) -> None:
    app.action(ids.ACTION_EDIT_DEAL)(edit_deal)
    app.action(ids.ACTION_ADVANCE_DEAL)(advance_deal)
    app.action(ids.ACTION_OPEN_CARD)(open_card)
    app.action(ids.ACTION_HOME_DEAL)(home_deal_menu)
    app.action(re.compile(rf"^{ids.ACTION_PICK_DEAL}_\d+$"))(pick_deal)
    app.action(ids.ACTION_CONFIRM_MOVE)(confirm_move)
    app.action(ids.ACTION_CONFIRM_CREATE)(confirm_create)
    app.action(re.compile(rf"^{ids.ACTION_CURRENCY_PICK}_\d+$"))(confirm_create)
    app.action(re.compile(rf"^{ids.ACTION_PICK_AMOUNT}_\d+$"))(pick_amount)
    app.action(ids.ACTION_HOME_VIEW)(home_view)
    app.action(ids.ACTION_UNDO_MOVE)(undo_move)
    app.action(ids.ACTION_CANCEL)(cancel)
    app.action(ids.ACTION_LOG_MEETING)(log_meeting)
