"""Block Kit for what is recorded after a meeting: the SPIN and BATNA modals, the meeting
log and "Add to deal" modals, stage gates, and the checklist parts of deal cards.

Pure functions from data to dicts (slack_sdk models); no database or API calls.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    ExternalDataSelectElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import checklists as cl
from bot import gates, ids
from bot.i18n import N_, Translator
from bot.money import format_money
from bot.reasons import DMU_ROLES, role_by_key
from handlers.ui.common import clip, escape, message
from handlers.ui.deals import deal_buttons

TITLE = {cl.SPIN: N_("SPIN checklist"), cl.BATNA: N_("BATNA sheet")}
MAX_MESSAGE_BLOCKS = 50


def _option(text: str, value: str, description: str | None = None) -> Option:
    return Option(
        text=PlainTextObject(text=clip(text, 75)),
        value=value,
        description=PlainTextObject(text=clip(description, 75)) if description else None,
    )


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(text))


def _day(at: datetime | date | None) -> str:
    if at is None:
        return "—"
    return (at.date() if isinstance(at, datetime) else at).isoformat()


def _modal(
    t: Translator,
    *,
    callback_id: str,
    title: str,
    blocks: list,
    metadata: str = "",
    submit: str | None = None,
) -> dict:
    return View(
        type="modal",
        callback_id=callback_id,
        title=clip(title, 24),
        submit=clip(submit, 24) if submit else None,
        close=t("Cancel") if submit else t("Close"),
        private_metadata=metadata,
        blocks=blocks,
    ).to_dict()


def notice_modal(t: Translator, *, title: str, text: str) -> dict:
    """A modal with nothing to submit: "loading…", or a problem to read."""
    return _modal(
        t, callback_id=ids.VIEW_NOTICE, title=title, blocks=[SectionBlock(text=_md(text))]
    )


def loading_modal(t: Translator) -> dict:
    return notice_modal(t, title=t("Salespath"), text=":hourglass_flowing_sand: " + t("Loading…"))


# --- checklist modals -------------------------------------------------------------------


@dataclass(frozen=True)
class Basis:
    """The version a modal was pre-filled from (``version`` 0: none yet)."""

    version: int = 0
    by: str | None = None
    at: datetime | None = None


@dataclass
class ChecklistForm:
    kind: str
    deal_id: int
    deal_name: str
    values: dict[str, Any] = field(default_factory=dict)  # field key → text or list of keys
    basis: Basis = field(default_factory=Basis)
    currency: str = "IDR"  # BATNA: amounts without a currency are in this one
    notice: str | None = None  # shown on top (already translated), e.g. a newer version


def _basis_line(t: Translator, form: ChecklistForm) -> ContextBlock:
    if form.basis.version:
        line = t(
            "*{deal}* · pre-filled from version {v} by <@{by}>, {day}. Saving adds version {n}.",
            deal=escape(form.deal_name),
            v=form.basis.version,
            by=form.basis.by,
            day=_day(form.basis.at),
            n=form.basis.version + 1,
        )
    else:
        line = t("*{deal}* · the first one for this deal.", deal=escape(form.deal_name))
    return ContextBlock(elements=[_md(line)])


def _text_input(
    block_id: str,
    label: str,
    value: str | None,
    *,
    hint: str | None = None,
    multiline: bool = True,
    optional: bool = True,
    placeholder: str | None = None,
    max_length: int = cl.TEXT_MAX,
    action_id: str = ids.INPUT,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=clip(label, 2000),
        optional=optional,
        hint=clip(hint, 2000) if hint else None,
        element=PlainTextInputElement(
            action_id=action_id,
            multiline=multiline,
            initial_value=value or None,
            max_length=max_length,
            placeholder=clip(placeholder, 150) if placeholder else None,
        ),
    )


def _question_blocks(t: Translator, q: cl.Question, values: Mapping[str, Any]) -> list:
    label = t(q.label)
    return [
        _text_input(
            q.asked,
            t("{part}: what you asked", part=label),
            values.get(q.asked),
            hint=t(q.hint),
        ),
        _text_input(q.learned, t("{part}: what you learned", part=label), values.get(q.learned)),
    ]


def _mode_block(t: Translator, mode: str, awareness: str | None) -> SectionBlock | ContextBlock:
    if mode == cl.MODE_DIRECT:
        return SectionBlock(
            text=_md(
                ":dart: "
                + t(
                    "*Direct questions*: reconfirm the problem, then reveal the benefit. "
                    "They fit customers who already know products and solutions."
                )
            ),
            accessory=ButtonElement(
                text=t("Use SPIN instead"), action_id=ids.ACTION_SPIN_MODE, value=cl.MODE_SPIN
            ),
        )
    if awareness == cl.SOLUTION_AWARE:
        return SectionBlock(
            text=_md(
                ":bulb: "
                + t(
                    "This customer is solution-aware: direct questions fit better than SPIN "
                    "(reconfirm the problem, reveal the benefit)."
                )
            ),
            accessory=ButtonElement(
                text=t("Use direct questions"),
                action_id=ids.ACTION_SPIN_MODE,
                value=cl.MODE_DIRECT,
                style="primary",
            ),
        )
    return ContextBlock(
        elements=[
            _md(t("SPIN: Situation → Problem → Implication → Need-payoff. Talk less, listen more."))
        ]
    )


def spin_modal(t: Translator, form: ChecklistForm, *, mode: str, metadata: str) -> dict:
    values = form.values
    awareness = values.get(cl.AWARENESS)
    options = [_option(t(c.label), c.key) for c in cl.AWARENESS_LEVELS]
    blocks: list = [_basis_line(t, form)]
    if form.notice:
        blocks.append(SectionBlock(text=_md(":warning: " + form.notice)))
    blocks.append(
        InputBlock(
            block_id=ids.BLOCK_AWARENESS,
            label=t("How aware is the customer?"),
            optional=True,
            dispatch_action=True,
            element=StaticSelectElement(
                action_id=ids.ACTION_SPIN_AWARENESS,
                options=options,
                initial_option=next((o for o in options if o.value == awareness), None),
            ),
        )
    )
    blocks.append(_mode_block(t, mode, awareness))
    for q in cl.QUESTIONS_BY_MODE[mode]:
        blocks += _question_blocks(t, q, values)
    other = cl.MODE_SPIN if mode == cl.MODE_DIRECT else cl.MODE_DIRECT
    kept = [q for q in cl.QUESTIONS_BY_MODE[other] if values.get(q.asked) or values.get(q.learned)]
    if kept:  # answers of the other question set are never dropped from the form
        blocks += [
            DividerBlock(),
            ContextBlock(elements=[_md(t("Also kept from the other question set:"))]),
        ]
        for q in kept:
            blocks += _question_blocks(t, q, values)
    return _modal(
        t,
        callback_id=ids.VIEW_SPIN,
        title=t(TITLE[cl.SPIN]),
        submit=t("Save"),
        metadata=metadata,
        blocks=blocks,
    )


def _checkboxes(
    t: Translator, block_id: str, label: str, choices: Sequence[cl.Choice], chosen: Sequence[str]
) -> InputBlock:
    options = [
        _option(t(c.label), c.key, t(c.description) if c.description else None) for c in choices
    ]
    initial = [o for o in options if o.value in set(chosen or [])]
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        element=CheckboxesElement(
            action_id=ids.INPUT, options=options, initial_options=initial or None
        ),
    )


def batna_modal(t: Translator, form: ChecklistForm, *, metadata: str) -> dict:
    v = form.values
    blocks: list = [_basis_line(t, form)]
    if form.notice:
        blocks.append(SectionBlock(text=_md(":warning: " + form.notice)))
    blocks.append(
        SectionBlock(
            text=_md(
                t(
                    "*Values* — for a seller, Possible ≥ Target ≥ Critical. Write amounts like "
                    "50jt, 1.5m or Rp 50.000.000; without a currency they are in {currency}.",
                    currency=form.currency,
                )
            )
        )
    )
    for choice in cl.VALUE_FIELDS:
        blocks.append(
            _text_input(
                choice.key,
                t(choice.label),
                v.get(choice.key),
                hint=t(choice.description) if choice.description else None,
                multiline=False,
                max_length=60,
                placeholder=t("e.g. 50jt"),
            )
        )
    blocks += [
        _text_input(
            cl.OUR_ALTERNATIVE,
            t("Our best alternative"),
            v.get(cl.OUR_ALTERNATIVE),
            hint=t("What we do if this deal fails: another buyer, a smaller scope, waiting."),
        ),
        _text_input(
            cl.THEIR_ALTERNATIVE,
            t("Their likely alternative"),
            v.get(cl.THEIR_ALTERNATIVE),
            hint=t("What they do without us: a competitor, building it, doing nothing."),
        ),
        _text_input(
            cl.DIMENSIONS,
            t("New dimensions to trade"),
            v.get(cl.DIMENSIONS),
            hint=t("Other things to exchange besides price: terms, volume, timing, service."),
        ),
        _checkboxes(
            t, cl.OBJECTIONS, t("Objections met"), cl.OBJECTION_TYPES, v.get(cl.OBJECTIONS)
        ),
        _checkboxes(t, cl.RESPONSES, t("Response used"), cl.RESPONSE_METHODS, v.get(cl.RESPONSES)),
        _text_input(
            cl.OBJECTION_NOTES,
            t("What they objected, how we answered"),
            v.get(cl.OBJECTION_NOTES),
        ),
        _checkboxes(
            t,
            cl.FOUR_RS,
            t("The 4 R's of handling an objection"),
            cl.FOUR_R_STEPS,
            v.get(cl.FOUR_RS),
        ),
    ]
    return _modal(
        t,
        callback_id=ids.VIEW_BATNA,
        title=t(TITLE[cl.BATNA]),
        submit=t("Save"),
        metadata=metadata,
        blocks=blocks,
    )


# --- reading stored checklists ----------------------------------------------------------


def _choice_labels(t: Translator, choices: Sequence[cl.Choice], keys: Sequence[str]) -> str:
    return ", ".join(t(c.label) for c in choices if c.key in set(keys or []))


def spin_text(t: Translator, data: Mapping[str, Any]) -> str:
    lines = []
    level = next((c for c in cl.AWARENESS_LEVELS if c.key == data.get("awareness")), None)
    if level:
        lines.append(t("*Awareness* {level}", level=t(level.label)))
    fields = data.get("fields") or {}
    for q in (*cl.SPIN_QUESTIONS, *cl.DIRECT_QUESTIONS):
        asked, learned = fields.get(q.asked), fields.get(q.learned)
        if asked or learned:
            bits = []
            if asked:
                bits.append(t("asked: {text}", text=escape(asked)))
            if learned:
                bits.append(t("learned: {text}", text=escape(learned)))
            lines.append(f"*{t(q.label)}* " + " · ".join(bits))
    return "\n".join(lines) or t("(empty)")


def batna_values_text(t: Translator, data: Mapping[str, Any], locale: str) -> str | None:
    shown = []
    for choice, label in zip(
        cl.VALUE_FIELDS, (t("Possible"), t("Target"), t("Critical")), strict=True
    ):
        money = cl.money_of(data.get(choice.key))
        if money is not None:
            shown.append(f"{label} {format_money(money, locale)}")
    return " · ".join(shown) or None


def batna_text(t: Translator, data: Mapping[str, Any], locale: str) -> str:
    lines = []
    values = batna_values_text(t, data, locale)
    if values:
        lines.append(values)
    for key, label in (
        (cl.OUR_ALTERNATIVE, t("Our best alternative")),
        (cl.THEIR_ALTERNATIVE, t("Their likely alternative")),
        (cl.DIMENSIONS, t("New dimensions to trade")),
    ):
        if data.get(key):
            lines.append(f"*{label}* {escape(data[key])}")
    if data.get(cl.OBJECTIONS) or data.get(cl.RESPONSES) or data.get(cl.OBJECTION_NOTES):
        bits = [
            _choice_labels(t, cl.OBJECTION_TYPES, data.get(cl.OBJECTIONS)) or "—",
            t(
                "answered with {methods}",
                methods=_choice_labels(t, cl.RESPONSE_METHODS, data.get(cl.RESPONSES)) or "—",
            ),
        ]
        if data.get(cl.OBJECTION_NOTES):
            bits.append(escape(data[cl.OBJECTION_NOTES]))
        lines.append(t("*Objections* {text}", text=" · ".join(bits)))
    done = data.get(cl.FOUR_RS) or []
    lines.append(
        t(
            "*4 R's* {done}/{total} {steps}",
            done=len(done),
            total=len(cl.FOUR_R_STEPS),
            steps=_choice_labels(t, cl.FOUR_R_STEPS, done),
        ).rstrip()
    )
    return "\n".join(lines)


def checklist_text(t: Translator, kind: str, data: Mapping[str, Any], locale: str) -> str:
    return spin_text(t, data) if kind == cl.SPIN else batna_text(t, data, locale)


@dataclass(frozen=True)
class VersionView:
    kind: str
    version: int
    data: dict
    filled: int
    parts: int
    by: str
    at: datetime


def _version_head(t: Translator, v: VersionView) -> str:
    return t(
        "*{kind} v{version}* · {filled}/{parts} parts · <@{by}>, {day}",
        kind=t(cl.KIND_LABELS[v.kind]),
        version=v.version,
        filled=v.filled,
        parts=v.parts,
        by=v.by,
        day=_day(v.at),
    )


def checklist_saved_message(
    t: Translator, *, deal_id: int, deal_name: str, v: VersionView, locale: str
) -> dict:
    head = t(
        "Saved {kind} version {version} for *{deal}* ({filled}/{parts} parts filled).",
        kind=t(cl.KIND_LABELS[v.kind]),
        version=v.version,
        deal=escape(deal_name),
        filled=v.filled,
        parts=v.parts,
    )
    blocks = [
        SectionBlock(text=_md(":white_check_mark: " + head)),
        SectionBlock(text=_md(checklist_text(t, v.kind, v.data, locale))),
        deal_buttons(t, deal_id),
    ]
    return message(head, blocks)


# --- deal cards and history -------------------------------------------------------------


@dataclass(frozen=True)
class ActivityView:
    kind: str  # meeting | note
    on: date
    notes: str
    by: str
    outcome: str | None = None
    attendees: Sequence[tuple[str, str | None]] = ()
    next_step: str | None = None
    moved: str | None = None  # "Probing → Presentation"
    link: str | None = None


def _activity_line(t: Translator, a: ActivityView, *, full: bool = False) -> str:
    kind = t("meeting") if a.kind == "meeting" else t("note")
    notes = escape(a.notes if full else clip(a.notes, 140))
    parts = [f"{a.on.isoformat()} *{kind}*", notes]
    if a.outcome:
        parts.append(t("outcome: {text}", text=escape(a.outcome)))
    if full and a.attendees:
        people = ", ".join(
            escape(n) + (f" ({t(role_by_key(r).label)})" if r and role_by_key(r) else "")
            for n, r in a.attendees
        )
        parts.append(t("with {people}", people=people))
    if full and a.next_step:
        parts.append(t("next: {step}", step=escape(a.next_step)))
    if a.moved:
        parts.append(t("moved {move}", move=a.moved))
    if a.link:
        parts.append(f"<{a.link}|{t('message')}>")
    parts.append(f"<@{a.by}>")
    return "• " + " · ".join(parts)


def card_blocks(
    t: Translator,
    *,
    deal_id: int,
    deal_name: str,
    latest: Mapping[str, VersionView],
    activities: Sequence[ActivityView],
    locale: str,
) -> list:
    """The checklists (latest version, who/when, completion) and recent meetings for a card."""
    lines = []
    for kind in cl.KINDS:
        v = latest.get(kind)
        label = t(cl.KIND_LABELS[kind])
        if v is None:
            lines.append("• " + t("*{kind}* not filled yet", kind=label))
            continue
        line = "• " + _version_head(t, v)
        if kind == cl.BATNA:
            values = batna_values_text(t, v.data, locale)
            line += f"\n   {values}" if values else ""
        lines.append(line)
    older = any(v.version > 1 for v in latest.values())
    blocks: list = [SectionBlock(text=_md(t("*Checklists*") + "\n" + "\n".join(lines)))]
    if older or activities:
        blocks.append(
            ContextBlock(
                elements=[
                    _md(
                        t(
                            "Older versions and all meetings: `/pipeline {deal} history`",
                            deal=clip(deal_name, 100).replace("`", "'"),
                        )
                    )
                ]
            )
        )
    if activities:
        rows = [_activity_line(t, a) for a in activities[:3]]
        blocks.append(SectionBlock(text=_md(t("*Meetings and notes*") + "\n" + "\n".join(rows))))
    blocks.append(checklist_buttons(t, deal_id, latest))
    return blocks


def checklist_buttons(
    t: Translator, deal_id: int, latest: Mapping[str, Any] | None = None
) -> ActionsBlock:
    value = json.dumps({"d": deal_id})
    latest = latest or {}
    return ActionsBlock(
        block_id=f"checklists_{deal_id}",
        elements=[
            ButtonElement(
                text=t("Update SPIN") if cl.SPIN in latest else t("Fill SPIN"),
                action_id=ids.ACTION_OPEN_SPIN,
                value=value,
            ),
            ButtonElement(
                text=t("Update BATNA") if cl.BATNA in latest else t("Fill BATNA"),
                action_id=ids.ACTION_OPEN_BATNA,
                value=value,
            ),
        ],
    )


def history_message(
    t: Translator,
    *,
    deal_id: int,
    deal_name: str,
    versions: Sequence[VersionView],
    counts: Mapping[str, int],
    activities: Sequence[ActivityView],
    locale: str,
) -> dict:
    """Every checklist version (newest first) and the meetings and notes of a deal."""
    title = t("History of {deal}", deal=deal_name)
    blocks: list = [HeaderBlock(text=clip(title, 150))]
    if not versions and not activities:
        blocks.append(
            SectionBlock(
                text=_md(
                    t(
                        "No checklists, meetings or notes yet. Fill one with /spin {deal} "
                        "or /batna {deal}, or use the Log meeting button.",
                        deal=escape(deal_name),
                    )
                )
            )
        )
    budget = MAX_MESSAGE_BLOCKS - 6
    for kind in cl.KINDS:
        mine = [v for v in versions if v.kind == kind]
        if not mine:
            continue
        blocks.append(SectionBlock(text=_md(t("*{kind}*", kind=t(cl.KIND_LABELS[kind])))))
        for v in mine[: budget // 2]:
            body = _version_head(t, v) + "\n" + checklist_text(t, kind, v.data, locale)
            blocks.append(SectionBlock(text=_md(body)))
        if counts.get(kind, 0) > len(mine[: budget // 2]):
            blocks.append(
                ContextBlock(
                    elements=[
                        _md(
                            t(
                                "…and {n} older versions.",
                                n=counts[kind] - len(mine[: budget // 2]),
                            )
                        )
                    ]
                )
            )
    if activities:
        rows, text = [], t("*Meetings and notes*")
        for a in activities:
            line = _activity_line(t, a, full=True)
            if len(text) + len(line) + len("\n".join(rows)) > 2900:
                rows.append(t("…more not shown."))
                break
            rows.append(line)
        blocks.append(SectionBlock(text=_md(text + "\n" + "\n".join(rows))))
    blocks.append(deal_buttons(t, deal_id))
    return message(title, blocks[:MAX_MESSAGE_BLOCKS])


# --- pickers for /spin and /batna -------------------------------------------------------


def pick_deal_message(
    t: Translator,
    *,
    kind: str,
    choices: Sequence[tuple[int, str]],
    typed: str,
    suggestions: bool,
) -> dict:
    if suggestions:
        text = t("No deal matches “{typed}”. Did you mean one of these?", typed=escape(typed))
    else:
        text = t("Several deals match “{typed}”. Which one?", typed=escape(typed))
    buttons = [
        ButtonElement(
            text=clip(name, 70),
            action_id=f"{ids.ACTION_PICK_CHECKLIST_DEAL}_{i}",
            value=json.dumps({"k": kind, "d": deal_id}),
        )
        for i, (deal_id, name) in enumerate(choices[:20])
    ]
    blocks: list = [SectionBlock(text=_md(text))]
    for start in range(0, len(buttons), 5):
        blocks.append(ActionsBlock(block_id=f"pick_{start}", elements=buttons[start : start + 5]))
    return message(text, blocks)


# --- the meeting log and "Add to deal" --------------------------------------------------


@dataclass(frozen=True)
class DealOption:
    id: int
    name: str
    status: str = "open"


def deal_option(t: Translator, d: DealOption) -> Option:
    status = {"won": t("won"), "lost": t("lost")}.get(d.status)
    label = f"{d.name} ({status})" if status else d.name
    return _option(label, str(d.id))


def deal_options(t: Translator, deals: Sequence[DealOption]) -> list[dict]:
    """The answer to an external_select's type-ahead (at most 100 options)."""
    return [deal_option(t, d).to_dict() for d in deals[:100]]


