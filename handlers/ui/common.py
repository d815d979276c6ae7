"""Messages shared by every command: help, errors with the user's text echoed, apologies."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import ContextBlock, DividerBlock, MarkdownTextObject, SectionBlock

from bot.core.i18n import Translator
from bot.core.stages import STATUS_LABELS, stage_label
from handlers.ui.usage import Usage

TEXT_LIMIT = 3000  # characters in one section text
MAX_MESSAGE_BLOCKS = 50  # Slack's limits: blocks in a message, and in a modal or Home tab
MAX_VIEW_BLOCKS = 100


def escape(text: str) -> str:
    """Escape user text for mrkdwn (Slack's three control characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stage_text(t: Translator, name: str | None) -> str:
    """A stage's name for its reader: a default stage's in their language (until the
    workspace renames it), a workspace's own name as written."""
    return str(t.shown(stage_label(name))) if name else "?"


def status_text(t: Translator, status: str) -> str:
    """open / won / lost, in the reader's language."""
    return t(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def echo_line(t: Translator, command: str, text: str) -> str:
    typed = f"{command} {text}".strip()
    # A context element holds 3,000 characters: room for any command text Slack sends.
    return t("You wrote: `{typed}`", typed=clip(escape(typed).replace("`", "'"), 2900))


def compact_json(obj: dict) -> str:
    """Button values and ``private_metadata`` as compact JSON; non-ASCII kept as is, since
    Slack's limits (2,000 and 3,000) count characters (an escaped "é" would cost six)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def read_meta(view: dict) -> dict:
    """A modal's ``private_metadata`` (compact JSON) read back; ``{}`` when it isn't."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


def message(text: str, blocks: list | None = None, **extra: object) -> dict:
    out: dict = {"text": clip(text, 3000)}
    if blocks is not None:
        out["blocks"] = [b.to_dict() if hasattr(b, "to_dict") else b for b in blocks]
    out.update(extra)
    return out


def notice(text: str) -> dict:
    """A message of one mrkdwn section: a short answer."""
    return message(text, [SectionBlock(text=MarkdownTextObject(text=clip(text)))])


def usage_blocks(usage: Usage, t: Translator) -> list:
    forms = "\n".join(f"`{t(syntax)}` — {t(what)}" for syntax, what in usage.forms)
    examples = "\n".join(f"`{t(ex)}`" for ex in usage.examples)
    return [
        SectionBlock(text=MarkdownTextObject(text=clip(f"*{usage.command}* — {t(usage.summary)}"))),
        SectionBlock(text=MarkdownTextObject(text=clip(forms))),
        ContextBlock(elements=[MarkdownTextObject(text=clip(t("Examples:") + "\n" + examples))]),
    ]


def help_message(usage: Usage, t: Translator) -> dict:
    return message(t("How to use {command}", command=usage.command), usage_blocks(usage, t))


def problem_message(
    t: Translator, problem: str, *, command: str, text: str, usage: Usage | None = None
) -> dict:
    """What was wrong, the user's own text, and (optionally) how to write it."""
    blocks: list = [
        SectionBlock(text=MarkdownTextObject(text=clip(":warning: " + problem))),
        ContextBlock(elements=[MarkdownTextObject(text=echo_line(t, command, text))]),
    ]
    if usage is not None:
        blocks += [DividerBlock(), *usage_blocks(usage, t)]
    return message(problem + "\n" + echo_line(t, command, text), blocks)


def unknown_subcommand(t: Translator, usage: Usage, text: str) -> dict:
    problem = t(
        "I don't know “{word}” for {command}. Here is what it can do:",
        word=escape(text.split()[0] if text.split() else text),
        command=usage.command,
    )
    return problem_message(t, problem, command=usage.command, text=text, usage=usage)


def apology(t: Translator, error_id: str) -> dict:
    text = t(
        "Sorry, something went wrong on our side. Check whether your change was saved "
        "(for example with /pipeline) before trying again; if it keeps happening, give "
        "your admin this error id: `{error_id}`.",
        error_id=error_id,
    )
    return message(text, [SectionBlock(text=MarkdownTextObject(text=":x: " + text))])
