"""Block Kit for deals: the quick-add echo, the deal modal, moves, pickers, cards, pipeline."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    OptionGroup,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)

from bot import ids
from bot.core import checklists as cl
from bot.core.aftersales import UNDO_WINDOW
from bot.core.errors import InvalidInput
from bot.core.i18n import N_, Translator
from bot.core.matching import fold
from bot.core.money import Money, echo_money, format_money
from bot.core.quickadd import QuickAdd
from bot.core.reasons import DMU_ROLES, LOST_REASONS
from bot.core.sources import SOURCES, source_by_key
from bot.core.stages import LOST, OPEN, WON
from bot.usecases.deals import (
    AskAmount,
    Change,
    Choices,
    Created,
    CurrencyAsked,
    DealDraft,
    DealFields,
    Duplicates,
    Gated,
    Moved,
    MoveRequest,
    MoveResult,
    NeedsConfirm,
    SameNameWarning,
    Saved,
)
from bot.usecases.people import Managers
from bot.usecases.pipeline import Card, Pipeline, StageList
from bot.usecases.views import DealView, StageGroup
from handlers.ui.amounts import amount_question
from handlers.ui.common import (
    MAX_MESSAGE_BLOCKS,
    STALE_FORM,
    clip,
    compact_json,
    day_text,
    escape,
    message,
    notice,
    problem_message,
    read_json,
    read_sealed,
    row_id,
    stage_text,
    status_text,
    write_meta,
    write_sealed,
)
from handlers.ui.forms import (
    date_input,
    modal,
    next_step_inputs,
    option,
    select_input,
    text_input,
)
from handlers.ui.gates import gate_message
from handlers.ui.playbook import playbook_text


def source_text(t: Translator, key: str | None) -> str:
    source = source_by_key(key) if key else None
    return t(source.label) if source else t("not set")


def reason_text(t: Translator, key: str | None) -> str:
    reason = next((r for r in LOST_REASONS if r.key == key), None)
    return t(reason.label) if reason else (key or "—")


def money_text(money: Money | None, locale: str, t: Translator) -> str:
    return format_money(money, locale) if money is not None else t("no value yet")


def value_echo(t: Translator, money: Money | None) -> str:
    """A value just typed, in full and written out: ``Rp2.500.000.000 — 2,5 miliar``."""
    return echo_money(money, t.locale) if money is not None else t("no value yet")


def encode_advance(deal_id: int, stage_id: int | None) -> str:
    """An Advance button's value: the deal, and the stage its user sees it in (the move is
    refused when the deal has moved since): ``"12:3"``; ``"12"`` when the stage is unknown."""
    return str(deal_id) if stage_id is None else f"{deal_id}:{stage_id}"


def decode_advance(value: str) -> tuple[int, MoveRequest | None]:
    """``encode_advance`` read back: the deal, and the move to its next stage from the stage
    seen (``None``: from wherever it is, as buttons sent before stages were carried)."""
    deal_id, _, stage_id = value.partition(":")
    return int(deal_id), MoveRequest(from_stage=int(stage_id)) if stage_id else None


def deal_buttons(
    t: Translator,
    deal_id: int,
    *,
    edit: bool = True,
    status: str = OPEN,
    stage_id: int | None = None,
) -> ActionsBlock:
    """A deal's buttons. An open deal's first step is Advance (carrying the stage its user
    sees, ``encode_advance``); a won one's is a Grow deal (after-sales), a lost one's a date
    to try again (win back) — no Advance on a closed deal: re-opening it is
    ``/advance <deal> to <stage>``."""
    value = str(deal_id)
    elements = []
    if edit:
        elements.append(ButtonElement(text=t("Edit"), action_id=ids.ACTION_EDIT_DEAL, value=value))
    if status == WON:
        elements.append(
            ButtonElement(text=t("Start a Grow deal"), action_id=ids.ACTION_START_GROW, value=value)
        )
    elif status == LOST:
        elements.append(
            ButtonElement(text=t("Set a win-back date"), action_id=ids.ACTION_WIN_BACK, value=value)
        )
    else:
        elements.append(
            ButtonElement(
                text=t("Advance"),
                action_id=ids.ACTION_ADVANCE_DEAL,
                value=encode_advance(deal_id, stage_id),
                style="primary",
            )
        )
    elements += [
        ButtonElement(text=t("Log meeting"), action_id=ids.ACTION_LOG_MEETING, value=value),
        ButtonElement(text=t("Open card"), action_id=ids.ACTION_OPEN_CARD, value=value),
    ]
    return ActionsBlock(block_id=f"deal_{deal_id}", elements=elements)


def due_text(
    t: Translator, due: date | None, today: date | None, shown: Callable[[date], str] | None = None
) -> str:
    """`` (11/26)``, or `` (:warning: overdue since 11/26)`` once it passed; ``shown``
    writes the day (``Translator.short_date`` in lists, ``Translator.date`` on the card)."""
    if due is None:
        return ""
    day = (shown or t.short_date)(due)
    if today is not None and due < today:
        return " (" + t(":warning: overdue since {day}", day=day) + ")"
    return f" ({day})"


def deal_line(d: DealView, locale: str, t: Translator, today: date | None = None) -> str:
    parts = [f"*{escape(d.name)}*", money_text(d.value, locale, t), f"<@{d.owner_id}>"]
    if d.next_step:
        due = due_text(t, d.next_step_due, today)
        parts.append(t("next: {step}", step=escape(clip(d.next_step, 120))) + due)
    return " · ".join(parts)


def created_message(d: DealView, locale: str, t: Translator, *, understood: str) -> dict:
    text = t("Added *{name}* at {stage}.", name=escape(d.name), stage=stage_text(t, d.stage))
    facts = [
        t("Value: {value}", value=value_echo(t, d.value)),
        t("Source: {source}", source=source_text(t, d.source)),
        t("Owner: <@{owner}>", owner=d.owner_id),
    ]
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=":white_check_mark: " + text)),
        SectionBlock(fields=[MarkdownTextObject(text=f) for f in facts]),
        ContextBlock(elements=[MarkdownTextObject(text=understood)]),
        deal_buttons(t, d.id, stage_id=d.stage_id),
    ]
    return message(text + " " + " · ".join(facts), blocks)


CHANGE_LABELS = {
    "name": N_("Name"),
    "value": N_("Value"),
    "source": N_("Source"),
    "owner": N_("Owner"),
    "contact": N_("Primary contact"),
    "contact_role": N_("Their role in the decision"),
    "expected_close": N_("Expected close date"),
    "next_step": N_("Next step"),
    "next_step_due": N_("Next step due"),
    "probability": N_("Win probability override (%)"),
}


def change_value(t: Translator, field: str, value: object, *, echo: bool = False) -> str:
    """One side of a change, as the reader reads it (``echo``: an amount just typed, in full
    and written out, ``value_echo``)."""
    if value is None or value == "":
        return t("not set")
    if isinstance(value, Money):
        return value_echo(t, value) if echo else format_money(value, t.locale)
    if isinstance(value, date):
        return day_text(t, value)
    if field == "source":
        return source_text(t, str(value))
    if field == "owner":
        return f"<@{value}>"
    if field == "contact_role":
        role = next((r for r in DMU_ROLES if r.key == value), None)
        return t(role.label) if role else escape(clip(str(value), 200))
    if field == "probability":
        return t.percent(int(value) / 100)
    return escape(clip(str(value), 200))


def saved_message(
    t: Translator, *, deal_id: int, name: str, changes: Sequence[Change] = (), status: str = OPEN
) -> dict:
    """An edit saved, with what changed (``Value: Rp100.000.000 → Rp150.000.000 — 150
    juta``: an amount just typed is echoed in full and written out)."""
    text = t("Saved *{name}*.", name=escape(name))
    lines = [
        f"• *{t(CHANGE_LABELS.get(c.field, c.field))}*: "
        f"{change_value(t, c.field, c.before)} → {change_value(t, c.field, c.after, echo=True)}"
        for c in changes
    ]
    detail = "\n".join(lines) if lines else t("Nothing changed.")
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=":white_check_mark: " + text)),
        SectionBlock(text=MarkdownTextObject(text=clip(detail))),
        deal_buttons(t, deal_id, status=status),
    ]
    return message(text + " " + " · ".join(lines).replace("*", ""), blocks)


def quick_add_value(text: str, mentions: frozenset[str] = frozenset()) -> str:
    """A button that runs a quick add again ("Create anyway", "Initech, in USD?"): its text
    and the real mentions it was read with (a click carries none), sealed — so a forged
    value can't make someone an owner by a mention Slack never sent."""
    return write_sealed({"t": clip(text, 1500), "m": sorted(mentions)})


