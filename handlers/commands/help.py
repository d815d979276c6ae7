"""Every command answers ``help`` (``bantuan``) with its usage; some answer an empty text so."""

import re

from slack_bolt import Ack, App

from bot import ids
from bot.core.phrases import is_help
from handlers.kit.replies import reply
from handlers.ui.common import help_message
from handlers.ui.usage import USAGE

#: Commands whose empty text shows the usage (``/prospect`` opens its form, ``/pipeline``
#: shows my deals).
EMPTY_IS_HELP = frozenset({ids.CMD_ADVANCE, ids.CMD_SPIN, ids.CMD_BATNA, ids.CMD_DIGEST})


def asks_for_help(body):
    text = (body.get("text") or "").strip()
    return is_help(text) or (not text and body.get("command") in EMPTY_IS_HELP)


def answer_help(ack: Ack, command, t) -> None:
    reply(ack, help_message(USAGE[command["command"]], t))


def register(app: App) -> None:
    app.command(re.compile(".*"), matchers=[asks_for_help])(answer_help)
