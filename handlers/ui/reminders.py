"""Block Kit for a rep's daily reminder DM, the Nudge DM and the Snooze modal (pure)."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot import ids
from bot.core.i18n import Translator
from bot.core.money import format_money_short
from bot.usecases.digest import DealItem, Reminder
from bot.usecases.followups import SnoozeDraft
from handlers.ui.common import clip, escape, message, notice, stage_text
from handlers.ui.deals import encode_advance
from handlers.ui.digest import (
    MAX_BLOCKS,
    context,
    day_text,
    more_line,
    section,
)

# --- nudges -----------------------------------------------------------------------------


def _deal_head(t: Translator, item: DealItem, locale: str) -> str:
    value = format_money_short(item.value, locale) if item.value else ""
    return " · ".join(p for p in (f"*{escape(item.name)}*", stage_text(t, item.stage), value) if p)


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
        ActionsBlock(
            block_id=f"nudge_{item.id}",
            elements=[
                ButtonElement(
                    text=t("Log meeting / set next step"),
                    action_id=ids.ACTION_LOG_MEETING,
                    value=str(item.id),
                    style="primary",
                ),
                ButtonElement(
                    text=t("Open card"), action_id=ids.ACTION_OPEN_CARD, value=str(item.id)
                ),
            ],
        ),
    ]
    return message(text, blocks)


def nudged_message(t: Translator, *, owner_id: str, deal: str) -> dict:
    text = t("Nudged <@{owner}> about *{deal}*.", owner=owner_id, deal=escape(deal))
    return message(text, [section(":white_check_mark: " + text)])


# --- reminders --------------------------------------------------------------------------


def _reminder_buttons(t: Translator, item: DealItem, block_id: str) -> ActionsBlock:
    value = str(item.id)
    return ActionsBlock(
        block_id=block_id,
        elements=[
            ButtonElement(
                text=t("Advance"),
                action_id=ids.ACTION_ADVANCE_DEAL,
                value=encode_advance(item.id, item.stage_id),
                style="primary",
            ),
            ButtonElement(text=t("Log meeting"), action_id=ids.ACTION_LOG_MEETING, value=value),
            ButtonElement(text=t("Snooze"), action_id=ids.ACTION_SNOOZE, value=value),
        ],
    )


def reminder_message(t: Translator, r: Reminder, *, locale: str) -> dict:
    """A rep's daily DM: next steps due today or overdue, deals gone stale; buttons each."""
    title = t("Your deals for {day}", day=day_text(t, r.today))
    blocks: list = [HeaderBlock(text=clip(title, 150))]
    if r.due.total:
        blocks.append(section(t(":alarm_clock: *Next steps due ({n})*", n=r.due.total)))
        for i in r.due.items:
            when = (
                t("due today")
                if i.due == r.today
                else t("overdue since {day}", day=day_text(t, i.due))
            )
            line = (
                _deal_head(t, i, locale)
                + "\n"
                + t("“{step}” · {when}", step=escape(clip(i.next_step or "", 200)), when=when)
            )
            blocks += [section(line), _reminder_buttons(t, i, f"due_{i.id}")]
        if r.due.more:
            blocks.append(context(more_line(t, r.due)))
    if r.stale.total:
        blocks.append(section(t(":hourglass: *Gone quiet ({n})*", n=r.stale.total)))
        for i in r.stale.items:
            line = _deal_head(t, i, locale) + "\n" + t("no activity for {n} days", n=i.quiet_days)
            blocks += [section(line), _reminder_buttons(t, i, f"stale_{i.id}")]
        if r.stale.more:
            blocks.append(context(more_line(t, r.stale)))
    blocks.append(context(t("Snooze a deal to stop reminders about it until a date you pick.")))
    text = t(
        "{title}: {due} next steps due, {stale} deals gone quiet.",
        title=title,
        due=r.due.total,
        stale=r.stale.total,
    )
    return message(text, blocks[:MAX_BLOCKS])


# --- snooze -----------------------------------------------------------------------------


def snooze_modal(t: Translator, *, deal_id: int, deal_name: str, initial: date) -> dict:
    view = View(
        type="modal",
        callback_id=ids.VIEW_SNOOZE,
        private_metadata=str(deal_id),
        title=PlainTextObject(text=clip(t("Snooze deal"), 24)),
        submit=PlainTextObject(text=clip(t("Snooze"), 24)),
        close=PlainTextObject(text=clip(t("Cancel"), 24)),
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
    return view.to_dict()


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
