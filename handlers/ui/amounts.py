"""An amount that could be million or miliar (``bot.core.money``): the question after
``/prospect``, with one button per reading, and the buttons' values read back."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot import ids
from bot.core.errors import InvalidInput
from bot.core.i18n import Translator
from bot.core.money import format_money, money_words
from bot.usecases.deals import AskAmount
from handlers.ui.common import STALE_FORM, escape, message, read_sealed, write_sealed

#: A button's value holds 2,000 characters: the quick-add text must fit with the answer.
MAX_VALUE = 2000


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
    values = [_pick_value(ask, unit) for unit in ask.units]
    if all(len(v) <= MAX_VALUE for v in values):
        blocks.append(
            ActionsBlock(
                block_id="amount_pick",
                elements=[
                    ButtonElement(
                        text=format_money(money, t.locale),
                        action_id=f"{ids.ACTION_PICK_AMOUNT}_{i}",
                        value=value,
                        style="primary" if i == 0 else None,
                    )
                    for i, (money, value) in enumerate(zip(ask.readings, values, strict=True))
                ],
            )
        )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=hint)]))
    return message(text, blocks)


def _pick_value(ask: AskAmount, unit: int) -> str:
    """A reading's button value, sealed: the text is read again with the same real mentions
    (``handlers.kit.middleware``), which a button's click does not carry."""
    return write_sealed({"t": ask.text, "u": unit, "m": sorted(ask.mentions)})


def read_amount_pick(value: str) -> tuple[str, int, frozenset[str]]:
    """A reading's button value: the quick-add text, the power of ten picked and the real
    mentions of the text. A value the app did not write is refused (``InvalidInput``)."""
    picked = read_sealed(value)
    text, unit, mentions = picked.get("t"), picked.get("u"), picked.get("m")
    if not isinstance(text, str) or not isinstance(unit, int) or not isinstance(mentions, list):
        raise InvalidInput(STALE_FORM)
    return text, unit, frozenset(str(m) for m in mentions)
