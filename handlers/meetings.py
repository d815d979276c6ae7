"""Meeting logs, SPIN and BATNA checklists, notes from messages (being built)."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient


def log_meeting_shortcut(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()


def add_to_deal_shortcut(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()


def register_commands(app) -> None:
    from bot import ids
    from handlers.commands import answer_usage

    for name in (ids.CMD_SPIN, ids.CMD_BATNA):
        app.command(name)(answer_usage)