def read_quick_add_value(value: object) -> tuple[str, frozenset[str]]:
    """``quick_add_value`` read back; a value the app did not write is refused."""
    p = read_sealed(value)
    text, mentions = p.get("t"), p.get("m")
    if not isinstance(text, str) or not isinstance(mentions, list):
        raise InvalidInput(STALE_FORM)
    return text, frozenset(str(m) for m in mentions)


def duplicate_message(
    t: Translator,
    existing: Sequence[DealView],
    *,
    command_text: str,
    locale: str,
    mentions: frozenset[str] = frozenset(),
) -> dict:
    lines = "\n".join(
        "• " + deal_line(d, locale, t) + f" — {stage_text(t, d.stage)}" for d in existing[:5]
    )
    text = t("There is already an open deal with that name:")
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=":eyes: " + text + "\n" + lines)),
        SectionBlock(text=MarkdownTextObject(text=t("Create a second one anyway?"))),
        ActionsBlock(
            block_id="duplicate",
            elements=[
                ButtonElement(
                    text=t("Create anyway"),
                    action_id=ids.ACTION_CONFIRM_CREATE,
                    value=quick_add_value(command_text, mentions),
                    style="primary",
                ),
                ButtonElement(text=t("Cancel"), action_id=ids.ACTION_CANCEL, value="cancel"),
            ],
        ),
    ]
    return message(text, blocks)


def moved_message(t: Translator, m: Moved, *, playbook: str | None) -> dict:
    """A move made: where the deal went, the new stage's playbook, an Undo for a few
    minutes, and what the close asks for: won — which closing technique worked, and the
    final value when it has none; lost — the reason and note as understood, and a date to
    try again."""
    deal = m.deal
    blocks: list = [SectionBlock(text=MarkdownTextObject(text=moved_head(t, m)))]
    if deal.status == LOST:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(lost_text(t, m)))))
    if playbook:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(playbook))))
    if deal.status == WON:
        blocks += won_blocks(t, m)
    if m.move_id is not None:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=t(
                            "Moved by mistake? Undo puts it back (for {n} minutes).",
                            n=int(UNDO_WINDOW.total_seconds() // 60),
                        )
                    )
                ]
            )
        )
    buttons = deal_buttons(t, deal.id, status=deal.status, stage_id=deal.stage_id)
    if m.move_id is not None:
        buttons.elements.append(
            ButtonElement(
                text=t("Undo"),
                action_id=ids.ACTION_UNDO_MOVE,
                value=compact_json({"d": deal.id, "m": m.move_id}),
            )
        )
    blocks.append(buttons)
    return message(blocks[0].text.text, blocks)


