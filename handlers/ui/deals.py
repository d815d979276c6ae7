"""Block Kit for deals: the quick-add echo, the deal modal, moves, pickers, cards, pipeline."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot import ids
from bot.core.i18n import Translator
from bot.core.money import Money, echo_money, format_money
from bot.core.quickadd import QuickAdd
from bot.core.reasons import DMU_ROLES, LOST_REASONS
from bot.core.sources import SOURCES, source_by_key
from bot.core.stages import LOST, OPEN, WON
from bot.usecases.deals import (
    AskAmount,
    Choices,
    Created,
    DealDraft,
    DealFields,
    Duplicates,
    Gated,
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
    clip,
    compact_json,
    escape,
    message,
    notice,
    stage_text,
    status_text,
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
    t: Translator, deal_id: int, *, edit: bool = True, stage_id: int | None = None
) -> ActionsBlock:
    value = str(deal_id)
    elements = []
    if edit:
        elements.append(ButtonElement(text=t("Edit"), action_id=ids.ACTION_EDIT_DEAL, value=value))
    elements += [
        ButtonElement(
            text=t("Advance"),
            action_id=ids.ACTION_ADVANCE_DEAL,
            value=encode_advance(deal_id, stage_id),
            style="primary",
        ),
        ButtonElement(text=t("Log meeting"), action_id=ids.ACTION_LOG_MEETING, value=value),
        ButtonElement(text=t("Open card"), action_id=ids.ACTION_OPEN_CARD, value=value),
    ]
    return ActionsBlock(block_id=f"deal_{deal_id}", elements=elements)


def deal_line(d: DealView, locale: str, t: Translator) -> str:
    parts = [f"*{escape(d.name)}*", money_text(d.value, locale, t), f"<@{d.owner_id}>"]
    if d.next_step:
        due = f" ({t.short_date(d.next_step_due)})" if d.next_step_due else ""
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


def saved_message(t: Translator, *, deal_id: int, name: str, value: Money | None = None) -> dict:
    text = t("Saved *{name}*.", name=escape(name))
    if value is not None:
        text += " " + t("Value: {value}", value=value_echo(t, value))
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=":white_check_mark: " + text)),
        deal_buttons(t, deal_id),
    ]
    return message(text, blocks)


def duplicate_message(
    t: Translator, existing: Sequence[DealView], *, command_text: str, locale: str
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
                    value=clip(command_text, 1900),
                    style="primary",
                ),
                ButtonElement(text=t("Cancel"), action_id=ids.ACTION_CANCEL, value="cancel"),
            ],
        ),
    ]
    return message(text, blocks)


def moved_message(
    t: Translator,
    *,
    deal: DealView,
    before: str,
    after: str,
    playbook: str | None,
    locale: str,
) -> dict:
    before, after = stage_text(t, before), stage_text(t, after)
    if deal.status == WON:
        head = t(
            ":trophy: *{name}* is won! ({before} → {after})",
            name=escape(deal.name),
            before=before,
            after=after,
        )
    elif deal.status == LOST:
        head = t(
            ":small_red_triangle_down: *{name}* is lost ({before} → {after}).",
            name=escape(deal.name),
            before=before,
            after=after,
        )
    else:
        head = t(
            ":arrow_right: *{name}* moved {before} → *{after}*.",
            name=escape(deal.name),
            before=before,
            after=after,
        )
    blocks: list = [SectionBlock(text=MarkdownTextObject(text=head))]
    if playbook:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(playbook))))
    blocks.append(deal_buttons(t, deal.id, stage_id=deal.stage_id))
    return message(head, blocks)


def confirm_move_message(
    t: Translator, *, deal: DealView, target: str, kind: str, value: str
) -> dict:
    if kind == "reopen":
        text = t(
            "“{name}” is closed ({status}). Re-open it and move it to {target}?",
            name=escape(deal.name),
            status=status_text(t, deal.status),
            target=stage_text(t, target),
        )
    else:
        text = t(
            "That moves “{name}” backwards, from {stage} to {target}. Are you sure?",
            name=escape(deal.name),
            stage=stage_text(t, deal.stage),
            target=stage_text(t, target),
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
                    style="danger",
                ),
                ButtonElement(text=t("Cancel"), action_id=ids.ACTION_CANCEL, value="cancel"),
            ],
        ),
    ]
    return message(text, blocks)


def pick_deal_blocks(
    t: Translator,
    *,
    choices: Sequence[tuple[int, str]],
    typed: str,
    suggestions: bool,
    action_id: str,
    value_of: Callable[[int], str],
) -> tuple[str, list]:
    """Several deals matched (or none did and these are the closest): the question and
    one button each (20 at most, then how many more)."""
    if suggestions:
        text = t("No deal matches “{typed}”. Did you mean one of these?", typed=escape(typed))
    else:
        text = t("Several deals match “{typed}”. Which one?", typed=escape(typed))
    buttons = [
        ButtonElement(text=clip(name, 70), action_id=f"{action_id}_{i}", value=value_of(deal_id))
        for i, (deal_id, name) in enumerate(choices[:20])
    ]
    blocks: list = [SectionBlock(text=MarkdownTextObject(text=text))]
    for start in range(0, len(buttons), 5):
        blocks.append(ActionsBlock(block_id=f"pick_{start}", elements=buttons[start : start + 5]))
    if len(choices) > 20:
        more = t("…and {n} more: type more of the name.", n=len(choices) - 20)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return text, blocks


# --- the deal modal ---------------------------------------------------------------------


CURRENCIES = ("IDR", "USD", "EUR", "SGD", "MYR", "GBP", "AUD", "JPY")
SOURCE_NONE = "none"  # the Edit form's "Not set" source


def _option(text: str, value: str) -> Option:
    return Option(text=PlainTextObject(text=clip(text, 75)), value=value)


def deal_modal(t: Translator, form: DealFields, *, metadata: str, editing: bool) -> dict:
    source_groups = {}
    for s in SOURCES:
        source_groups.setdefault(s.group, []).append(_option(t(s.label), s.key))
    group_names = {
        "referral": t("Referral"),
        "non_referral": t("Non-referral"),
        "other": t("Other"),
    }
    role_options = [_option(t(r.label), r.key) for r in DMU_ROLES]
    currency_options = [_option(c, c) for c in CURRENCIES]

    def initial(options, value):
        return next((o for o in options if o.value == value), None)

    if editing:  # a select can't be emptied once set: an explicit choice clears it
        source_groups.setdefault("other", []).append(_option(t("Not set"), SOURCE_NONE))
    all_sources = [o for opts in source_groups.values() for o in opts]
    blocks = [
        InputBlock(
            block_id=ids.BLOCK_NAME,
            label=t("Deal name (company or person)"),
            element=PlainTextInputElement(
                action_id=ids.INPUT,
                initial_value=form.name or None,
                max_length=200,
                placeholder=t("e.g. PT Maju Jaya"),
            ),
        ),
        InputBlock(
            block_id=ids.BLOCK_VALUE,
            label=t("Value"),
            optional=True,
            hint=t("Shorthand works: 50jt, 50rb, 1.5m, Rp 50.000.000, $5,000."),
            element=PlainTextInputElement(
                action_id=ids.INPUT,
                initial_value=form.value or None,
                max_length=60,
                placeholder=t("e.g. 50jt"),
            ),
        ),
        InputBlock(
            block_id=ids.BLOCK_CURRENCY,
            label=t("Currency"),
            optional=True,
            hint=t("Used when the value has no currency symbol or code."),
            element=StaticSelectElement(
                action_id=ids.INPUT,
                options=currency_options,
                initial_option=initial(currency_options, form.currency),
            ),
        ),
        InputBlock(
            block_id=ids.BLOCK_SOURCE,
            label=t("Source"),
            optional=True,
            element=StaticSelectElement(
                action_id=ids.INPUT,
                option_groups=[
                    OptionGroup(label=group_names.get(g, g), options=opts)
                    for g, opts in source_groups.items()
                ],
                initial_option=initial(all_sources, form.source),
            ),
        ),
        InputBlock(
            block_id=ids.BLOCK_OWNER,
            label=t("Owner"),
            element=UserSelectElement(action_id=ids.INPUT, initial_user=form.owner_id),
        ),
        InputBlock(
            block_id=ids.BLOCK_CONTACT_NAME,
            label=t("Primary contact"),
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.INPUT, initial_value=form.contact_name or None, max_length=200
            ),
        ),
        InputBlock(
            block_id=ids.BLOCK_CONTACT_ROLE,
            label=t("Their role in the decision"),
            optional=True,
            element=StaticSelectElement(
                action_id=ids.INPUT,
                options=role_options,
                initial_option=initial(role_options, form.contact_role),
            ),
        ),
        InputBlock(
            block_id=ids.BLOCK_CLOSE_DATE,
            label=t("Expected close date"),
            optional=True,
            element=DatePickerElement(
                action_id=ids.INPUT,
                initial_date=form.expected_close.isoformat() if form.expected_close else None,
            ),
        ),
        InputBlock(
            block_id=ids.BLOCK_NEXT_STEP,
            label=t("Next step"),
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.INPUT,
                initial_value=form.next_step or None,
                max_length=500,
                placeholder=t("e.g. Send the proposal"),
            ),
        ),
        InputBlock(
            block_id=ids.BLOCK_NEXT_STEP_DUE,
            label=t("Next step due"),
            optional=True,
            element=DatePickerElement(
                action_id=ids.INPUT,
                initial_date=form.next_step_due.isoformat() if form.next_step_due else None,
            ),
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
    view = View(
        type="modal",
        callback_id=ids.VIEW_NEW_DEAL,
        title=t("Edit deal") if editing else t("New deal"),
        submit=t("Save") if editing else t("Add deal"),
        close=t("Cancel"),
        private_metadata=metadata,
        blocks=blocks,
    )
    return view.to_dict()


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


def deal_card(
    t: Translator,
    *,
    d: DealView,
    history: Sequence[tuple[datetime, str | None, str, str]],
    contacts: Sequence[tuple[str, str | None]],
    slips: int,
    stage_probability: int,
    locale: str,
    now: datetime,
    extra_blocks: Sequence = (),
) -> dict:
    prob = d.probability if d.probability is not None else stage_probability
    status = status_text(t, d.status)
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
            date=t.date(d.expected_close) if d.expected_close else t("not set"),
        )
        + (t(" (slipped {n}×)", n=slips) if slips else ""),
    ]
    blocks: list = [
        HeaderBlock(text=clip(d.name, 150)),
        SectionBlock(fields=[MarkdownTextObject(text=f) for f in fields[:10]]),
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
        (escape(d.next_step) + (f" ({t.date(d.next_step_due)})" if d.next_step_due else ""))
        if d.next_step
        else t("none — set one with Edit")
    )
    blocks.append(
        SectionBlock(text=MarkdownTextObject(text=clip(t("*Next step* {step}", step=step))))
    )
    if contacts:
        lines = [f"• {escape(n)}" + (f" — {r}" if r else "") for n, r in contacts[:10]]
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
            rows.append(f"• {t.day(at.date())} {move} · <@{by}>")
        more = len(history) - 10
        if more > 0:
            rows.insert(0, t("…{n} earlier moves", n=more))
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=clip(t("*History*") + "\n" + "\n".join(rows)))
            )
        )
    blocks.extend(extra_blocks)
    blocks = blocks[: MAX_MESSAGE_BLOCKS - 1]  # whatever grows, the buttons stay
    blocks.append(deal_buttons(t, d.id, stage_id=d.stage_id))
    return message(t("Deal card: {name}", name=d.name), blocks)


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


def added_reply(t: Translator, result: Created | Duplicates | AskAmount) -> dict:
    if isinstance(result, AskAmount):
        return amount_question(t, result)
    if isinstance(result, Duplicates):
        return duplicate_message(t, result.deals, command_text=result.text, locale=t.locale)
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
        return saved_message(t, deal_id=result.deal_id, name=result.name, value=result.value)
    return added_reply(t, result)


# --- the deal form: its metadata and answers --------------------------------------------


def deal_form(t: Translator, draft: DealDraft, *, channel: str | None) -> dict:
    meta: dict = {"channel": channel}
    if draft.deal_id is not None:
        meta.update(deal_id=draft.deal_id, owner=draft.owner_id)
    return deal_modal(
        t, draft.fields, metadata=compact_json(meta), editing=draft.deal_id is not None
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


def choices_message(t: Translator, c: Choices) -> dict:
    text, blocks = pick_deal_blocks(
        t,
        choices=[(x.id, x.name) for x in c.choices],
        typed=c.typed,
        suggestions=c.suggestions,
        action_id=ids.ACTION_PICK_DEAL,
        value_of=lambda deal_id: encode_move(deal_id, c.then),
    )
    return message(text, blocks)


def move_reply(t: Translator, result: MoveResult | Choices) -> dict:
    if isinstance(result, Choices):
        return choices_message(t, result)
    if isinstance(result, NeedsConfirm):
        return confirm_move_message(
            t,
            deal=result.deal,
            target=result.target,
            kind=result.kind,
            value=encode_move(result.deal.id, result.then),
        )
    if isinstance(result, Gated):
        return gate_message(
            t,
            deal_name=result.deal_name,
            stage=result.stage,
            checklist=result.gate.checklist,
            required=result.gate.required,
            value=encode_move(result.deal_id, result.then),
        )
    return moved_message(
        t,
        deal=result.deal,
        before=result.before,
        after=result.after,
        playbook=playbook_text(t, result.after_key),
        locale=t.locale,
    )


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


def card_reply(t: Translator, card: Card, *, now: datetime, extra_blocks: Sequence = ()) -> dict:
    roles = {r.key: t(r.label) for r in DMU_ROLES}
    return deal_card(
        t,
        d=card.deal,
        history=[(m.at, m.before, m.after, m.by) for m in card.history],
        contacts=[(name, roles.get(role or "", role)) for name, role in card.contacts],
        slips=card.slips,
        stage_probability=card.stage_probability,
        locale=t.locale,
        now=now,
        extra_blocks=extra_blocks,
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
