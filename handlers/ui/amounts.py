"""An amount that could be million or miliar (``bot.core.money``): the question after
``/prospect``, with one button per reading, and the buttons' values read back."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot import ids
from bot.core.i18n import Translator
from bot.core.money import format_money, money_words
from bot.usecases.deals import AskAmount
from handlers.ui.common import compact_json, escape, message

#: A button's value holds 2,000 characters: the quick-add text must fit with the answer.
MAX_TEXT = 1900


def _reading(t: Translator, money) -> str:
    words = money_words(money, t.locale)
    full = format_money(money, t.locale)
    return f"{full} ({words})" if words else full


def amount_question(t: Translator, ask: AskAmount) -> dict:
    """``2,5M`` in rupiah, from someone writing English (or ``2,5m`` in Indonesian): which
    reading? The deal is added with the one pressed."""
    first, second = (_reading(t, m) for m in ask.readings)
    text = t(
        "Which amount did you mean by “{typed}”: {first} or {second}? I'll add the deal with "
        "the one you pick.",
        typed=escape(ask.typed),
        first=first,
        second=second,
    )
    hint = t(
        "To skip this question, write the unit in full: juta (jt) or miliar. Your language, "
        "which decides what M means, is set with /pipeline lang."
    )
    blocks: list = [SectionBlock(text=MarkdownTextObject(text=":question: " + text))]
    if len(ask.text) <= MAX_TEXT:
        blocks.append(
            ActionsBlock(
                block_id="amount_pick",
                elements=[
                    ButtonElement(
                        text=format_money(money, t.locale),
                        action_id=f"{ids.ACTION_PICK_AMOUNT}_{i}",
                        value=compact_json({"t": ask.text, "u": unit}),
                        style="primary" if i == 0 else None,
                    )
                    for i, (money, unit) in enumerate(zip(ask.readings, ask.units, strict=True))
                ],
            )
        )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=hint)]))
    return message(text, blocks)


def read_amount_pick(value: str) -> tuple[str, int]:
    """A reading's button value: the quick-add text and the power of ten picked."""
    picked = json.loads(value)
    return str(picked["t"]), int(picked["u"])
