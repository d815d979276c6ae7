"""Meeting logs, SPIN and BATNA checklists, notes from messages (being built)."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient


def log_meeting_shortcut(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()


def add_to_deal_shortcut(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()
