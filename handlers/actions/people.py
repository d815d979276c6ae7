"""The reassignment preview's Confirm and Cancel, the managers' Home tab "Reassign to…"
picker (it shows the same preview, in the app's DM), and the Notifications button."""

import re

from slack_bolt import Ack, App

from bot import ids
from bot.core.phrases import ReassignArgs
from bot.usecases import members
from handlers.kit.profiles import known_members
from handlers.ui import people as ui


def confirm(ack: Ack, action, t, act, answer) -> None:
    ack()
    done = act(members.reassign, shown=ui.read_confirm(action.get("value")))
    answer(ui.reassigned_message(t, done), replace=True)


def cancel(ack: Ack, t, answer) -> None:
    ack()
    answer(ui.cancelled_message(t), replace=True)


def reassign_to(ack: Ack, action, client, actor, t, services, answer) -> None:
    ack()
    to_id = action.get("selected_user") or ""
    args = ReassignArgs(ui.picked_from(action["action_id"]), to_id or None, True)
    real = frozenset(known_members(services, client, actor.team_id, [to_id] if to_id else []))
    text = f"reassign <@{args.from_id}> <@{to_id}>"
    shown = members.reassign_preview(services.db, actor, args=args, real=real, text=text)
    answer(ui.preview_message(t, shown))


def open_notify(ack: Ack, body, client, actor, t, services) -> None:
    ack()
    view = ui.notify_modal(t, members.preferences(services.db, actor))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app: App) -> None:
    app.action(ids.ACTION_REASSIGN_CONFIRM)(confirm)
    app.action(ids.ACTION_REASSIGN_CANCEL)(cancel)
    app.action(re.compile(rf"^{ids.ACTION_REASSIGN_TO}_[UW][A-Z0-9]+$"))(reassign_to)
    app.action(ids.ACTION_OPEN_NOTIFY)(open_notify)
