"""Modal pieces shared by the checklist, meeting-log and gate builders (pure, slack_sdk
models): options, text inputs, notice and loading modals."""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk.models.blocks import (
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot import ids
from bot.core import checklists as cl
from bot.core.i18n import Translator
from handlers.ui.common import clip


def option(text: str, value: str, description: str | None = None) -> Option:
    return Option(
        text=PlainTextObject(text=clip(text, 75)),
        value=value,
        description=PlainTextObject(text=clip(description, 75)) if description else None,
    )


def md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(text))


def day(t: Translator, at: datetime | date | None) -> str:
    """A day as the reader writes it (``Mon 30 Nov``); ``—`` for none."""
    if at is None:
        return "—"
    return t.day(at.date() if isinstance(at, datetime) else at)


def modal(
    t: Translator,
    *,
    callback_id: str,
    title: str,
    blocks: list,
    metadata: str = "",
    submit: str | None = None,
) -> dict:
    return View(
        type="modal",
        callback_id=callback_id,
        title=clip(title, 24),
        submit=clip(submit, 24) if submit else None,
        close=t("Cancel") if submit else t("Close"),
        private_metadata=metadata,
        blocks=blocks,
    ).to_dict()


def notice_modal(t: Translator, *, title: str, text: str) -> dict:
    """A modal with nothing to submit: "loading…", or a problem to read."""
    return modal(t, callback_id=ids.VIEW_NOTICE, title=title, blocks=[SectionBlock(text=md(text))])


def loading_modal(t: Translator) -> dict:
    return notice_modal(t, title=t("Salespath"), text=":hourglass_flowing_sand: " + t("Loading…"))


def text_input(
    block_id: str,
    label: str,
    value: str | None,
    *,
    hint: str | None = None,
    multiline: bool = True,
    optional: bool = True,
    placeholder: str | None = None,
    max_length: int = cl.TEXT_MAX,
    action_id: str = ids.INPUT,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=clip(label, 2000),
        optional=optional,
        hint=clip(hint, 2000) if hint else None,
        element=PlainTextInputElement(
            action_id=action_id,
            multiline=multiline,
            initial_value=value or None,
            max_length=max_length,
            placeholder=clip(placeholder, 150) if placeholder else None,
        ),
    )