def moved_head(t: Translator, m: Moved) -> str:
    deal, before, after = m.deal, stage_text(t, m.before), stage_text(t, m.after)
    if deal.status == WON:
        return t(
            ":trophy: *{name}* is won! ({before} → {after})",
            name=escape(deal.name),
            before=before,
            after=after,
        )
    if deal.status == LOST:
        return t(
            ":small_red_triangle_down: *{name}* is lost ({before} → {after}).",
            name=escape(deal.name),
            before=before,
            after=after,
        )
    return t(
        ":arrow_right: *{name}* moved {before} → *{after}*.",
        name=escape(deal.name),
        before=before,
        after=after,
    )


def lost_text(t: Translator, m: Moved) -> str:
    """``Reason: Price (you wrote “budget”) · Note: “cut”``."""
    reason = reason_text(t, m.deal.lost_reason)
    said = m.reason_words
    if said and fold(said) != fold(reason):
        reason = t("{reason} (you wrote “{words}”)", reason=reason, words=escape(said))
    text = t("*Reason:* {reason}", reason=reason)
    if m.deal.lost_note:
        text += " · " + t("*Note:* “{note}”", note=escape(m.deal.lost_note))
    return (
        text
        + "\n"
        + t(
            "Wrong reason? Move it again: `/advance {deal} lost <reason> [note]`.",
            deal=escape(m.deal.name).replace("`", "'"),
        )
    )


def technique_buttons(t: Translator, deal_id: int, chosen: str | None = None) -> ActionsBlock:
    return ActionsBlock(
        block_id=f"technique_{deal_id}",
        elements=[
            ButtonElement(
                text=clip(t(c.label), 75),
                action_id=f"{ids.ACTION_WON_TECHNIQUE}_{c.key}",
                value=compact_json({"d": deal_id, "t": c.key}),
                style="primary" if c.key == chosen else None,
            )
            for c in cl.CLOSING_TECHNIQUES
        ],
    )


def decode_technique(value: object) -> tuple[int, str]:
    """A technique button's deal and technique key (``technique_buttons``)."""
    p = read_json(value)
    technique = p.get("t")
    if not isinstance(technique, str):
        raise InvalidInput(STALE_FORM)
    return row_id(p.get("d")), technique


def decode_undo(value: object) -> tuple[int, int]:
    """An Undo button's deal and the move it undoes."""
    p = read_json(value)
    return row_id(p.get("d")), row_id(p.get("m"))


def won_blocks(t: Translator, m: Moved) -> list:
    """Won: which closing technique worked (unless on record), and the final value (when
    there is none, the average deal size leaves the deal out)."""
    blocks: list = []
    if m.technique is None:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=t("*Which closing technique worked?* It goes on the card and in stats.")
                )
            )
        )
        blocks.append(technique_buttons(t, m.deal.id))
    else:
        chosen = cl.closing_technique(m.technique)
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=t(
                            "Closed with: {technique}", technique=t(chosen.label) if chosen else "—"
                        )
                    )
                ]
            )
        )
    if m.deal.value is None:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=":warning: "
                    + t(
                        "“{deal}” has no value, so the average deal size leaves it out. "
                        "What was the final value?",
                        deal=escape(m.deal.name),
                    )
                ),
                accessory=ButtonElement(
                    text=t("Record the value"),
                    action_id=ids.ACTION_WON_VALUE,
                    value=str(m.deal.id),
                    style="primary",
                ),
            )
        )
    else:
        final = t(
            "Final value: {value} (Edit changes it).", value=format_money(m.deal.value, t.locale)
        )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=final)]))
    return blocks


def confirm_move_message(t: Translator, c: NeedsConfirm, *, value: str) -> dict:
    deal = c.deal
    if c.kind == "guess":
        text = t(
            "I read “{typed}” as: move *{name}* from {stage} to *{target}*. Is that right?",
            typed=escape(c.typed or ""),
            name=escape(deal.name),
            stage=stage_text(t, deal.stage),
            target=stage_text(t, c.target),
        )
        if c.also == "reopen":
            text += " " + t(
                "That re-opens it (it is {status}).", status=status_text(t, deal.status)
            )
        elif c.also == "backward":
            text += " " + t("That moves it backwards.")
    elif c.kind == "reopen":
        text = t(
            "“{name}” is closed ({status}). Re-open it and move it to {target}?",
            name=escape(deal.name),
            status=status_text(t, deal.status),
            target=stage_text(t, c.target),
        )
    else:
        text = t(
            "That moves “{name}” backwards, from {stage} to {target}. Are you sure?",
            name=escape(deal.name),
            stage=stage_text(t, deal.stage),
            target=stage_text(t, c.target),
        )
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=":warning: " + text)),
        ActionsBlock(
            block_id="confirm_move",
            elements=[
                ButtonElement(
                    text=t("Yes, move it"),
                    action_id=ids.ACTION_CONFIRM_MOVE,
                    value=value,
                    style="primary" if c.kind == "guess" else "danger",
                ),
                ButtonElement(text=t("Cancel"), action_id=ids.ACTION_CANCEL, value="cancel"),
            ],
        ),
    ]
    if c.kind == "guess":
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=t(
                            "Next time write it as `/advance {deal} to {target}` "
                            "(or `won`, `lost <reason>`).",
                            deal=escape(deal.name).replace("`", "'"),
                            target=stage_text(t, c.target),
                        )
                    )
                ]
            )
        )
    return message(text, blocks)


