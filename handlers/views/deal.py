"""The new-deal / Edit form submitted."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import deals
from handlers.ui import deals as ui
from handlers.ui.common import read_meta


def deal_submitted(ack: Ack, view, form, t, today, act, answer) -> None:
    meta = read_meta(view)
    result = act(
        deals.save,
        fields=ui.read_deal_form(form),
        deal_id=meta.get("deal_id"),
        form_id=view.get("id") or "",
        today=today,
        grow_of=meta.get("grow"),
    )
    if isinstance(result, deals.SameNameWarning):
        return ack(response_action="errors", errors={ids.BLOCK_NAME: ui.same_name_text(t, result)})
    ack()
    if not isinstance(result, deals.Retried):  # a retry: its first copy answered
        answer.privately(ui.saved_reply(t, result), channel=meta.get("channel"))


def register(app: App) -> None:
    app.view(ids.VIEW_NEW_DEAL)(deal_submitted)
