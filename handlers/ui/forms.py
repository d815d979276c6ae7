"""Modal pieces shared by the modal builders (pure, slack_sdk models): options, text, menu
and date inputs, notice and loading modals."""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import ids
from bot.core import checklists as cl
from bot.core.i18n import Translator
from handlers.ui.common import MAX_VIEW_BLOCKS, clip

#: The button that opens each checklist (on cards, gate messages, the meeting log).
OPEN_CHECKLIST = {
    cl.SPIN: ids.ACTION_OPEN_SPIN,
    cl.BATNA: ids.ACTION_OPEN_BATNA,
    cl.APPROACH: ids.ACTION_OPEN_APPROACH,
    cl.FAB: ids.ACTION_OPEN_FAB,
}


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


def manager_only(
    can_edit: bool, block_id: str, button: ButtonElement, note: str
) -> ActionsBlock | ContextBlock:
    """What a manager may change: its button for a manager, for anyone else the ``note``
    saying who may."""
    if can_edit:
        return ActionsBlock(block_id=block_id, elements=[button])
    return ContextBlock(elements=[md(note)])


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


def saving_modal(t: Translator, *, title: str) -> dict:
    """A submitted form whose save takes longer than Slack waits: replaced by the result,
    or by the form again, when the save is done (``handlers.kit.deadline``)."""
    text = ":hourglass_flowing_sand: " + t(
        "Saving… this is taking longer than usual. Keep this open: the result will appear here."
    )
    return notice_modal(t, title=title, text=text)


def failed_modal(t: Translator) -> dict:
    text = ":warning: " + t(
        "Slack didn't take this form just now. Close this and try again in a moment."
    )
    return notice_modal(t, title=t("Salespath"), text=text)


def done_modal(t: Translator, *, title: str) -> dict:
    return notice_modal(t, title=title, text=":white_check_mark: " + t("Saved."))


def result_modal(t: Translator, *, title: str, msg: dict) -> dict:
    """A message (``common.message``) shown in a modal: a late save's result."""
    fallback = SectionBlock(text=md(msg.get("text") or "…"))
    view = modal(t, callback_id=ids.VIEW_NOTICE, title=title, blocks=[fallback])
    return {**view, "blocks": (msg.get("blocks") or view["blocks"])[:MAX_VIEW_BLOCKS]}


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


def select_input(
    block_id: str,
    label: str,
    options: list[Option],
    value: str | None,
    *,
    hint: str | None = None,
    optional: bool | None = None,
    dispatch_action: bool | None = None,
    action_id: str = ids.INPUT,
) -> InputBlock:
    """A menu of ``options`` showing the one whose value is ``value`` (none: nothing picked);
    ``dispatch_action``: a pick is sent at once (as ``action_id``), not with the form."""
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        dispatch_action=dispatch_action,
        element=StaticSelectElement(
            action_id=action_id,
            options=options,
            initial_option=next((o for o in options if o.value == value), None),
        ),
    )


def date_input(
    block_id: str, label: str, value: date | None = None, *, optional: bool | None = None
) -> InputBlock:
    """A date picker showing ``value`` (none: no date picked)."""
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        element=DatePickerElement(
            action_id=ids.INPUT, initial_date=value.isoformat() if value else None
        ),
    )


def next_step_inputs(
    t: Translator,
    step: str | None,
    due: date | None,
    *,
    hint: str | None = None,
    placeholder: str | None = None,
) -> list[InputBlock]:
    """The next step and the day it is due, as the deal and the meeting forms ask them."""
    return [
        text_input(
            ids.BLOCK_NEXT_STEP,
            t("Next step"),
            step,
            multiline=False,
            max_length=500,
            hint=hint,
            placeholder=placeholder,
        ),
        date_input(ids.BLOCK_NEXT_STEP_DUE, t("Next step due"), due, optional=True),
    ]
