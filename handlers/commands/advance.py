"""``/advance <deal> [to <stage> | won | lost <reason> [note]]``."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import deals
from handlers.kit.replies import reply
from handlers.ui import deals as ui


def advance(ack: Ack, text, t, act) -> None:
    result = act(deals.advance_text, text=text)
    reply(ack, ui.move_reply(t, result))


def register(app: App) -> None:
    app.command(ids.CMD_ADVANCE)(advance)
