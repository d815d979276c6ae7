"""Block Kit for a rep's daily reminder DM, the Nudge DM and the Snooze modal (pure)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
)

from bot import ids
from bot.core import checklists as cl
from bot.core.errors import InvalidInput
from bot.core.i18n import N_, Translator
from bot.core.money import format_money_short
from bot.usecases.digest import DealItem, Listing, Reminder
from bot.usecases.followups import SnoozeDraft
from handlers.ui.common import (
    STALE_FORM,
    clip,
    compact_json,
    escape,
    message,
    notice,
    read_meta,
    stage_text,
    write_meta,
)
from handlers.ui.deals import encode_advance
from handlers.ui.digest import (
    MAX_BLOCKS,
    asks_for_text,
    context,
    day_text,
    more_line,
    reason_label,
    section,
)
from handlers.ui.forms import OPEN_CHECKLIST, modal

ItemBlocks = Callable[[DealItem], list]
Buttons = tuple[tuple[str, str], ...]

# --- nudges -----------------------------------------------------------------------------


def _deal_head(t: Translator, item: DealItem, locale: str) -> str:
    value = format_money_short(item.value, locale) if item.value else ""
    return " · ".join(p for p in (f"*{escape(item.name)}*", stage_text(t, item.stage), value) if p)


def _deal_actions(t: Translator, block: str, deal_id: int, buttons: Buttons) -> ActionsBlock:
    """Buttons about one deal (block id ``<block>_<deal id>``), each valued with its id; the
    first is the primary one."""
    return ActionsBlock(
        block_id=f"{block}_{deal_id}",
        elements=[
            ButtonElement(
                text=t(text),
                action_id=action_id,
                value=str(deal_id),
                style="primary" if n == 0 else None,
            )
            for n, (text, action_id) in enumerate(buttons)
        ],
    )


# (text, action_id) of the buttons under a nudge, a deal to win back, a Keep check
NUDGE_BUTTONS: Buttons = (
    (N_("Log meeting / set next step"), ids.ACTION_LOG_MEETING),
    (N_("Open card"), ids.ACTION_OPEN_CARD),
)
WIN_BACK_BUTTONS: Buttons = (
    (N_("Re-open it"), ids.ACTION_REOPEN),
    (N_("Another date"), ids.ACTION_WIN_BACK),
    (N_("Open card"), ids.ACTION_OPEN_CARD),
)
KEEP_CHECK_BUTTONS: Buttons = (
    (N_("Keep is safe: start a Grow deal"), ids.ACTION_KEEP_SAFE),
    (N_("Not yet"), ids.ACTION_KEEP_NOT_YET),
)


def nudge_dm(t: Translator, *, item: DealItem, why: str, manager_id: str, locale: str) -> dict:
    """The owner's DM after a manager pressed "Nudge owner"."""
    if why == "stale" and item.quiet_days is not None:
        reason = t("no activity for {n} days", n=item.quiet_days)
    elif item.due is not None:
        reason = t(
            "the next step “{step}” was due {day}",
            step=escape(clip(item.next_step or "", 120)),
            day=day_text(t, item.due),
        )
    else:
        reason = t("it needs an update")
    text = t(
        ":wave: <@{manager}> asks for an update on {deal}: {reason}.",
        manager=manager_id,
        deal=_deal_head(t, item, locale),
        reason=reason,
    )
    blocks = [
        section(text),
        _deal_actions(t, "nudge", item.id, NUDGE_BUTTONS),
    ]
    return message(text, blocks)


def nudged_message(t: Translator, *, owner_id: str, deal: str) -> dict:
    text = t("Nudged <@{owner}> about *{deal}*.", owner=owner_id, deal=escape(deal))
    return message(text, [section(":white_check_mark: " + text)])


# --- reminders --------------------------------------------------------------------------


def _reminder_buttons(t: Translator, item: DealItem, block_id: str) -> ActionsBlock:
    """Advance, Log meeting, Snooze; first the checklist its stage asks for, when missing."""
    value = str(item.id)
    elements = []
    if item.asks_for:
        elements.append(
            ButtonElement(
                text=clip(t("Fill {kind}", kind=t(cl.KIND_LABELS[item.asks_for])), 75),
                action_id=OPEN_CHECKLIST[item.asks_for],
                value=compact_json({"d": item.id}),
                style="primary",
            )
        )
    elements += [
        ButtonElement(
            text=t("Advance"),
            action_id=ids.ACTION_ADVANCE_DEAL,
            value=encode_advance(item.id, item.stage_id),
            style=None if item.asks_for else "primary",
        ),
        ButtonElement(text=t("Log meeting"), action_id=ids.ACTION_LOG_MEETING, value=value),
        ButtonElement(text=t("Snooze"), action_id=ids.ACTION_SNOOZE, value=value),
    ]
    return ActionsBlock(block_id=block_id, elements=elements)


def _with_ask(t: Translator, item: DealItem, line: str) -> str:
    return line + ("\n" + asks_for_text(t, item) if item.asks_for else "")


def _listing(t: Translator, heading: str, listing: Listing, item_blocks: ItemBlocks) -> list:
    """One part of the reminder: its heading, each deal's blocks, and how many more."""
    if not listing.total:
        return []
    blocks: list = [section(heading)]
    for item in listing.items:
        blocks += item_blocks(item)
    if listing.more:
        blocks.append(context(more_line(t, listing)))
    return blocks


def _due_item(t: Translator, i: DealItem, today: date, locale: str) -> list:
    when = t("due today") if i.due == today else t("overdue since {day}", day=day_text(t, i.due))
    line = (
        _deal_head(t, i, locale)
        + "\n"
        + t("“{step}” · {when}", step=escape(clip(i.next_step or "", 200)), when=when)
    )
    return [section(_with_ask(t, i, line)), _reminder_buttons(t, i, f"due_{i.id}")]


