"""Block Kit for after the close (issue 14): the won deal's final value and technique, a
lost deal's win-back date, the Keep check's answers, and an Undo done. Pure builders; the
modals' metadata is sealed and carries the deal's id only (``handlers.ui.common.meta_deal``)."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot import ids
from bot.core import checklists as cl
from bot.core.i18n import Translator
from bot.core.money import format_money
from bot.usecases.aftersales import KeepLater, Recorded, ValueDraft, WinBackDraft, WinBackSet
from bot.usecases.deals import Undone
from handlers.ui.common import clip, day_text, escape, message, stage_text, write_meta
from handlers.ui.deals import deal_buttons, technique_buttons
from handlers.ui.digest import section


def value_modal(t: Translator, draft: ValueDraft) -> dict:
    return View(
        type="modal",
        callback_id=ids.VIEW_WON_VALUE,
        private_metadata=write_meta({"d": draft.deal_id}),
        title=PlainTextObject(text=clip(t("Final value"), 24)),
        submit=PlainTextObject(text=clip(t("Save"), 24)),
        close=PlainTextObject(text=clip(t("Cancel"), 24)),
        blocks=[
            section(
                t(
                    "What was *{deal}* won for? The average deal size and velocity count it "
                    "from now on.",
                    deal=escape(draft.deal_name),
                )
            ),
            InputBlock(
                block_id=ids.BLOCK_WON_VALUE,
                label=t("Final value"),
                hint=t(
                    "Shorthand works: 55jt, 1.5m, Rp 55.000.000, $5,000. "
                    "Without a currency: {currency}.",
                    currency=draft.currency,
                ),
                element=PlainTextInputElement(
                    action_id=ids.INPUT, max_length=60, placeholder=t("e.g. 55jt")
                ),
            ),
        ],
    ).to_dict()


def win_back_modal(t: Translator, draft: WinBackDraft) -> dict:
    return View(
        type="modal",
        callback_id=ids.VIEW_WIN_BACK,
        private_metadata=write_meta({"d": draft.deal_id}),
        title=PlainTextObject(text=clip(t("Win back"), 24)),
        submit=PlainTextObject(text=clip(t("Save"), 24)),
        close=PlainTextObject(text=clip(t("Cancel"), 24)),
        blocks=[
            section(
                t(
                    "Lost customers can be won back. On the date you pick I'll remind you "
                    "to try *{deal}* again, with a button to re-open it.",
                    deal=escape(draft.deal_name),
                )
            ),
            InputBlock(
                block_id=ids.BLOCK_WIN_BACK_ON,
                label=t("Try again on"),
                element=DatePickerElement(
                    action_id=ids.INPUT, initial_date=draft.initial.isoformat()
                ),
            ),
        ],
    ).to_dict()


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


def win_back_set_message(t: Translator, r: WinBackSet) -> dict:
    text = t(
        ":calendar: I'll remind you to try *{deal}* again on {day}.",
        deal=escape(r.deal),
        day=day_text(t, r.day),
    )
    return message(text, [section(text)])


def keep_later_message(t: Translator, r: KeepLater) -> dict:
    text = t(
        ":handshake: Keep first. I'll ask about *{deal}* again on {day}.",
        deal=escape(r.deal),
        day=day_text(t, r.day),
    )
    return message(text, [section(text)])


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