def _deal_picker(t: Translator, deal: DealOption | None, *, label: str) -> InputBlock:
    return InputBlock(
        block_id=ids.BLOCK_DEAL,
        label=label,
        element=ExternalDataSelectElement(
            action_id=ids.ACTION_DEAL_SEARCH,
            placeholder=t("Type a deal's name"),
            min_query_length=0,
            initial_option=deal_option(t, deal) if deal else None,
        ),
    )


@dataclass(frozen=True)
class MeetingForm:
    today: date
    stages: Sequence[tuple[int, str]]  # stages a log may move the deal to
    deal: DealOption | None = None
    current_next_step: str | None = None


def meeting_modal(t: Translator, form: MeetingForm, *, metadata: str) -> dict:
    roles = ", ".join(t(r.label).lower() for r in DMU_ROLES)
    stage_options = [_option(name, str(sid)) for sid, name in form.stages][:100]
    next_hint = (
        t("Leave empty to keep the current one: {step}", step=clip(form.current_next_step, 300))
        if form.current_next_step
        else t("e.g. Send the proposal")
    )
    blocks: list = [
        _deal_picker(t, form.deal, label=t("Deal")),
        InputBlock(
            block_id=ids.BLOCK_MEETING_DATE,
            label=t("Date"),
            element=DatePickerElement(action_id=ids.INPUT, initial_date=form.today.isoformat()),
        ),
        _text_input(
            ids.BLOCK_ATTENDEES,
            t("Attendees"),
            None,
            hint=t("One a line: name, role. Roles: {roles}.", roles=roles),
            placeholder=t("Budi Santoso, decision maker"),
            max_length=2000,
        ),
        _text_input(
            ids.BLOCK_NOTES,
            t("Notes"),
            None,
            optional=False,
            max_length=cl.NOTES_MAX,
            placeholder=t("What was discussed, what they said"),
        ),
        _text_input(
            ids.BLOCK_OUTCOME,
            t("Outcome"),
            None,
            multiline=False,
            max_length=500,
            placeholder=t("e.g. They want a demo for the IT team"),
        ),
        _text_input(
            ids.BLOCK_NEXT_STEP,
            t("Next step"),
            None,
            multiline=False,
            max_length=500,
            hint=next_hint,
        ),
        InputBlock(
            block_id=ids.BLOCK_NEXT_STEP_DUE,
            label=t("Next step due"),
            optional=True,
            element=DatePickerElement(action_id=ids.INPUT),
        ),
    ]
    if stage_options:
        blocks.append(
            InputBlock(
                block_id=ids.BLOCK_STAGE_MOVE,
                label=t("Move the deal to"),
                optional=True,
                hint=t("Optional. To close it as lost, use /advance <deal> lost <reason>."),
                element=StaticSelectElement(action_id=ids.INPUT, options=stage_options),
            )
        )
    blocks += [
        DividerBlock(),
        SectionBlock(
            text=_md(
                t(
                    "*Checklists* — open one on top of this form; what you typed here stays. "
                    "Pick the deal first."
                )
            )
        ),
        ActionsBlock(
            block_id="meeting_checklists",
            elements=[
                ButtonElement(text=t("Fill SPIN"), action_id=ids.ACTION_OPEN_SPIN, value="push"),
                ButtonElement(text=t("Fill BATNA"), action_id=ids.ACTION_OPEN_BATNA, value="push"),
            ],
        ),
    ]
    return _modal(
        t,
        callback_id=ids.VIEW_MEETING,
        title=t("Log meeting"),
        submit=t("Save"),
        metadata=metadata,
        blocks=blocks,
    )


