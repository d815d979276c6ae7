"""Block Kit for after the close (issue 14): the won deal's final value and technique, a
lost deal's win-back date, the Keep check's answers, and an Undo done. Pure builders; the
modals' metadata is sealed and carries the deal's id only (``handlers.ui.common.meta_deal``)."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    PlainTextInputElement,
)

from bot import ids
from bot.core import checklists as cl
from bot.core.i18n import N_, Translator
from bot.core.money import format_money
from bot.usecases.aftersales import KeepLater, Recorded, ValueDraft, WinBackDraft, WinBackSet
from bot.usecases.deals import Undone
from handlers.ui.common import day_text, escape, message, stage_text, write_meta
from handlers.ui.deals import deal_buttons, technique_buttons
from handlers.ui.digest import section
from handlers.ui.forms import modal


def _deal_modal(
    t: Translator, callback_id: str, deal_id: int, title: str, intro: str, field: InputBlock
) -> dict:
    """A modal about one deal (its id sealed in the metadata): a line on why, and one field."""
    return modal(
        t,
        callback_id=callback_id,
        metadata=write_meta({"d": deal_id}),
        title=title,
        submit=t("Save"),
        blocks=[section(intro), field],
    )


def value_modal(t: Translator, draft: ValueDraft) -> dict:
    intro = t(
        "What was *{deal}* won for? The average deal size and velocity count it from now on.",
        deal=escape(draft.deal_name),
    )
    hint = t(
        "Shorthand works: 55jt, 1.5m, Rp 55.000.000, $5,000. Without a currency: {currency}.",
        currency=draft.currency,
    )
    field = InputBlock(
        block_id=ids.BLOCK_WON_VALUE,
        label=t("Final value"),
        hint=hint,
        element=PlainTextInputElement(
            action_id=ids.INPUT, max_length=60, placeholder=t("e.g. 55jt")
        ),
    )
    return _deal_modal(t, ids.VIEW_WON_VALUE, draft.deal_id, t("Final value"), intro, field)


def win_back_modal(t: Translator, draft: WinBackDraft) -> dict:
    intro = t(
        "Lost customers can be won back. On the date you pick I'll remind you to try *{deal}* "
        "again, with a button to re-open it.",
        deal=escape(draft.deal_name),
    )
    field = InputBlock(
        block_id=ids.BLOCK_WIN_BACK_ON,
        label=t("Try again on"),
        element=DatePickerElement(action_id=ids.INPUT, initial_date=draft.initial.isoformat()),
    )
    return _deal_modal(t, ids.VIEW_WIN_BACK, draft.deal_id, t("Win back"), intro, field)


def recorded_message(t: Translator, r: Recorded) -> dict:
    """The won message once the technique (or the final value) is on record."""
    lines = [t(":trophy: *{deal}* is won.", deal=escape(r.deal.name))]
    chosen = cl.closing_technique(r.technique)
    if chosen is not None:
        lines.append(t("Closed with: {technique}.", technique=t(chosen.label)))
    if r.deal.value is not None:
        lines.append(t("Final value: {value}.", value=format_money(r.deal.value, t.locale)))
    text = " ".join(lines)
    blocks: list = [section(text)]
    if chosen is None:
        blocks.append(technique_buttons(t, r.deal.id))
    blocks.append(deal_buttons(t, r.deal.id, status=r.deal.status))
    return message(text, blocks)


WIN_BACK_SET = N_(":calendar: I'll remind you to try *{deal}* again on {day}.")
KEEP_LATER = N_(":handshake: Keep first. I'll ask about *{deal}* again on {day}.")


def _deal_on_day(t: Translator, text: str, deal: str, day: date) -> dict:
    """A one-line answer naming a deal and the day something comes back to it."""
    shown = t(text, deal=escape(deal), day=day_text(t, day))
    return message(shown, [section(shown)])


def win_back_set_message(t: Translator, r: WinBackSet) -> dict:
    return _deal_on_day(t, WIN_BACK_SET, r.deal, r.day)


def keep_later_message(t: Translator, r: KeepLater) -> dict:
    return _deal_on_day(t, KEEP_LATER, r.deal, r.day)


def undone_message(t: Translator, u: Undone) -> dict:
    text = t(
        ":leftwards_arrow_with_hook: Undone: *{deal}* is back in {stage} ({move} undone).",
        deal=escape(u.deal.name),
        stage=escape(stage_text(t, u.back_to)),
        move=escape(" → ".join(stage_text(t, name) for name in u.undone)),
    )
    return message(text, [section(text), deal_buttons(t, u.deal.id, status=u.deal.status)])


def read_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