def choice_text(t: Translator, name: str, d: DealView | None) -> str:
    """What tells a deal apart in a picker: ``*Acme* · Probing · Rp50.000.000 · <@U1> ·
    created Tue 3 Nov`` (closed deals say so)."""
    if d is None:
        return f"*{escape(name)}*"
    stage = escape(stage_text(t, d.stage))
    stage = stage if d.status == OPEN else f"{stage} ({status_text(t, d.status)})"
    bits = [f"*{escape(name)}*", stage, money_text(d.value, t.locale, t), f"<@{d.owner_id}>"]
    if d.created_at is not None:
        bits.append(t("created {day}", day=day_text(t, d.created_at)))
    return " · ".join(bits)


def pick_deal_blocks(
    t: Translator,
    *,
    choices: Sequence[tuple[int, str]],
    typed: str,
    suggestions: bool,
    action_id: str,
    value_of: Callable[[int], str],
    details: Mapping[int, DealView] | None = None,
    then: str | None = None,
) -> tuple[str, list]:
    """Several deals matched (or none did and these are the closest): the question and
    one line each with what tells them apart (stage, value, owner, created) and a button
    (20 at most, then how many more). ``then``: what happens to the deal picked."""
    shown = escape(clip(typed, 500))  # the whole text is echoed below it when it matters
    if suggestions:
        text = t("No deal matches “{typed}”. Did you mean one of these?", typed=shown)
    else:
        text = t("Several deals match “{typed}”. Which one?", typed=shown)
    if then:
        text += " " + then
    details = details or {}
    blocks: list = [SectionBlock(text=MarkdownTextObject(text=clip(text)))]
    for i, (deal_id, name) in enumerate(choices[:20]):
        button = ButtonElement(
            text=clip(name, 70), action_id=f"{action_id}_{i}", value=value_of(deal_id)
        )
        if details:
            line = choice_text(t, name, details.get(deal_id))
            blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(line)), accessory=button))
        elif i % 5 == 0:
            blocks.append(ActionsBlock(block_id=f"pick_{i}", elements=[button]))
        else:
            blocks[-1].elements.append(button)
    if len(choices) > 20:
        more = t("…and {n} more: type more of the name.", n=len(choices) - 20)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return text, blocks


# --- the deal modal ---------------------------------------------------------------------


CURRENCIES = ("IDR", "USD", "EUR", "SGD", "MYR", "GBP", "AUD", "JPY")
SOURCE_NONE = "none"  # the Edit form's "Not set" source


def _source_input(t: Translator, form: DealFields, *, editing: bool) -> InputBlock:
    """The source menu, its options in groups (referral, non-referral, other)."""
    source_groups: dict[str, list[Option]] = {}
    for s in SOURCES:
        source_groups.setdefault(s.group, []).append(option(t(s.label), s.key))
    group_names = {
        "referral": t("Referral"),
        "non_referral": t("Non-referral"),
        "other": t("Other"),
    }
    if editing:  # a select can't be emptied once set: an explicit choice clears it
        source_groups.setdefault("other", []).append(option(t("Not set"), SOURCE_NONE))
    all_sources = [o for opts in source_groups.values() for o in opts]
    return InputBlock(
        block_id=ids.BLOCK_SOURCE,
        label=t("Source"),
        optional=True,
        element=StaticSelectElement(
            action_id=ids.INPUT,
            option_groups=[
                OptionGroup(label=group_names.get(g, g), options=opts)
                for g, opts in source_groups.items()
            ],
            initial_option=next((o for o in all_sources if o.value == form.source), None),
        ),
    )


