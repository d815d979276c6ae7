"""``/advance <deal> [to <stage> | won | lost <reason> [note]]``."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import deals
from handlers.kit.replies import reply
from handlers.ui import deals as ui


def advance(ack: Ack, text, actor, t, services, request_key) -> None:
    result = deals.advance_text(services.db, actor, text=text, key=request_key, now=services.now())
    reply(ack, ui.move_reply(t, result))


def register(app: App) -> None:
    app.command(ids.CMD_ADVANCE)(advance)
