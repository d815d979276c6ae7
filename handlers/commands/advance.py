"""``/advance <deal> [to <stage> | won | lost <reason> [note]]``."""

from slack_bolt import Ack, App

from bot import ids
from bot.core.deals import Actor
from bot.core.i18n import Translator
from bot.usecases import deals
from handlers.kit.replies import reply
from handlers.ui import deals as ui


def advance(
    ack: Ack, text: str, actor: Actor, t: Translator, services, request_key: str | None
) -> None:
    result = deals.advance_text(services.db, actor, text=text, key=request_key, now=services.now())
    reply(ack, ui.move_reply(t, result))


def register(app: App) -> None:
    app.command(ids.CMD_ADVANCE)(advance)