def deal_modal(
    t: Translator, form: DealFields, *, metadata: str, editing: bool, grow: bool = False
) -> dict:
    role_options = [option(t(r.label), r.key) for r in DMU_ROLES]
    currency_options = [option(c, c) for c in CURRENCIES]
    blocks = [
        text_input(
            ids.BLOCK_NAME,
            t("Deal name (company or person)"),
            form.name,
            optional=False,
            multiline=False,
            max_length=200,
            placeholder=t("e.g. PT Maju Jaya"),
        ),
        text_input(
            ids.BLOCK_VALUE,
            t("Value"),
            form.value,
            hint=t("Shorthand works: 50jt, 50rb, 1.5m, Rp 50.000.000, $5,000."),
            multiline=False,
            max_length=60,
            placeholder=t("e.g. 50jt"),
        ),
        select_input(
            ids.BLOCK_CURRENCY,
            t("Currency"),
            currency_options,
            form.currency,
            optional=True,
            hint=t("Used when the value has no currency symbol or code."),
        ),
        _source_input(t, form, editing=editing),
        InputBlock(
            block_id=ids.BLOCK_OWNER,
            label=t("Owner"),
            element=UserSelectElement(action_id=ids.INPUT, initial_user=form.owner_id),
        ),
        text_input(
            ids.BLOCK_CONTACT_NAME,
            t("Primary contact"),
            form.contact_name,
            multiline=False,
            max_length=200,
        ),
        select_input(
            ids.BLOCK_CONTACT_ROLE,
            t("Their role in the decision"),
            role_options,
            form.contact_role,
            optional=True,
        ),
        date_input(
            ids.BLOCK_CLOSE_DATE, t("Expected close date"), form.expected_close, optional=True
        ),
        *next_step_inputs(
            t, form.next_step, form.next_step_due, placeholder=t("e.g. Send the proposal")
        ),
    ]
    if editing:
        blocks.append(
            InputBlock(
                block_id=ids.BLOCK_PROBABILITY,
                label=t("Win probability override (%)"),
                optional=True,
                hint=t("Leave empty to use the stage's probability."),
                element=NumberInputElement(
                    action_id=ids.INPUT,
                    is_decimal_allowed=False,
                    min_value="0",
                    max_value="100",
                    initial_value=form.probability or None,
                ),
            )
        )
    return modal(
        t,
        callback_id=ids.VIEW_NEW_DEAL,
        title=t("Edit deal") if editing else t("New Grow deal") if grow else t("New deal"),
        submit=t("Save") if editing else t("Add deal"),
        metadata=metadata,
        blocks=blocks,
    )


# --- pipeline, card, stages -------------------------------------------------------------


def totals_text(totals: dict[str, Money], locale: str) -> str:
    return " + ".join(format_money(m, locale) for _, m in sorted(totals.items())) or "—"


def pipeline_message(
    t: Translator,
    *,
    title: str,
    groups: Sequence[StageGroup],
    grand: dict[str, Money],
    weighted: dict[str, Money],
    locale: str,
    max_deals_per_stage: int = 8,
) -> dict:
    blocks: list = [HeaderBlock(text=clip(title, 150))]
    total_deals = sum(g.count for g in groups)
    if not total_deals:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=t("No open deals. Add one with `/prospect Acme Corp 50jt referral`.")
                )
            )
        )
        return message(title, blocks)
    blocks.append(
        SectionBlock(
            fields=[
                MarkdownTextObject(text=t("*Open deals*\n{n}", n=t.number(total_deals))),
                MarkdownTextObject(text=t("*Total value*\n{v}", v=totals_text(grand, locale))),
                MarkdownTextObject(text=t("*Weighted*\n{v}", v=totals_text(weighted, locale))),
            ]
        )
    )
    budget = MAX_MESSAGE_BLOCKS - 4
    for g in groups:
        if not g.count:
            continue
        if budget < 2:
            blocks.append(
                ContextBlock(
                    elements=[
                        MarkdownTextObject(
                            text=t("More stages not shown; use `/pipeline <deal>` for a card.")
                        )
                    ]
                )
            )
            break
        shown = g.deals[:max_deals_per_stage]
        lines = [f"• {deal_line(d, locale, t)}" for d in shown]
        if g.count > len(shown):
            lines.append(t("…and {n} more", n=g.count - len(shown)))
        head = t(
            "*{stage}* — {n} · {value}",
            stage=stage_text(t, g.name),
            n=g.count,
            value=totals_text(g.totals, locale),
        )
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=clip(head + "\n" + "\n".join(lines))))
        )
        budget -= 1
    return message(title, blocks)


def ago(t: Translator, then: datetime | None, now: datetime) -> str:
    if then is None:
        return "—"
    days = (now - then).days
    if days <= 0:
        return t("today")
    return t("{n} d", n=days)


def date_mark(t: Translator, day: date | None, today: date | None) -> str:
    """``Thursday, 26 Nov 2026``, with a warning once the day has passed."""
    if day is None:
        return t("not set")
    if today is not None and day < today:
        return t(":warning: {day} (passed)", day=t.date(day))
    return t.date(day)


