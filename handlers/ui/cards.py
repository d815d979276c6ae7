"""A deal card: the deal (``ui.deals``) with its checklists and meetings (``ui.checklists``)."""

from __future__ import annotations

from datetime import datetime

from bot.core.i18n import Translator
from bot.usecases.pipeline import Card
from handlers.ui.checklists import card_blocks
from handlers.ui.deals import card_reply


def card_message(t: Translator, card: Card, *, now: datetime) -> dict:
    extra = card_blocks(
        t,
        deal_id=card.deal.id,
        deal_name=card.deal.name,
        latest=card.extras.latest,
        activities=card.extras.activities,
        locale=t.locale,
    )
    return card_reply(t, card, now=now, extra_blocks=extra)
