"""``/prospect``: no text opens the new-deal form; with text, quick add."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import deals
from handlers.kit.replies import reply
from handlers.ui import deals as ui


def prospect(ack: Ack, body, command, client, text, actor, t, services, act, mentions) -> None:
    if not text:
        ack()
        draft = deals.draft(services.db, actor, deal_id=None)
        view = ui.deal_form(t, draft, channel=command.get("channel_id"))
        client.views_open(trigger_id=body["trigger_id"], view=view)
        return
    result = act(deals.quick_add, text=text, mentions=mentions)
    reply(ack, ui.added_reply(t, result))


def register(app: App) -> None:
    app.command(ids.CMD_PROSPECT)(prospect)