def deal_card(
    t: Translator,
    *,
    d: DealView,
    history: Sequence[tuple[datetime, str | None, str, str]],
    contacts: Sequence[tuple],
    slips: int,
    stage_probability: int,
    locale: str,
    now: datetime,
    extra_blocks: Sequence = (),
    today: date | None = None,
    lead_blocks: Sequence = (),
    menu: object | None = None,
) -> dict:
    """The card: facts, why it was lost, the next step (marked once overdue), contacts,
    history; ``lead_blocks`` (after-sales, the stage's playbook) before ``extra_blocks``
    (checklists, meetings); the deal's buttons last, whatever grows. Dates read like the
    digest's (``Thu 26 Nov``); an overdue step and a passed close date are marked."""
    prob = d.probability if d.probability is not None else stage_probability
    status = status_text(t, d.status)
    passed_by = today if d.status == OPEN else None  # a closed deal's dates are history
    fields = [
        t("*Stage*\n{stage} ({status})", stage=stage_text(t, d.stage), status=status),
        t("*Value*\n{value}", value=money_text(d.value, locale, t)),
        t("*Owner*\n<@{owner}>", owner=d.owner_id),
        t("*Win probability*\n{p}%", p=prob) + ("" if d.probability is None else " " + t("(set)")),
        t("*Age*\n{age}", age=ago(t, d.created_at, now)),
        t("*In stage for*\n{age}", age=ago(t, d.stage_since, now)),
        t("*Source*\n{source}", source=source_text(t, d.source)),
        t(
            "*Expected close*\n{date}",
            date=date_mark(t, d.expected_close, passed_by),
        )
        + (t(" (slipped {n}×)", n=slips) if slips else ""),
    ]
    blocks: list = [
        HeaderBlock(text=clip(d.name, 150)),
        # ``menu``: the card's ⋯ beside its facts (issue 15: delete, merge)
        SectionBlock(fields=[MarkdownTextObject(text=f) for f in fields[:10]], accessory=menu),
    ]
    if d.status == LOST and d.lost_reason:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(
                        t("*Lost because* {reason}", reason=reason_text(t, d.lost_reason))
                        + (f" — {escape(d.lost_note)}" if d.lost_note else "")
                    )
                )
            )
        )
    step = (
        escape(d.next_step) + due_text(t, d.next_step_due, passed_by, t.date)
        if d.next_step
        else t("none — set one with Edit")
    )
    blocks.append(
        SectionBlock(text=MarkdownTextObject(text=clip(t("*Next step* {step}", step=step))))
    )
    if contacts:
        lines = [contact_line(t, *c) for c in contacts[:10]]
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=clip(t("*Contacts*") + "\n" + "\n".join(lines)))
            )
        )
    if history:
        rows = []
        for at, before, after, by in list(history)[-10:]:
            after = stage_text(t, after)
            move = (
                f"{stage_text(t, before)} → {after}"
                if before
                else t("created in {stage}", stage=after)
            )
            rows.append(f"• {day_text(t, at)} {move} · <@{by}>")
        more = len(history) - 10
        if more > 0:
            rows.insert(0, t("…{n} earlier moves", n=more))
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=clip(t("*History*") + "\n" + "\n".join(rows)))
            )
        )
    blocks.extend(lead_blocks)
    blocks.extend(extra_blocks)
    blocks = blocks[: MAX_MESSAGE_BLOCKS - 1]  # whatever grows, the buttons stay
    blocks.append(deal_buttons(t, d.id, status=d.status, stage_id=d.stage_id))
    return message(t("Deal card: {name}", name=escape(d.name)), blocks)


def contact_line(t: Translator, name: str, role: str | None, title: str | None = None) -> str:
    """``• Budi — Decision maker``, ``• Andi — IT manager``."""
    known = next((r for r in DMU_ROLES if r.key == role), None)
    bits = [escape(title)] if title else []
    bits += [t(known.label)] if known else ([escape(role)] if role else [])
    return f"• {escape(name)}" + (f" — {' · '.join(bits)}" if bits else "")


def after_close_blocks(t: Translator, card: Card) -> list:
    """A won deal's closing technique, Keep check and Grow deals; a lost deal's win-back
    date; a Grow deal's link to the won one."""
    a, d = card.after, card.deal
    lines = []
    if d.status == WON:
        chosen = cl.closing_technique(a.technique)
        lines.append(
            t("*Closed with* {technique}", technique=t(chosen.label))
            if chosen
            else t("*Closed with* — (not recorded)")
        )
        if a.keep_check_on:
            lines.append(
                t(
                    "*Keep* — I'll ask on {day} whether Keep is safe; grow only once it is.",
                    day=day_text(t, a.keep_check_on),
                )
            )
    if d.status == LOST:
        lines.append(
            t("*Win back* — try again on {day}.", day=day_text(t, a.win_back_on))
            if a.win_back_on
            else t("*Win back* — no date set yet.")
        )
    if a.grown_from:
        lines.append(t("*Grows* {name}", name=escape(a.grown_from[1])))
    if a.grow_deals:
        names = ", ".join(
            escape(name) + (f" ({status_text(t, st)})" if st != OPEN else "")
            for _, name, st in a.grow_deals
        )
        lines.append(t("*Grow deals* {names}", names=names))
    if not lines:
        return []
    blocks: list = [SectionBlock(text=MarkdownTextObject(text=clip("\n".join(lines))))]
    if d.status == WON and a.technique is None:
        blocks.append(technique_buttons(t, d.id))
    return blocks


def stages_message(
    t: Translator, *, stages: Sequence[tuple[str, int, str]], can_edit: bool
) -> dict:
    lines = [
        f"{i + 1}. *{escape(stage_text(t, name))}* — {t.percent(prob / 100)}"
        + (f" ({status_text(t, kind)})" if kind != OPEN else "")
        for i, (name, prob, kind) in enumerate(stages)
    ]
    blocks: list = [
        SectionBlock(text=MarkdownTextObject(text=clip(t("*Stages*") + "\n" + "\n".join(lines))))
    ]
    if can_edit:
        blocks.append(
            ActionsBlock(
                block_id="stages",
                elements=[
                    ButtonElement(
                        text=t("Edit stages"), action_id=ids.ACTION_EDIT_STAGES, value="edit"
                    )
                ],
            )
        )
    else:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=t("Managers can edit the stages."))])
        )
    return message(t("Stages"), blocks)


# --- what the deal use cases return, as messages ----------------------------------------


