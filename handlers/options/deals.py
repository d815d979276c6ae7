"""The deal pickers' type-ahead (``external_select``)."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import meetings
from handlers.ui import meetings as ui


def deal_options(ack: Ack, body, actor, t, services) -> None:
    found = meetings.search(services.db, actor, query=body.get("value") or "")
    ack(options=ui.deal_options(t, found))


def register(app: App) -> None:
    app.options(ids.ACTION_DEAL_SEARCH)(deal_options)
    app.options(ids.ACTION_MERGE_PICK)(deal_options)  # the deal to merge into (issue 15)
