"""Block action listeners (buttons on deal replies, pickers, confirmations, the Home tab)."""

from __future__ import annotations

import json
import logging
import re

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.core.errors import DomainError
from handlers import flows
from handlers.common import translator_of
from handlers.ui.common import message

log = logging.getLogger("salespath")


def _deal_id(action: dict) -> int:
    return int(action["value"])


def answer_privately(
    respond,
    body: dict,
    client: WebClient,
    context: BoltContext,
    msg: dict,
    *,
    replace: bool = False,
) -> None:
    """Reply where the button was: in place of an ephemeral message, or privately otherwise."""
    if body.get("response_url"):
        respond(response_type="ephemeral", replace_original=replace, **msg)
    else:  # e.g. a button on the Home tab: the app's DM is where the user reads answers
        client.chat_postMessage(channel=context.user_id, **msg)


def guard_action(fn):
    def listener(
        ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient, respond
    ) -> None:
        ack()
        try:
            fn(body=body, action=action, context=context, client=client, respond=respond)
        except DomainError as err:
            t = translator_of(context)
            text = ":warning: " + err.render(t)
            answer_privately(respond, body, client, context, message(text))

    listener.__name__ = fn.__name__
    return listener


def edit_deal(*, body, action, context, client, respond) -> None:
    flows.open_deal_modal(
        client=client,
        context=context,
        trigger_id=body["trigger_id"],
        channel_id=(body.get("channel") or {}).get("id"),
        deal_id=_deal_id(action),
    )


def advance_deal(*, body, action, context, client, respond) -> None:
    msg = flows.advance_deal(
        context=context, deal_id=_deal_id(action), keyword=None, rest="", key=body.get("trigger_id")
    )
    answer_privately(respond, body, client, context, msg)


def open_card(*, body, action, context, client, respond) -> None:
    msg = flows.card(context=context, deal_id=_deal_id(action))
    answer_privately(respond, body, client, context, msg)


def home_deal_menu(*, body, action, context, client, respond) -> None:
    """The ⋯ menu next to a deal on the Home tab: "card:<id>" or "advance:<id>"."""
    what, _, deal_id = action["selected_option"]["value"].partition(":")
    chosen = {"value": deal_id}
    if what == "advance":
        advance_deal(body=body, action=chosen, context=context, client=client, respond=respond)
    else:
        open_card(body=body, action=chosen, context=context, client=client, respond=respond)


def pick_deal(*, body, action, context, client, respond) -> None:
    then = json.loads(action["value"])
    if then.get("op") == "advance":
        msg = flows.advance_deal(
            context=context,
            deal_id=int(then["deal_id"]),
            keyword=then.get("kw"),
            rest=then.get("rest") or "",
            key=body.get("trigger_id"),
        )
    else:
        msg = flows.card(context=context, deal_id=int(then["deal_id"]))
    answer_privately(respond, body, client, context, msg, replace=True)


def confirm_move(*, body, action, context, client, respond) -> None:
    p = json.loads(action["value"])
    msg = flows.advance_deal(
        context=context,
        deal_id=int(p["deal_id"]),
        keyword=p.get("kw"),
        rest=p.get("rest") or "",
        key=body.get("trigger_id"),
        confirmed=True,
        expect_stage=p.get("from"),
    )
    answer_privately(respond, body, client, context, msg, replace=True)


def confirm_create(*, body, action, context, client, respond) -> None:
    msg = flows.quick_add(
        context=context, text=action["value"], key=body.get("trigger_id"), allow_duplicate=True
    )
    answer_privately(respond, body, client, context, msg, replace=True)


def cancel(*, body, action, context, client, respond) -> None:
    if body.get("response_url"):
        respond(delete_original=True)


def register(app: App) -> None:
    app.action(ids.ACTION_EDIT_DEAL)(guard_action(edit_deal))
    app.action(ids.ACTION_ADVANCE_DEAL)(guard_action(advance_deal))
    app.action(ids.ACTION_OPEN_CARD)(guard_action(open_card))
    app.action(ids.ACTION_HOME_DEAL)(guard_action(home_deal_menu))
    app.action(re.compile(rf"^{ids.ACTION_PICK_DEAL}_\d+$"))(guard_action(pick_deal))
    app.action(ids.ACTION_CONFIRM_MOVE)(guard_action(confirm_move))
    app.action(ids.ACTION_CONFIRM_CREATE)(guard_action(confirm_create))
    app.action(ids.ACTION_CANCEL)(guard_action(cancel))
    from handlers import meetings  # it builds on this module's helpers

    app.action(ids.ACTION_LOG_MEETING)(guard_action(meetings.log_meeting_button))


def unknown_action(
    ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient, respond
) -> None:
    """Any action no listener above took: a button from an older version of the app,
    or a menu that only matters on submit. Ack it (no error icon in Slack) and, for a
    button, say what to do instead."""
    ack()
    log.info("no listener for action %r", action.get("action_id"))
    if action.get("type") == "button":
        t = translator_of(context)
        text = t(
            ":information_source: That button belongs to an older message and no longer "
            "works. Run the command again (e.g. `/pipeline`) for fresh buttons."
        )
        answer_privately(respond, body, client, context, message(text))


def register_fallback(app: App) -> None:
    """Registered after every other listener: Bolt runs the first that matches."""
    app.action(re.compile(".*"))(unknown_action)