def understood_text(t: Translator, q: QuickAdd) -> str:
    """Each part in the order typed: the user's own words → what we made of them."""
    typed = dict(q.understood)
    bits = [t("name “{name}”", name=escape(q.name))]
    if q.value is not None:
        bits.append(
            t(
                "value {typed} → {value}",
                typed=escape(typed.get("value", "")),
                value=echo_money(q.value, t.locale),
            )
        )
    if q.source is not None:
        bits.append(
            t(
                "source {typed} → {source}",
                typed=escape(typed.get("source", "")),
                source=t(q.source.label),
            )
        )
    if q.owner_id:
        bits.append(t("owner <@{owner}>", owner=q.owner_id))
    else:
        bits.append(t("owner you (add @someone to give it to a teammate)"))
    return t("I understood: {bits}.", bits="; ".join(bits))


def currency_question_message(t: Translator, asked: CurrencyAsked) -> dict:
    """ "Initech, in USD?": the two readings of a currency code apart from the amount."""
    q = asked.question
    text = t(
        "In “{text}”, is {word} the currency of the amount, or part of the deal's name?",
        text=escape(asked.text),
        word=escape(q.word),
    )
    choices = [
        (t("“{name}”, in {currency}", name=q.name, currency=q.currency), q.as_currency),
        (
            t("“{name} {word}”, in {currency}", name=q.name, word=q.word, currency=q.default),
            q.as_name,
        ),
    ]
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=":question: " + text)),
        ActionsBlock(
            block_id="currency_question",
            elements=[
                ButtonElement(
                    text=clip(label, 75),
                    action_id=f"{ids.ACTION_CURRENCY_PICK}_{i}",
                    value=quick_add_value(value, asked.mentions),
                    style="primary" if i == 0 else None,
                )
                for i, (label, value) in enumerate(choices)
            ]
            + [ButtonElement(text=t("Cancel"), action_id=ids.ACTION_CANCEL, value="cancel")],
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=t(
                        "Next time, write the code next to the amount (`1.5m USD`) or the name "
                        "in quotes."
                    )
                )
            ]
        ),
    ]
    return message(text, blocks)


def added_reply(t: Translator, result: Created | Duplicates | AskAmount | CurrencyAsked) -> dict:
    if isinstance(result, AskAmount):
        return amount_question(t, result)
    if isinstance(result, CurrencyAsked):
        return currency_question_message(t, result)
    if isinstance(result, Duplicates):
        return duplicate_message(
            t,
            result.deals,
            command_text=result.text,
            locale=t.locale,
            mentions=result.mentions,
        )
    understood = understood_text(t, result.parsed) if result.parsed else t("Added from the form.")
    return created_message(result.deal, t.locale, t, understood=understood)


def same_name_text(t: Translator, w: SameNameWarning) -> str:
    return t(
        "An open deal is already called “{name}” (<@{owner}>, {stage}{more}). "
        "Press “Add deal” again to add a second one, or change the name.",
        name=w.name,
        owner=w.owner_id,
        stage=stage_text(t, w.stage),
        more=t(", and {count} more", count=w.more) if w.more else "",
    )


def saved_reply(t: Translator, result: Created | Saved) -> dict:
    if isinstance(result, Saved):
        return saved_message(t, deal_id=result.deal_id, name=result.name, changes=result.changes)
    return added_reply(t, result)


# --- the deal form: its metadata and answers --------------------------------------------


def deal_form(t: Translator, draft: DealDraft, *, channel: str | None) -> dict:
    meta: dict = {"channel": channel}
    if draft.deal_id is not None:
        meta.update(deal_id=draft.deal_id, owner=draft.owner_id)
    if draft.grow_of is not None:
        meta.update(grow=draft.grow_of)
    return deal_modal(
        t,
        draft.fields,
        metadata=write_meta(meta),
        editing=draft.deal_id is not None,
        grow=draft.grow_of is not None,
    )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def read_deal_form(form: dict) -> DealFields:
    """The submitted deal modal's answers (``form``: ``{block_id: value}``)."""
    source = form.get(ids.BLOCK_SOURCE)
    return DealFields(
        name=form.get(ids.BLOCK_NAME) or "",
        value=form.get(ids.BLOCK_VALUE) or "",
        currency=form.get(ids.BLOCK_CURRENCY) or "",
        source=None if source == SOURCE_NONE else source,
        clear_source=source == SOURCE_NONE,
        owner_id=form.get(ids.BLOCK_OWNER),
        contact_name=form.get(ids.BLOCK_CONTACT_NAME) or "",
        contact_role=form.get(ids.BLOCK_CONTACT_ROLE),
        expected_close=_day(form.get(ids.BLOCK_CLOSE_DATE)),
        next_step=form.get(ids.BLOCK_NEXT_STEP) or "",
        next_step_due=_day(form.get(ids.BLOCK_NEXT_STEP_DUE)),
        probability=form.get(ids.BLOCK_PROBABILITY) or "",
    )


# --- moves ------------------------------------------------------------------------------


def encode_move(deal_id: int, then: MoveRequest | None) -> str:
    """A deal and the move to make with it, in a button's value (the one move format)."""
    if then is None:
        return compact_json({"d": deal_id})
    return compact_json({"d": deal_id, "kw": then.keyword, "r": then.rest, "f": then.from_stage})


def decode_move(value: str | dict) -> tuple[int, MoveRequest | None]:
    """``encode_move`` read back: ``(deal_id, move)``; ``move`` is ``None`` for "open the card"."""
    p = json.loads(value) if isinstance(value, str) else value
    if "kw" not in p and "r" not in p:
        return int(p["d"]), None
    return int(p["d"]), MoveRequest(p.get("kw"), p.get("r") or "", p.get("f"))


