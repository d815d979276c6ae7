"""Block Kit for a won deal announced in a channel (``/digest here … wins``; issue 14)."""

from __future__ import annotations

from bot.core import checklists as cl
from bot.core.i18n import Translator
from bot.core.money import format_money
from bot.usecases.announcements import WinNews
from handlers.ui.common import escape, message, stage_text
from handlers.ui.digest import context, section


def win_message(t: Translator, n: WinNews) -> dict:
    """``:trophy: Bank BRI is won by @rep — Rp55.000.000``, then how: the closing technique,
    from which stage, in how many days."""
    value = format_money(n.value, t.locale) if n.value is not None else t("value not recorded")
    head = t(
        ":trophy: *{deal}* is won by <@{owner}> — {value}",
        deal=escape(n.name),
        owner=n.owner_id,
        value=value,
    )
    technique = cl.closing_technique(n.technique)
    how = [
        t("closed with {technique}", technique=t(technique.label))
        if technique
        else t("closing technique not recorded"),
        t("from {stage}", stage=escape(stage_text(t, n.before))),
        t.plural("{n} day from first contact", "{n} days from first contact", n.days),
    ]
    text = head + "\n" + " · ".join(how)
    blocks = [section(text), context(t("Announced because this channel asked for wins."))]
    return message(text, blocks, unfurl_links=False, unfurl_media=False)