def meeting_saved_message(
    t: Translator, *, deal_id: int, deal_name: str, a: ActivityView, extra: Sequence[str] = ()
) -> dict:
    head = t(
        "Logged the meeting of {day} on *{deal}*.", day=a.on.isoformat(), deal=escape(deal_name)
    )
    blocks: list = [
        SectionBlock(text=_md(":white_check_mark: " + head)),
        SectionBlock(text=_md(_activity_line(t, a, full=True))),
    ]
    for line in extra:
        blocks.append(SectionBlock(text=_md(line)))
    blocks.append(deal_buttons(t, deal_id))
    return message(head, blocks)


@dataclass(frozen=True)
class NoteForm:
    text: str
    author: str | None
    link: str | None = None
    deal: DealOption | None = None


def note_modal(t: Translator, form: NoteForm, *, metadata: str) -> dict:
    source = (
        t("From <{link}|a message> by <@{author}>.", link=form.link, author=form.author)
        if form.link and form.author
        else t("From a message by <@{author}>.", author=form.author)
        if form.author
        else t("From a message.")
    )
    blocks = [
        _deal_picker(t, form.deal, label=t("Add to deal")),
        _text_input(
            ids.BLOCK_NOTES,
            t("Note"),
            clip(form.text, cl.NOTES_MAX),
            optional=False,
            max_length=cl.NOTES_MAX,
        ),
        ContextBlock(elements=[_md(source)]),
    ]
    return _modal(
        t,
        callback_id=ids.VIEW_NOTE,
        title=t("Add to deal"),
        submit=t("Add note"),
        metadata=metadata,
        blocks=blocks,
    )


