"""Messages shared by every command: help, errors with the user's text echoed, apologies."""

from __future__ import annotations

import json
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot import ids
from bot.core.errors import DomainError, InvalidInput
from bot.core.i18n import N_, Translator
from bot.core.stages import STATUS_LABELS, stage_label
from handlers.ui.seal import seal, unseal
from handlers.ui.usage import Usage

TEXT_LIMIT = 3000  # characters in one section text
MAX_MESSAGE_BLOCKS = 50  # Slack's limits: blocks in a message, and in a modal or Home tab
MAX_VIEW_BLOCKS = 100


def escape(text: str) -> str:
    """Escape user text for mrkdwn (Slack's three control characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Shown(str):
    """Text already made safe for mrkdwn (not escaped a second time)."""


class _MrkdwnTranslator:
    """A translator whose parameters — the user's words inside a message — are escaped for
    mrkdwn, so that a deal called ``<!here>`` is shown, never sent as a mention."""

    def __init__(self, t: Translator) -> None:
        self._t = t
        self.locale = t.locale

    def __call__(self, message: str, /, **params: object) -> str:
        safe = {
            k: v if isinstance(v, _Shown) or not isinstance(v, str) else escape(v)
            for k, v in params.items()
        }
        return _Shown(self._t(message, **safe))

    def __getattr__(self, name: str) -> object:
        return getattr(self._t, name)


def problem_text(t: Translator, err: DomainError) -> str:
    """A domain error's words for mrkdwn (its parameters escaped)."""
    return str(err.render(_MrkdwnTranslator(t)))


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


def day_text(t: Translator, day: date | datetime | None) -> str:
    """A day as every message writes it: ``Thu 26 Nov`` (``Kam 26 Nov`` in Indonesian)."""
    if day is None:
        return "—"
    return t.day(day.date() if isinstance(day, datetime) else day)


def compact_json(obj: dict) -> str:
    """Button values and ``private_metadata`` as compact JSON; non-ASCII kept as is, since
    Slack's limits (2,000 and 3,000) count characters (an escaped "é" would cost six)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


STALE_FORM = N_(
    "This form can't be read any more: it was opened by an older version of Salespath, or "
    "changed on its way. Close it and open it again; sorry for the retyping."
)


def write_sealed(obj: dict) -> str:
    """A value to get back from Slack (a button's, a modal's metadata): compact JSON, sealed
    (``handlers.ui.seal``) so that what comes back is what the app wrote."""
    return seal(compact_json(obj))


def read_sealed(raw: object) -> dict:
    """A value of ``write_sealed`` read back; anything the app did not write (or an older,
    unsealed one) is refused with ``InvalidInput``."""
    return read_json(unseal(raw) if isinstance(raw, str) else None)


def row_id(value: object) -> int:
    """A button's value that is a row id (``str(deal_id)``) read back; anything else (a
    forged click) is refused with ``STALE_FORM``, never an apology."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    raise InvalidInput(STALE_FORM)


def read_json(value: object) -> dict:
    """A button's compact-JSON value read back (``{}``-shaped); anything else is refused with
    ``STALE_FORM``."""
    try:
        found = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise InvalidInput(STALE_FORM)
    return found


def meta_deal(view: dict) -> int:
    """The deal a submitted modal is about: its sealed metadata's ``d`` (``write_meta``)."""
    return row_id(read_meta(view).get("d"))


def write_meta(meta: dict) -> str:
    """A modal's ``private_metadata``, sealed (``write_sealed``)."""
    return write_sealed(meta)


def read_meta(view: dict) -> dict:
    """A modal's ``private_metadata`` read back: ``{}`` when there is none; a value the app
    did not write (or an older, unsealed one) is refused with ``InvalidInput``."""
    raw = view.get("private_metadata") or ""
    return read_sealed(raw) if raw else {}


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
    t: Translator,
    problem: str,
    *,
    command: str,
    text: str,
    usage: Usage | None = None,
    extra: list | None = None,
) -> dict:
    """What was wrong, the user's own text, and (optionally) how to write it; ``extra``
    blocks (a Retry button) go right under the problem."""
    blocks: list = [
        SectionBlock(text=MarkdownTextObject(text=clip(":warning: " + problem))),
        *(extra or []),
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


def working_message(t: Translator, *, command: str, text: str) -> dict:
    """The stand-in answer to a command that takes longer than Slack waits: the real answer
    follows below it (``handlers.kit.deadline``)."""
    line = ":hourglass_flowing_sand: " + t("Working on it — the answer will appear here.")
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=line)),
        ContextBlock(elements=[MarkdownTextObject(text=echo_line(t, command, text))]),
    ]
    return message(line, blocks)


def db_problem(t: Translator, kind: str, *, modal: bool = False) -> str:
    """What is known when the database fails: ``down`` (before any commit: nothing was
    saved) or ``unknown`` (the connection was lost while saving)."""
    if kind == "unknown" and modal:
        return t(
            "The database stopped answering while saving this, so I can't tell whether it "
            "was saved. Submit again: it won't be saved twice. Everything you typed is "
            "still here."
        )
    if kind == "unknown":
        return t(
            "The database stopped answering while saving this, so I can't tell whether it "
            "was saved. Press Retry: it is safe, it won't be saved twice."
        )
    if modal:
        return t(
            "The database is not answering, so nothing was saved. Everything you typed is "
            "still here: submit again in a minute."
        )
    return t("The database is not answering, so nothing was saved. Try again in a minute.")


def retry_blocks(t: Translator, value: str) -> list:
    """A Retry button that runs the request again under its first key (``handlers.kit.retry``)."""
    button = ButtonElement(
        text=t("Retry"), action_id=ids.ACTION_RETRY_REQUEST, value=value, style="primary"
    )
    return [ActionsBlock(elements=[button])]


def trigger_expired_text(t: Translator) -> str:
    return t(
        "Slack allows three seconds to open a form, and this took longer. "
        "Click again (or run the command again) to open it."
    )


def apology(t: Translator, error_id: str) -> dict:
    text = t(
        "Sorry, something went wrong on our side. Check whether your change was saved "
        "(for example with /pipeline) before trying again; if it keeps happening, give "
        "your admin this error id: `{error_id}`.",
        error_id=error_id,
    )
    return message(text, [SectionBlock(text=MarkdownTextObject(text=":x: " + text))])
