"""Slash command listeners: parse → call the domain/storage → render → reply.

Everything a command answers is ephemeral. Answers go straight into ``ack`` when they
are ready in well under a second; modals are opened right after ``ack`` with the
request's ``trigger_id``.
"""

from __future__ import annotations

import re

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.core.errors import DomainError
from handlers import digest, flows, meetings
from handlers.common import command_text, reply, services_of, translator_of
from handlers.ui.common import help_message, problem_message, unknown_subcommand
from handlers.ui.usage import USAGE

HELP_WORDS = {"help", "bantuan", "?", "-h", "--help"}


def is_help(text: str) -> bool:
    return text.strip().lower() in HELP_WORDS


def answer_usage(ack: Ack, context: BoltContext, command: dict) -> None:
    """``help`` or empty text → usage; anything else unknown → usage and the user's text."""
    t = translator_of(context)
    usage = USAGE[command["command"]]
    text = command_text(command)
    if not text.strip() or is_help(text):
        reply(ack, help_message(usage, t))
    else:
        reply(ack, unknown_subcommand(t, usage, text))


def guard_command(fn):
    """Domain errors become a clear answer with the user's text echoed back."""

    def listener(ack: Ack, body: dict, command: dict, context: BoltContext, client: WebClient):
        text = command_text(command)
        if is_help(text):
            return reply(ack, help_message(USAGE[command["command"]], translator_of(context)))
        try:
            return fn(
                ack=ack, body=body, text=text, context=context, client=client, command=command
            )
        except DomainError as err:
            t = translator_of(context)
            reply(
                ack,
                problem_message(
                    t, err.render(t), command=command["command"], text=text, usage=None
                ),
            )

    listener.__name__ = fn.__name__
    return listener


def prospect(
    *, ack: Ack, body: dict, text: str, context: BoltContext, client: WebClient, command: dict
) -> None:
    if not text:
        ack()
        flows.open_deal_modal(
            client=client,
            context=context,
            trigger_id=body["trigger_id"],
            channel_id=command.get("channel_id"),
            deal_id=None,
        )
        return
    reply(ack, flows.quick_add(context=context, text=text, key=body.get("trigger_id")))


def advance(
    *, ack: Ack, body: dict, text: str, context: BoltContext, client: WebClient, command: dict
) -> None:
    if not text:
        return reply(ack, help_message(USAGE[ids.CMD_ADVANCE], translator_of(context)))
    reply(ack, flows.advance_text(context=context, text=text, key=body.get("trigger_id")))


MANAGERS_RE = re.compile(r"^managers?\s*(add|remove|list)?\s*(.*)$", re.I)


def pipeline(
    *, ack: Ack, body: dict, text: str, context: BoltContext, client: WebClient, command: dict
) -> None:
    word = text.split()[0].lower() if text else ""
    if not text:
        return reply(ack, flows.pipeline_of(context=context, team=False))
    if word in ("team", "tim"):
        return reply(ack, flows.pipeline_of(context=context, team=True))
    if word in ("stages", "tahap"):
        return reply(ack, flows.stages_list(context=context))
    if word in ("stats", "statistik"):
        return digest.pipeline_stats(
            ack=ack, body=body, text=text, context=context, client=client, command=command
        )
    if word in ("export", "ekspor"):
        return digest.pipeline_export(
            ack=ack, body=body, text=text, context=context, client=client, command=command
        )
    if word in ("manager", "managers"):
        m = MANAGERS_RE.match(text)
        return reply(
            ack, flows.managers(context=context, op=(m.group(1) or "list").lower(), rest=m.group(2))
        )
    reply(ack, flows.card_text(context=context, text=text))


def register(app: App) -> None:
    app.command(ids.CMD_PROSPECT)(guard_command(prospect))
    app.command(ids.CMD_ADVANCE)(guard_command(advance))
    app.command(ids.CMD_PIPELINE)(guard_command(pipeline))
    meetings.register_commands(app)  # /spin, /batna
    digest.register_commands(app)  # /digest


__all__ = ["register", "services_of"]