def then_text(t: Translator, then: MoveRequest | None) -> str | None:
    """What picking a deal will do with it, when it is a stated move."""
    if then is None or not then.keyword:
        return None
    kw = then.keyword.lower()
    if kw in ("to", "ke") and then.rest:
        return t("Picking it moves it to {stage}.", stage=escape(then.rest))
    if kw in ("won", "menang"):
        return t("Picking it closes it as won.")
    if kw in ("lost", "kalah"):
        return t("Picking it closes it as lost.")
    return None


def not_a_deal_message(t: Translator, *, usage, text: str, choices: Choices | None) -> dict:
    """``/pipeline blah blah``: not a sub-command, and no deal is called anything like it —
    the usage (with the text echoed), then the closest deals, if any."""
    problem = t(
        "I don't know “{word}” for {command}, and no deal is called “{text}”. "
        "Here is what it can do:",
        word=escape(text.split()[0] if text.split() else text),
        command=usage.command,
        text=escape(text),
    )
    msg = problem_message(t, problem, command=usage.command, text=text, usage=usage)
    if choices is not None and choices.choices:
        _, blocks = pick_deal_blocks(
            t,
            choices=[(x.id, x.name) for x in choices.choices],
            typed=choices.typed,
            suggestions=True,
            action_id=ids.ACTION_PICK_DEAL,
            value_of=lambda deal_id: encode_move(deal_id, None),
        )
        msg["blocks"] += [b.to_dict() for b in blocks]
    return msg


def choices_message(t: Translator, c: Choices) -> dict:
    text, blocks = pick_deal_blocks(
        t,
        choices=[(x.id, x.name) for x in c.choices],
        typed=c.typed,
        suggestions=c.suggestions,
        action_id=ids.ACTION_PICK_DEAL,
        value_of=lambda deal_id: encode_move(deal_id, c.then),
        details=c.details,
        then=then_text(t, c.then),
    )
    return message(text, blocks)


def move_reply(t: Translator, result: MoveResult | Choices) -> dict:
    if isinstance(result, Choices):
        return choices_message(t, result)
    if isinstance(result, NeedsConfirm):
        return confirm_move_message(t, result, value=encode_move(result.deal.id, result.then))
    if isinstance(result, Gated):
        return gate_message(
            t,
            deal_id=result.deal_id,
            deal_name=result.deal_name,
            stage=result.stage,
            checklist=result.gate.checklist if result.gate else None,
            required=bool(result.gate and result.gate.required),
            no_decision_maker=result.no_decision_maker,
            value=encode_move(result.deal_id, result.then),
        )
    return moved_message(t, result, playbook=playbook_text(t, result.after_key))


# --- pipeline, cards, stages, managers --------------------------------------------------


def pipeline_reply(t: Translator, p: Pipeline) -> dict:
    return pipeline_message(
        t,
        title=t("Team pipeline") if p.team else t("My pipeline"),
        groups=p.groups,
        grand=p.grand,
        weighted=p.weighted,
        locale=t.locale,
    )


def card_reply(
    t: Translator,
    card: Card,
    *,
    now: datetime,
    extra_blocks: Sequence = (),
    lead: Sequence = (),
    menu: object | None = None,
) -> dict:
    return deal_card(
        t,
        d=card.deal,
        history=[(m.at, m.before, m.after, m.by) for m in card.history],
        contacts=card.contacts,
        slips=card.slips,
        stage_probability=card.stage_probability,
        locale=t.locale,
        now=now,
        extra_blocks=extra_blocks,
        today=card.today,
        lead_blocks=[*after_close_blocks(t, card), *lead],
        menu=menu,
    )


def stages_reply(t: Translator, s: StageList) -> dict:
    return stages_message(t, stages=s.stages, can_edit=s.can_edit)


def managers_reply(t: Translator, r: Managers, *, admins: Sequence[str] = ()) -> dict:
    """``/pipeline managers``: who is named, or what changed; ``admins``: people asked to be
    removed who stay managers as Slack admins or owners."""
    if r.op == "list":
        if not r.named:
            return notice(t("No managers named yet; workspace admins and owners are managers."))
        names = ", ".join(f"<@{u}>" for u in r.named)
        return notice(t("Managers named here: {list}.", list=names))
    lines = []
    if r.changed:
        names = ", ".join(f"<@{u}>" for u in r.changed)
        lines.append(
            t("Now managers: {list}.", list=names)
            if r.op == "add"
            else t("No longer managers: {list}.", list=names)
        )
    for u in r.unchanged:
        lines.append(
            t("<@{user}> was already named a manager.", user=u)
            if r.op == "add"
            else t("<@{user}> was not named a manager; nothing to remove.", user=u)
        )
    if admins:
        lines.append(
            t(
                "{list} stay managers all the same: Slack workspace admins and owners always are.",
                list=", ".join(f"<@{u}>" for u in admins),
            )
        )
    return notice("\n".join(lines))


def with_quote_hint(t: Translator, msg: dict, name: str) -> dict:
    """A sub-command's answer, when a deal is called like the sub-command: how to open the
    deal instead (quote its name)."""
    hint = t(
        'There is also a deal called “{name}”: to open it, write `/pipeline "{name}"`.',
        name=escape(clip(name, 150)).replace("`", "'"),
    )
    blocks = list(msg.get("blocks") or [])[: MAX_MESSAGE_BLOCKS - 1]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=":bulb: " + hint)]).to_dict())
    return {**msg, "blocks": blocks}