def note_saved_message(t: Translator, *, deal_id: int, deal_name: str, a: ActivityView) -> dict:
    head = t("Added a note to *{deal}*.", deal=escape(deal_name))
    blocks = [
        SectionBlock(text=_md(":memo: " + head)),
        SectionBlock(text=_md(_activity_line(t, a, full=True))),
        deal_buttons(t, deal_id),
    ]
    return message(head, blocks)


# --- stage gates ------------------------------------------------------------------------


@dataclass(frozen=True)
class GateRow:
    stage_id: int
    name: str
    checklist: str | None
    mode: str


def gate_label(t: Translator, checklist: str | None, mode: str) -> str:
    if not checklist or mode == gates.OFF:
        return t("No gate")
    kind = t(cl.KIND_LABELS[checklist])
    if mode == gates.REQUIRE:
        return t("{checklist} required", checklist=kind)
    return t("{checklist}: warning", checklist=kind)


def gates_message(
    t: Translator, rows: Sequence[GateRow], *, can_edit: bool, saved: bool = False
) -> dict:
    lines = [f"• *{escape(r.name)}* — {gate_label(t, r.checklist, r.mode)}" for r in rows]
    text = t("*Stage gates*: the checklist a deal needs before it enters a stage.")
    if saved:
        text = ":white_check_mark: " + t("Saved the stage gates.") + "\n" + text
    blocks: list = [
        SectionBlock(text=_md(text + "\n" + "\n".join(lines))),
        ContextBlock(
            elements=[
                _md(
                    t(
                        "A warning lets the rep fill the checklist or move anyway; "
                        "required waits for the checklist."
                    )
                )
            ]
        ),
    ]
    if can_edit:
        blocks.append(
            ActionsBlock(
                block_id="gates",
                elements=[
                    ButtonElement(
                        text=t("Edit gates"), action_id=ids.ACTION_EDIT_GATES, value="edit"
                    )
                ],
            )
        )
    else:
        blocks.append(ContextBlock(elements=[_md(t("Managers can change the gates."))]))
    return message(t("Stage gates"), blocks)


