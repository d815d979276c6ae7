"""A reading picked for an ambiguous amount after ``/prospect`` (million or miliar): the
deal is added with it, in place of the question."""

import re

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import deals
from handlers.ui import deals as ui
from handlers.ui.amounts import read_amount_pick


def pick_amount(ack: Ack, action, actor, t, services, answer, request_key) -> None:
    ack()
    text, unit = read_amount_pick(action["value"])
    result = deals.quick_add(
        services.db, actor, text=text, key=request_key, now=services.now(), unit=unit
    )
    answer(ui.added_reply(t, result), replace=True)


def register(app: App) -> None:
    app.action(re.compile(rf"^{ids.ACTION_PICK_AMOUNT}_\d+$"))(pick_amount)