def _stale_item(t: Translator, i: DealItem, locale: str) -> list:
    line = _deal_head(t, i, locale) + "\n" + t("no activity for {n} days", n=i.quiet_days)
    return [section(_with_ask(t, i, line)), _reminder_buttons(t, i, f"stale_{i.id}")]


def _win_back_item(t: Translator, i: DealItem, locale: str) -> list:
    """A lost deal whose win-back date has come."""
    note = f" — {escape(clip(i.lost_note, 150))}" if i.lost_note else ""
    lost = t(
        "lost on {day}: {reason}{note}. Time to win it back?",
        day=day_text(t, i.closed_on),
        reason=reason_label(t, i.lost_reason),
        note=note,
    )
    head = _deal_head(t, i, locale)
    return [section(head + "\n" + lost), _deal_actions(t, "winback", i.id, WIN_BACK_BUTTONS)]


def _keep_check_item(t: Translator, i: DealItem, locale: str) -> list:
    """A won deal to ask about Keep."""
    won = t(
        "won on {day}. Do they stay and trust you? Grow (upsell, cross-sell) only "
        "once Keep is safe.",
        day=day_text(t, i.closed_on),
    )
    head = _deal_head(t, i, locale)
    return [section(head + "\n" + won), _deal_actions(t, "keep", i.id, KEEP_CHECK_BUTTONS)]


def reminder_message(t: Translator, r: Reminder, *, locale: str) -> dict:
    """A rep's daily DM: next steps due today or overdue, deals gone stale, lost deals to win
    back and won deals to ask about Keep; buttons each."""
    title = t("Your deals for {day}", day=day_text(t, r.today))
    blocks: list = [HeaderBlock(text=clip(title, 150))]
    blocks += _listing(
        t,
        t(":alarm_clock: *Next steps due ({n})*", n=r.due.total),
        r.due,
        lambda i: _due_item(t, i, r.today, locale),
    )
    blocks += _listing(
        t,
        t(":hourglass: *Gone quiet ({n})*", n=r.stale.total),
        r.stale,
        lambda i: _stale_item(t, i, locale),
    )
    blocks += _listing(
        t,
        t(":leftwards_arrow_with_hook: *Try again ({n})*", n=r.win_back.total),
        r.win_back,
        lambda i: _win_back_item(t, i, locale),
    )
    blocks += _listing(
        t,
        t(":handshake: *Is Keep safe? ({n})*", n=r.keep_check.total),
        r.keep_check,
        lambda i: _keep_check_item(t, i, locale),
    )
    blocks.append(context(t("Snooze a deal to stop reminders about it until a date you pick.")))
    parts = [
        t.plural("{n} next step due", "{n} next steps due", r.due.total),
        t.plural("{n} deal gone quiet", "{n} deals gone quiet", r.stale.total),
    ]
    if r.win_back.total:
        parts.append(t.plural("{n} deal to win back", "{n} deals to win back", r.win_back.total))
    if r.keep_check.total:
        parts.append(t.plural("{n} Keep check", "{n} Keep checks", r.keep_check.total))
    text = t("{title}: {parts}.", title=title, parts=", ".join(parts))
    return message(text, blocks[:MAX_BLOCKS])


# --- snooze -----------------------------------------------------------------------------


def nudge_args(value: str | None) -> tuple[int, str]:
    """A Nudge button's deal id and why (``stale`` or ``overdue``)."""
    try:
        found = json.loads(value or "")
        deal_id, why = int(found["deal"]), str(found.get("why") or "stale")
    except (ValueError, TypeError, KeyError):
        raise InvalidInput(STALE_FORM) from None
    return deal_id, why


def snoozed_deal(view: dict) -> int:
    """The deal a submitted Snooze form is about."""
    deal_id = read_meta(view).get("d")
    if not isinstance(deal_id, int):
        raise InvalidInput(STALE_FORM)
    return deal_id


def snooze_modal(t: Translator, *, deal_id: int, deal_name: str, initial: date) -> dict:
    return modal(
        t,
        callback_id=ids.VIEW_SNOOZE,
        metadata=write_meta({"d": deal_id}),
        title=t("Snooze deal"),
        submit=t("Snooze"),
        blocks=[
            section(
                t(
                    "*{deal}* won't count as stale, and you won't be reminded about it, "
                    "until the date you pick. The digest shows it as snoozed, with your reason.",
                    deal=escape(deal_name),
                )
            ),
            InputBlock(
                block_id=ids.BLOCK_SNOOZE_REASON,
                label=t("Why wait?"),
                element=PlainTextInputElement(
                    action_id=ids.INPUT,
                    max_length=500,
                    placeholder=t("e.g. Budget decision in January"),
                ),
            ),
            InputBlock(
                block_id=ids.BLOCK_SNOOZE_UNTIL,
                label=t("Resume on"),
                element=DatePickerElement(action_id=ids.INPUT, initial_date=initial.isoformat()),
            ),
        ],
    )


def snoozed_message(t: Translator, *, deal: str, until: date, reason: str) -> dict:
    text = t(
        ":zzz: Snoozed *{deal}* until {day}: {reason}",
        deal=escape(deal),
        day=day_text(t, until),
        reason=escape(reason),
    )
    return notice(text)


def snooze_form(t: Translator, draft: SnoozeDraft) -> dict:
    return snooze_modal(t, deal_id=draft.deal_id, deal_name=draft.deal_name, initial=draft.initial)
