"""Deleting and merging a deal from its card and from the confirmations of ``/pipeline
delete`` and ``/pipeline merge`` (issue 15)."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import record
from handlers.ui import record as ui


def card_menu(ack: Ack, action, actor, t, services, answer):
    """The card's ⋯: "Delete deal…" asks to confirm; "Merge into another deal…" asks which
    deal stays. Who may not is told so at once."""
    ack()
    what, deal_id = ui.read_card_menu(action["selected_option"]["value"])
    shown = record.delete_check(services.db, actor, deal_id=deal_id)
    if what == "merge":
        return answer(ui.merge_pick_message(t, shown))
    answer(ui.delete_confirm_message(t, shown))


def confirm_delete(ack: Ack, action, t, act, answer):
    ack()
    done = act(record.delete, deal_id=int(action["value"]))
    answer(ui.deleted_message(t, done), replace=True)


def undo_delete(ack: Ack, action, t, act, answer):
    ack()
    done = act(record.restore, deal_id=int(action["value"]))
    answer(ui.restored_message(t, done), replace=True)


def merge_pick(ack: Ack, action, actor, t, services, answer):
    """The deal that stays, picked under the card's "Merge into another deal…"."""
    ack()
    merged_id = ui.merged_id_of(action["block_id"])
    survivor_id = int(action["selected_option"]["value"])
    preview = record.merge_preview(services.db, actor, merged_id=merged_id, survivor_id=survivor_id)
    answer(ui.merge_confirm_message(t, preview), replace=True)


def confirm_merge(ack: Ack, action, t, act, answer):
    ack()
    merged_id, survivor_id = ui.read_merge_value(action["value"])
    done = act(record.merge, merged_id=merged_id, survivor_id=survivor_id)
    answer(ui.merged_message(t, done), replace=True)


def register(app: App) -> None:
    app.action(ids.ACTION_CARD_MENU)(card_menu)
    app.action(ids.ACTION_CONFIRM_DELETE)(confirm_delete)
    app.action(ids.ACTION_UNDO_DELETE)(undo_delete)
    app.action(ids.ACTION_MERGE_PICK)(merge_pick)
    app.action(ids.ACTION_CONFIRM_MERGE)(confirm_merge)
