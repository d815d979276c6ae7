"""Modal submission listeners. Bad fields keep the modal open with errors under them."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from handlers import flows


def post_privately(client: WebClient, context: BoltContext, channel: str | None, msg: dict) -> None:
    """An ephemeral note where the modal was opened from, or the app DM if that fails."""
    if channel:
        try:
            client.chat_postEphemeral(channel=channel, user=context.user_id, **msg)
            return
        except SlackApiError:
            pass  # e.g. the bot is not in that channel: fall back to the DM
    client.chat_postMessage(channel=context.user_id, **msg)


def deal_submitted(
    ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient
) -> None:
    errors, msg, channel = flows.submit_deal_modal(
        context=context, view=view, key=body.get("trigger_id")
    )
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    if msg:
        post_privately(client, context, channel, msg)


def register(app: App) -> None:
    app.view(ids.VIEW_NEW_DEAL)(deal_submitted)
