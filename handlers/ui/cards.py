"""A deal card: the deal (``ui.deals``) with its after-sales, the playbook of the stage it
is in, its checklists and meetings (``ui.checklists``)."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.core.i18n import Translator
from bot.usecases.pipeline import Card
from handlers.ui.checklists import card_blocks
from handlers.ui.common import clip
from handlers.ui.deals import card_reply
from handlers.ui.playbook import playbook_text
from handlers.ui.record import card_menu, record_section


def card_message(t: Translator, card: Card, *, now: datetime, tz: str | None = None) -> dict:
    """The card; its latest changes on record (days in ``tz``) and its ⋯ menu (issue 15)."""
    extra = card_blocks(
        t,
        deal_id=card.deal.id,
        deal_name=card.deal.name,
        latest=card.extras.latest,
        activities=card.extras.activities,
        locale=t.locale,
        asks_for=card.asks_for,
        stage=card.deal.stage,
    )
    playbook = playbook_text(t, card.stage_key)
    lead = [SectionBlock(text=MarkdownTextObject(text=clip(playbook)))] if playbook else []
    changes = record_section(t, card.record, tz)
    lead = [changes, *lead] if changes is not None else lead
    menu = card_menu(t, card.deal.id)
    return card_reply(t, card, now=now, extra_blocks=extra, lead=lead, menu=menu)
