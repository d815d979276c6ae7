"""Changes on record (a card's latest few, a deal's history) and the replies of deleting and
merging a deal (issue 15): confirmations with Slack's confirm dialog, Undo, the card's ⋯ menu.
Amounts are written short for the reader (``Rp50 jt → Rp45 jt``), days in their timezone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    ExternalDataSelectElement,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextObject,
    SectionBlock,
)

from bot import ids
from bot.core.i18n import N_, Translator
from bot.core.money import Money, format_money_short
from bot.usecases.record import Deleted, Line, Merged, MergePreview, Record, Restored
from bot.usecases.views import DealView
from handlers.ui.common import clip, escape, message, stage_text
from handlers.ui.deals import deal_buttons, money_text

FIELD_LABELS = {
    "value": N_("value"),
    "expected_close": N_("close date"),
    "owner": N_("owner"),
    "probability": N_("probability"),
    "stage": N_("stage"),
}


def _local_day(at: datetime, tz: str | None) -> date:
    return at.astimezone(ZoneInfo(tz)).date() if tz else at.date()


def _shown(t: Translator, field: str, value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Money):
        return format_money_short(value, t.locale)
    if isinstance(value, date):
        return t.day(value)
    if field == "owner":
        return f"<@{value}>"
    if field == "probability":
        return f"{value}%"
    if field == "stage":
        return escape(stage_text(t, str(value)))
    return escape(str(value))


def line_text(t: Translator, line: Line, tz: str | None) -> str:
    """``value Rp50 jt → Rp45 jt by @maria, Wed 2 Dec``."""
    day = t.day(_local_day(line.at, tz))
    if line.field == "merged":
        return t(
            "merged “{deal}” into this deal, by <@{user}>, {day}",
            deal=escape(str(line.after)),
            user=line.by,
            day=day,
        )
    return t(
        "{field} {before} → {after} by <@{user}>, {day}",
        field=t(FIELD_LABELS.get(line.field, line.field)),
        before=_shown(t, line.field, line.before),
        after=_shown(t, line.field, line.after),
        user=line.by,
        day=day,
    )


def record_section(t: Translator, lines: Sequence[Line], tz: str | None, *, limit: int = 20):
    """The record as one section (``limit`` lines, newest first); None when it is empty."""
    if not lines:
        return None
    rows = [f"• {line_text(t, line, tz)}" for line in list(lines)[:limit]]
    more = len(lines) - limit
    if more > 0:
        rows.append(t("…{n} earlier changes", n=more))
    return SectionBlock(
        text=MarkdownTextObject(text=clip(t("*Changes on record*") + "\n" + "\n".join(rows)))
    )


def with_record(t: Translator, msg: dict, record: Record, tz: str | None) -> dict:
    """A deal's history (``/pipeline <deal> history``) with its whole record after the
    title."""
    section = record_section(t, record.lines, tz)
    if section is None:
        return msg
    blocks = list(msg.get("blocks") or [])
    return {**msg, "blocks": [*blocks[:1], section.to_dict(), *blocks[1:]][:50]}


def card_menu(t: Translator, deal_id: int) -> OverflowMenuElement:
    """The card's ⋯: delete the deal, or merge it into another."""
    return OverflowMenuElement(
        action_id=ids.ACTION_CARD_MENU,
        options=[
            Option(text=t("Delete deal…"), value=f"delete:{deal_id}"),
            Option(text=t("Merge into another deal…"), value=f"merge:{deal_id}"),
        ],
    )


def read_card_menu(value: str) -> tuple[str, int]:
    what, _, deal_id = value.partition(":")
    return what, int(deal_id)


def _confirm(t: Translator, title: str, text: str, yes: str) -> ConfirmObject:
    return ConfirmObject(
        title=clip(title, 100),
        text=MarkdownTextObject(text=clip(text, 300)),
        confirm=clip(yes, 30),
        deny=t("Cancel"),
        style="danger",
    )


def _deal_line(t: Translator, d: DealView) -> str:
    return " · ".join(
        [
            f"*{escape(d.name)}*",
            escape(stage_text(t, d.stage)),
            money_text(d.value, t.locale, t),
            f"<@{d.owner_id}>",
        ]
    )