def gates_modal(t: Translator, rows: Sequence[GateRow]) -> dict:
    blocks: list = [
        ContextBlock(
            elements=[
                _md(
                    t(
                        "For each stage, the checklist a deal needs before entering it. "
                        "Warning: the rep may move anyway. Required: the move waits."
                    )
                )
            ]
        )
    ]
    for r in rows:
        options = [_option(gate_label(t, k, m), key) for key, k, m in gates.CHOICES]
        current = gates.choice_key(r.checklist, r.mode)
        blocks.append(
            InputBlock(
                block_id=f"{ids.BLOCK_GATE_PREFIX}{r.stage_id}",
                label=clip(r.name, 2000),
                element=StaticSelectElement(
                    action_id=ids.INPUT,
                    options=options,
                    initial_option=next((o for o in options if o.value == current), None),
                ),
            )
        )
    return _modal(
        t,
        callback_id=ids.VIEW_GATES,
        title=t("Stage gates"),
        submit=t("Save"),
        blocks=blocks,
    )


def gate_message(
    t: Translator,
    *,
    deal_name: str,
    stage: str,
    checklist: str,
    required: bool,
    payload: dict,
) -> dict:
    """A move held at a gate: fill the checklist (then the move completes), or move anyway."""
    kind = t(cl.KIND_LABELS[checklist])
    if required:
        text = t(
            ":no_entry: *{stage}* requires a {kind} checklist before “{deal}” can enter it, "
            "and it has none yet. Fill it and the move completes.",
            stage=escape(stage),
            kind=kind,
            deal=escape(deal_name),
        )
    else:
        text = t(
            ":warning: *{stage}* asks for a {kind} checklist first, and “{deal}” has none "
            "yet. Fill it and the move completes, or move anyway.",
            stage=escape(stage),
            kind=kind,
            deal=escape(deal_name),
        )
    value = json.dumps(payload)
    fill = ButtonElement(
        text=t("Fill {kind} and move", kind=kind),
        action_id=ids.ACTION_OPEN_SPIN if checklist == cl.SPIN else ids.ACTION_OPEN_BATNA,
        value=value,
        style="primary",
    )
    elements = [fill]
    if not required:
        elements.append(
            ButtonElement(text=t("Move anyway"), action_id=ids.ACTION_GATE_MOVE_ANYWAY, value=value)
        )
    elements.append(ButtonElement(text=t("Cancel"), action_id=ids.ACTION_CANCEL, value="cancel"))
    blocks = [
        SectionBlock(text=_md(text)),
        ActionsBlock(block_id="gate", elements=elements),
        ContextBlock(elements=[_md(t("Managers set the gates with /pipeline gates."))]),
    ]
    return message(text, blocks)
