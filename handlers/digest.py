"""The digest, reminders, stats and export (being built: issue 5)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids


def register_commands(app: App) -> None:
    from handlers.commands import answer_usage

    app.command(ids.CMD_DIGEST)(answer_usage)


def pipeline_stats(
    *, ack: Ack, body: dict, text: str, context: BoltContext, client: WebClient, command: dict
) -> None:
    from handlers.commands import answer_usage

    answer_usage(ack, context, command)


def pipeline_export(
    *, ack: Ack, body: dict, text: str, context: BoltContext, client: WebClient, command: dict
) -> None:
    from handlers.commands import answer_usage

    answer_usage(ack, context, command)
