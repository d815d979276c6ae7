"""Message shortcut "Add to deal": the message becomes a note on a deal, with a link back."""

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot import ids
from handlers.kit.replies import update_view
from handlers.ui import meetings as ui


def add_to_deal(ack: Ack, body, client, t, text) -> None:
    ack()
    msg = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or ""
    ts = msg.get("ts") or body.get("message_ts") or ""
    author = msg.get("user") or msg.get("bot_id")
    opened = client.views_open(
        trigger_id=body["trigger_id"],
        view=ui.note_form(t, text=text, author=author, channel=channel, ts=ts, link=None),
    )["view"]
    try:  # the permalink is not in the payload: fetch it now the modal is open
        link = client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
    except SlackApiError:
        link = ui.fallback_link(channel, ts)
    view = ui.note_form(t, text=text, author=author, channel=channel, ts=ts, link=link)
    update_view(client, view_id=opened["id"], hash=opened["hash"], view=view)


def register(app: App) -> None:
    app.shortcut(ids.SHORTCUT_ADD_TO_DEAL)(add_to_deal)