def delete_confirm_message(t: Translator, d: DealView) -> dict:
    text = t(
        ":wastebasket: Delete {deal}? It leaves every list, metric, digest and reminder; "
        "its history is kept for audit.",
        deal=_deal_line(t, d),
    )
    yes = ButtonElement(
        text=t("Delete"),
        action_id=ids.ACTION_CONFIRM_DELETE,
        value=str(d.id),
        style="danger",
        confirm=_confirm(
            t, t("Delete this deal?"), t("Delete “{deal}”?", deal=escape(d.name)), t("Delete")
        ),
    )
    cancel = ButtonElement(text=t("Cancel"), action_id=ids.ACTION_CANCEL, value="cancel")
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=clip(text))),
        ActionsBlock(elements=[yes, cancel]),
    ]
    return message(text, blocks)


def deleted_message(t: Translator, done: Deleted) -> dict:
    text = t(":wastebasket: Deleted *{deal}*.", deal=escape(done.name))
    undo = ButtonElement(text=t("Undo"), action_id=ids.ACTION_UNDO_DELETE, value=str(done.deal_id))
    return message(
        text,
        [SectionBlock(text=MarkdownTextObject(text=clip(text))), ActionsBlock(elements=[undo])],
    )


def restored_message(t: Translator, done: Restored) -> dict:
    text = t(":leftwards_arrow_with_hook: *{deal}* is back.", deal=escape(done.deal.name))
    buttons = deal_buttons(t, done.deal.id, status=done.deal.status, stage_id=done.deal.stage_id)
    return message(text, [SectionBlock(text=MarkdownTextObject(text=clip(text))), buttons])


def merge_pick_message(t: Translator, d: DealView) -> dict:
    """The card's "Merge into another deal…": pick the deal that stays."""
    text = t("Merge *{deal}* into which deal? It stays; “{deal}” goes.", deal=escape(d.name))
    pick = ExternalDataSelectElement(
        action_id=ids.ACTION_MERGE_PICK,
        placeholder=PlainTextObject(text=t("Type a deal's name")),
        min_query_length=0,
    )
    blocks = [
        SectionBlock(
            block_id=f"{ids.BLOCK_MERGE_INTO}_{d.id}",
            text=MarkdownTextObject(text=clip(text)),
            accessory=pick,
        )
    ]
    return message(text, blocks)


def merged_id_of(block_id: str) -> int:
    return int(block_id.rsplit("_", 1)[1])


def _moving_text(t: Translator, moving: dict[str, int]) -> str:
    parts = [
        t.plural("{n} contact", "{n} contacts", moving.get("contacts", 0)),
        t.plural("{n} checklist", "{n} checklists", moving.get("checklists", 0)),
        t.plural("{n} meeting or note", "{n} meetings and notes", moving.get("activities", 0)),
        t.plural("{n} stage move", "{n} stage moves", moving.get("moves", 0)),
        t.plural("{n} change on record", "{n} changes on record", moving.get("changes", 0)),
    ]
    return ", ".join(parts)


def merge_confirm_message(t: Translator, p: MergePreview) -> dict:
    text = t(
        ":twisted_rightwards_arrows: Merge {a}\n*into* {b}?\nMoving to “{b_name}”: {moving}. "
        "“{a_name}” is then deleted (its name will point to “{b_name}”).",
        a=_deal_line(t, p.merged),
        b=_deal_line(t, p.survivor),
        a_name=escape(p.merged.name),
        b_name=escape(p.survivor.name),
        moving=_moving_text(t, p.moving),
    )
    yes = ButtonElement(
        text=t("Merge"),
        action_id=ids.ACTION_CONFIRM_MERGE,
        value=f"{p.merged.id}:{p.survivor.id}",
        style="danger",
        confirm=_confirm(
            t,
            t("Merge these deals?"),
            t("“{a}” goes into “{b}”.", a=escape(p.merged.name), b=escape(p.survivor.name)),
            t("Merge"),
        ),
    )
    cancel = ButtonElement(text=t("Cancel"), action_id=ids.ACTION_CANCEL, value="cancel")
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=clip(text))),
        ActionsBlock(elements=[yes, cancel]),
    ]
    return message(text, blocks)


def read_merge_value(value: str) -> tuple[int, int]:
    a, _, b = value.partition(":")
    return int(a), int(b)


def merged_message(t: Translator, done: Merged) -> dict:
    text = t(
        ":twisted_rightwards_arrows: Merged *{a}* into *{b}*.",
        a=escape(done.merged),
        b=escape(done.survivor.name),
    )
    note = t(
        "Its contacts, checklists, meetings and history are on “{b}” now.",
        b=escape(done.survivor.name),
    )
    s = done.survivor
    return message(
        text,
        [
            SectionBlock(text=MarkdownTextObject(text=clip(text))),
            ContextBlock(elements=[MarkdownTextObject(text=clip(note))]),
            deal_buttons(t, s.id, status=s.status, stage_id=s.stage_id),
        ],
    )
