"""Block Kit for deals: the quick-add echo, the deal modal, moves, pickers, cards, pipeline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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
from bot.core.money import Money, format_money
from bot.core.reasons import DMU_ROLES
from bot.core.sources import SOURCES
from handlers.ui.common import clip, compact_json, escape, message

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100


def money_text(money: Money | None, locale: str, t: Translator) -> str:
    return format_money(money, locale) if money is not None else t("no value yet")


def deal_buttons(t: Translator, deal_id: int, *, edit: bool = True) -> ActionsBlock:
    value = str(deal_id)
    elements = []
    if edit:
        elements.append(ButtonElement(text=t("Edit"), action_id=ids.ACTION_EDIT_DEAL, value=value))
    elements += [
        ButtonElement(
            text=t("Advance"), action_id=ids.ACTION_ADVANCE_DEAL, value=value, style="primary"
        ),
        ButtonElement(text=t("Log meeting"), action_id=ids.ACTION_LOG_MEETING, value=value),
        ButtonElement(text=t("Open card"), action_id=ids.ACTION_OPEN_CARD, value=value),
    ]
    return ActionsBlock(block_id=f"deal_{deal_id}", elements=elements)


@dataclass(frozen=True)
class DealSummary:
    """What the UI shows of a deal (built by handlers from storage rows)."""

    id: int
    name: str
    value: Money | None
    owner_id: str
    stage: str
    status: str = "open"
    source_label: str | None = None
    contact: str | None = None
    expected_close: date | None = None
    next_step: str | None = None
    next_step_due: date | None = None
    probability: int | None = None
    created_at: datetime | None = None
    stage_since: datetime | None = None
    last_activity_at: datetime | None = None
    lost_reason: str | None = None
    lost_note: str | None = None


def deal_line(d: DealSummary, locale: str, t: Translator) -> str:
    parts = [f"*{escape(d.name)}*", money_text(d.value, locale, t), f"<@{d.owner_id}>"]
    if d.next_step:
        due = f" ({d.next_step_due.isoformat()})" if d.next_step_due else ""
        parts.append(t("next: {step}", step=escape(clip(d.next_step, 120))) + due)
    return " · ".join(parts)


def created_message(d: DealSummary, locale: str, t: Translator, *, understood: str) -> dict:
    text = t("Added *{name}* at {stage}.", name=escape(d.name), stage=d.stage)
    facts = [
        t("Value: {value}", value=money_text(d.value, locale, t)),
        t("Source: {source}", source=d.source_label or t("not set")),
        t("Owner: <@{owner}>", owner=d.owner_id),
    ]
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=":white_check_mark: " + text)),
        SectionBlock(fields=[MarkdownTextObject(text=f) for f in facts]),
        ContextBlock(elements=[MarkdownTextObject(text=understood)]),
        deal_buttons(t, d.id),
    ]
    return message(text + " " + " · ".join(facts), blocks)


def saved_message(t: Translator, *, deal_id: int, name: str) -> dict:
    text = t("Saved *{name}*.", name=escape(name))
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=":white_check_mark: " + text)),
        deal_buttons(t, deal_id),
    ]
    return message(text, blocks)


def duplicate_message(
    t: Translator, existing: Sequence[DealSummary], *, command_text: str, locale: str
) -> dict:
    lines = "\n".join("• " + deal_line(d, locale, t) + f" — {d.stage}" for d in existing[:5])
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
    deal: DealSummary,
    before: str,
    after: str,
    playbook: str | None,
    locale: str,
) -> dict:
    if deal.status == "won":
        head = t(
            ":trophy: *{name}* is won! ({before} → {after})",
            name=escape(deal.name),
            before=before,
            after=after,
        )
    elif deal.status == "lost":
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
    blocks.append(deal_buttons(t, deal.id))
    return message(head, blocks)


def confirm_move_message(
    t: Translator, *, deal: DealSummary, target: str, kind: str, payload: dict
) -> dict:
    if kind == "reopen":
        text = t(
            "“{name}” is closed ({status}). Re-open it and move it to {target}?",
            name=escape(deal.name),
            status=deal.status,
            target=target,
        )
    else:
        text = t(
            "That moves “{name}” backwards, from {stage} to {target}. Are you sure?",
            name=escape(deal.name),
            stage=deal.stage,
            target=target,
        )
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=":warning: " + text)),
        ActionsBlock(
            block_id="confirm_move",
            elements=[
                ButtonElement(
                    text=t("Yes, move it"),
                    action_id=ids.ACTION_CONFIRM_MOVE,
                    value=compact_json(payload),
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


def pick_deal_message(
    t: Translator,
    *,
    choices: Sequence[tuple[int, str]],
    then: dict,
    typed: str,
    suggestions: bool = False,
) -> dict:
    text, blocks = pick_deal_blocks(
        t,
        choices=choices,
        typed=typed,
        suggestions=suggestions,
        action_id=ids.ACTION_PICK_DEAL,
        value_of=lambda deal_id: compact_json({**then, "deal_id": deal_id}),
    )
    return message(text, blocks)


# --- the deal modal ---------------------------------------------------------------------


@dataclass
class DealForm:
    """Pre-fill for the deal modal (Edit) — all optional."""

    name: str = ""
    value_text: str = ""
    currency: str = ""
    source: str | None = None
    owner_id: str | None = None
    contact_name: str = ""
    contact_role: str | None = None
    expected_close: date | None = None
    next_step: str = ""
    next_step_due: date | None = None
    probability: int | None = None
    extra: dict = field(default_factory=dict)


CURRENCIES = ("IDR", "USD", "EUR", "SGD", "MYR", "GBP", "AUD", "JPY")
SOURCE_NONE = "none"  # the Edit form's "Not set" source


def _option(text: str, value: str) -> Option:
    return Option(text=PlainTextObject(text=clip(text, 75)), value=value)


def deal_modal(t: Translator, form: DealForm, *, metadata: str, editing: bool) -> dict:
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
                initial_value=form.value_text or None,
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
                    initial_value=str(form.probability) if form.probability is not None else None,
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


@dataclass(frozen=True)
class StageGroup:
    name: str
    count: int
    totals: dict[str, Money]
    deals: list[DealSummary]


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
                MarkdownTextObject(text=t("*Open deals*\n{n}", n=total_deals)),
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
            stage=g.name,
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
    d: DealSummary,
    history: Sequence[tuple[datetime, str | None, str, str]],
    contacts: Sequence[tuple[str, str | None]],
    slips: int,
    stage_probability: int,
    locale: str,
    now: datetime,
    extra_blocks: Sequence = (),
) -> dict:
    prob = d.probability if d.probability is not None else stage_probability
    status = {"open": t("open"), "won": t("won"), "lost": t("lost")}.get(d.status, d.status)
    fields = [
        t("*Stage*\n{stage} ({status})", stage=d.stage, status=status),
        t("*Value*\n{value}", value=money_text(d.value, locale, t)),
        t("*Owner*\n<@{owner}>", owner=d.owner_id),
        t("*Win probability*\n{p}%", p=prob) + ("" if d.probability is None else " " + t("(set)")),
        t("*Age*\n{age}", age=ago(t, d.created_at, now)),
        t("*In stage for*\n{age}", age=ago(t, d.stage_since, now)),
        t("*Source*\n{source}", source=d.source_label or t("not set")),
        t(
            "*Expected close*\n{date}",
            date=d.expected_close.isoformat() if d.expected_close else t("not set"),
        )
        + (t(" (slipped {n}×)", n=slips) if slips else ""),
    ]
    blocks: list = [
        HeaderBlock(text=clip(d.name, 150)),
        SectionBlock(fields=[MarkdownTextObject(text=f) for f in fields[:10]]),
    ]
    if d.status == "lost" and d.lost_reason:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(
                        t("*Lost because* {reason}", reason=d.lost_reason)
                        + (f" — {escape(d.lost_note)}" if d.lost_note else "")
                    )
                )
            )
        )
    step = (
        (escape(d.next_step) + (f" ({d.next_step_due.isoformat()})" if d.next_step_due else ""))
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
            move = f"{before} → {after}" if before else t("created in {stage}", stage=after)
            rows.append(f"• {at.date().isoformat()} {move} · <@{by}>")
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
    blocks.append(deal_buttons(t, d.id))
    return message(t("Deal card: {name}", name=d.name), blocks)


def stages_message(
    t: Translator, *, stages: Sequence[tuple[str, int, str]], can_edit: bool
) -> dict:
    lines = [
        f"{i + 1}. *{escape(name)}* — {prob}%" + (f" ({kind})" if kind != "open" else "")
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
