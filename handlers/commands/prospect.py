"""``/prospect``: no text opens the new-deal form; with text, quick add."""

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import ids
from bot.core.deals import Actor
from bot.core.i18n import Translator
from bot.usecases import deals
from handlers.kit.replies import reply
from handlers.ui import deals as ui


def prospect(
    ack: Ack,
    body: dict,
    command: dict,
    client: WebClient,
    text: str,
    actor: Actor,
    t: Translator,
    services,
    request_key: str | None,
) -> None:
    if not text:
        ack()
        draft = deals.draft(services.db, actor, deal_id=None)
        view = ui.deal_form(t, draft, channel=command.get("channel_id"))
        client.views_open(trigger_id=body["trigger_id"], view=view)
        return
    result = deals.quick_add(services.db, actor, text=text, key=request_key, now=services.now())
    reply(ack, ui.added_reply(t, result))


def register(app: App) -> None:
    app.command(ids.CMD_PROSPECT)(prospect)
