"""Block Kit for the SPIN and BATNA checklists: their modals, what a stored version reads
like, the checklist part of deal cards, the history (paged per checklist), and what the /spin
and /batna modal shows instead of a checklist (a deal picker, a problem).

Pure functions from data to dicts (slack_sdk models); no database or API calls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    SectionBlock,
)

from bot import ids
from bot.core import checklists as cl
from bot.core.errors import InvalidInput
from bot.core.i18n import N_, Translator
from bot.core.money import format_money
from bot.usecases.checklists import (
    Basis,
    ChecklistDraft,
    History,
    NewerVersion,
    SavedVersion,
    Submitted,
)
from bot.usecases.deals import Choices, MoveRequest
from bot.usecases.views import ActivityView, HistoryPage, VersionView
from handlers.ui.common import (
    MAX_MESSAGE_BLOCKS,
    STALE_FORM,
    clip,
    compact_json,
    escape,
    message,
    read_meta,
    stage_text,
    write_meta,
)
from handlers.ui.deals import deal_buttons, pick_deal_blocks
from handlers.ui.forms import OPEN_CHECKLIST, day, md, modal, option, select_input, text_input
from handlers.ui.meetings import activity_line

TITLE = {
    cl.SPIN: N_("SPIN checklist"),
    cl.BATNA: N_("BATNA sheet"),
    cl.APPROACH: N_("Approach preparation"),
    cl.FAB: N_("Presentation F.A.B."),
}
VIEW_OF = {
    cl.SPIN: ids.VIEW_SPIN,
    cl.BATNA: ids.VIEW_BATNA,
    cl.APPROACH: ids.VIEW_APPROACH,
    cl.FAB: ids.VIEW_FAB,
}


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
            day=day(t, form.basis.at),
            n=form.basis.version + 1,
        )
    else:
        line = t("*{deal}* · the first one for this deal.", deal=escape(form.deal_name))
    return ContextBlock(elements=[md(line)])


def _head(t: Translator, form: ChecklistForm) -> list:
    """What every checklist modal opens with: its basis line, and the notice when there is one."""
    blocks: list = [_basis_line(t, form)]
    if form.notice:
        blocks.append(SectionBlock(text=md(":warning: " + form.notice)))
    return blocks


def _checklist_modal(t: Translator, kind: str, metadata: str, blocks: list) -> dict:
    return modal(
        t,
        callback_id=VIEW_OF[kind],
        title=t(TITLE[kind]),
        submit=t("Save"),
        metadata=metadata,
        blocks=blocks,
    )


def _question_blocks(t: Translator, q: cl.Question, values: Mapping[str, Any]) -> list:
    label = t(q.label)
    return [
        text_input(
            q.asked,
            t("{part}: what you asked", part=label),
            values.get(q.asked),
            hint=t(q.hint),
        ),
        text_input(q.learned, t("{part}: what you learned", part=label), values.get(q.learned)),
    ]


def _mode_block(t: Translator, mode: str, awareness: str | None) -> SectionBlock | ContextBlock:
    if mode == cl.MODE_DIRECT:
        return SectionBlock(
            text=md(
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
            text=md(
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
            md(t("SPIN: Situation → Problem → Implication → Need-payoff. Talk less, listen more."))
        ]
    )


def spin_modal(t: Translator, form: ChecklistForm, *, mode: str, metadata: str) -> dict:
    values = form.values
    awareness = values.get(cl.AWARENESS)
    options = [option(t(c.label), c.key) for c in cl.AWARENESS_LEVELS]
    blocks = _head(t, form)
    blocks.append(
        select_input(
            ids.BLOCK_AWARENESS,
            t("How aware is the customer?"),
            options,
            awareness,
            optional=True,
            dispatch_action=True,
            action_id=ids.ACTION_SPIN_AWARENESS,
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
            ContextBlock(elements=[md(t("Also kept from the other question set:"))]),
        ]
        for q in kept:
            blocks += _question_blocks(t, q, values)
    return _checklist_modal(t, cl.SPIN, metadata, blocks)


def _checkboxes(
    t: Translator, block_id: str, label: str, choices: Sequence[cl.Choice], chosen: Sequence[str]
) -> InputBlock:
    options = [
        option(t(c.label), c.key, t(c.description) if c.description else None) for c in choices
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


# The BATNA sheet's free-text fields: key, label, hint.
_BATNA_TEXTS = (
    (
        cl.OUR_ALTERNATIVE,
        N_("Our best alternative"),
        N_("What we do if this deal fails: another buyer, a smaller scope, waiting."),
    ),
    (
        cl.THEIR_ALTERNATIVE,
        N_("Their likely alternative"),
        N_("What they do without us: a competitor, building it, doing nothing."),
    ),
    (
        cl.DIMENSIONS,
        N_("New dimensions to trade"),
        N_("Other things to exchange besides price: terms, volume, timing, service."),
    ),
)


def batna_modal(t: Translator, form: ChecklistForm, *, metadata: str) -> dict:
    v = form.values
    blocks = _head(t, form)
    blocks.append(
        SectionBlock(
            text=md(
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
            text_input(
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
        text_input(key, t(label), v.get(key), hint=t(hint)) for key, label, hint in _BATNA_TEXTS
    ]
    blocks += [
        _checkboxes(
            t, cl.OBJECTIONS, t("Objections met"), cl.OBJECTION_TYPES, v.get(cl.OBJECTIONS)
        ),
        _checkboxes(t, cl.RESPONSES, t("Response used"), cl.RESPONSE_METHODS, v.get(cl.RESPONSES)),
        text_input(
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
    return _checklist_modal(t, cl.BATNA, metadata, blocks)


def approach_modal(t: Translator, form: ChecklistForm, *, metadata: str) -> dict:
    """Approach preparation (seed 000: Approaching): the profile, the decision-maker unit,
    the 3M, F.O.R.M. small talk and the purpose."""
    blocks = _head(t, form)
    blocks.append(
        ContextBlock(
            elements=[
                md(
                    t(
                        "Prepare, map who decides, pick the moment, medium and mood, "
                        "warm up, then say why you came."
                    )
                )
            ]
        )
    )
    for p in cl.APPROACH_FIELDS:
        blocks.append(
            text_input(
                p.key,
                t(p.label),
                form.values.get(p.key),
                hint=t(p.hint),
                multiline=p.key not in cl.THREE_M,
                max_length=cl.TEXT_MAX,
            )
        )
    return _checklist_modal(t, cl.APPROACH, metadata, blocks)


def fab_modal(t: Translator, form: ChecklistForm, *, order: str, metadata: str) -> dict:
    """Presentation F.A.B. (seed 000: Presentation): per need found in SPIN, its feature,
    advantage and benefit — in B.A.F. order once the deal has SPIN (lead with the benefit
    they asked for)."""
    blocks = _head(t, form)
    head = (
        t("*B.A.F.*: after SPIN, lead with the Benefit they asked for, then Advantage, Feature.")
        if order == cl.ORDER_BAF
        else t("*F.A.B.*: Feature, Advantage, Benefit for each need. Fill SPIN first to find them.")
    )
    blocks.append(ContextBlock(elements=[md(head)]))
    for n in range(1, cl.FAB_ROWS + 1):
        need = cl.FAB_PROMPTS["need"]
        if n > 1:
            blocks.append(DividerBlock())
        blocks.append(
            text_input(
                cl.fab_field("need", n),
                t(need.label, n=n),
                form.values.get(cl.fab_field("need", n)),
                hint=t(need.hint) if n == 1 else None,
                multiline=False,
                max_length=500,
            )
        )
        for part in cl.fab_parts(order):
            prompt = cl.FAB_PROMPTS[part]
            blocks.append(
                text_input(
                    cl.fab_field(part, n),
                    t(prompt.label),
                    form.values.get(cl.fab_field(part, n)),
                    hint=t(prompt.hint) if n == 1 else None,
                    max_length=cl.TEXT_MAX,
                )
            )
    return _checklist_modal(t, cl.FAB, metadata, blocks)


def approach_text(t: Translator, data: Mapping[str, Any]) -> str:
    fields = data.get("fields") or {}
    lines = [
        f"*{t(p.label)}* {escape(fields[p.key])}" for p in cl.APPROACH_FIELDS if fields.get(p.key)
    ]
    return "\n".join(lines) or t("(empty)")


def fab_text(t: Translator, data: Mapping[str, Any]) -> str:
    order = cl.fab_parts(data.get("order") or cl.ORDER_FAB)
    lines = []
    for row in data.get("rows") or []:
        bits = [f"_{t(cl.FAB_PROMPTS[p].label)}:_ {escape(row[p])}" for p in order if row.get(p)]
        lines.append(f"*{escape(row.get('need') or '?')}* — " + (" · ".join(bits) or "—"))
    return "\n".join(lines) or t("(empty)")


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


def spin_learned_text(t: Translator, data: Mapping[str, Any], most: int = 90) -> str | None:
    """The card's one line of a SPIN version: what was learned, per kind of question."""
    fields = data.get("fields") or {}
    shown = [
        f"_{t(q.label)}:_ {escape(clip(fields[q.learned], most))}"
        for q in (*cl.SPIN_QUESTIONS, *cl.DIRECT_QUESTIONS)
        if fields.get(q.learned)
    ]
    return " · ".join(shown) or None


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
    if kind == cl.APPROACH:
        return approach_text(t, data)
    if kind == cl.FAB:
        return fab_text(t, data)
    return spin_text(t, data) if kind == cl.SPIN else batna_text(t, data, locale)


def _version_head(t: Translator, v: VersionView) -> str:
    return t(
        "*{kind} v{version}* · {filled}/{parts} parts · <@{by}>, {day}",
        kind=t(cl.KIND_LABELS[v.kind]),
        version=v.version,
        filled=v.filled,
        parts=v.parts,
        by=v.by,
        day=day(t, v.at),
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
        SectionBlock(text=md(":white_check_mark: " + head)),
        SectionBlock(text=md(checklist_text(t, v.kind, v.data, locale))),
        deal_buttons(t, deal_id),
    ]
    return message(head, blocks)


def _card_detail(t: Translator, v: VersionView, locale: str) -> str | None:
    if v.kind == cl.BATNA:
        return batna_values_text(t, v.data, locale)
    if v.kind == cl.SPIN:
        return spin_learned_text(t, v.data)
    if v.kind == cl.APPROACH:
        purpose = (v.data.get("fields") or {}).get(cl.PURPOSE)
        return t("_Purpose:_ {text}", text=escape(clip(purpose, 120))) if purpose else None
    needs = [escape(clip(r.get("need", ""), 60)) for r in v.data.get("rows") or []]
    return t("_Needs:_ {needs}", needs="; ".join(needs)) if needs else None


def card_blocks(
    t: Translator,
    *,
    deal_id: int,
    deal_name: str,
    latest: Mapping[str, VersionView],
    activities: Sequence[ActivityView],
    locale: str,
    asks_for: str | None = None,
    stage: str | None = None,
) -> list:
    """The checklists (latest version, who/when, completion) in the order of the sales
    path, and recent meetings, for a card. ``asks_for``: the checklist the deal's stage
    asks for and it lacks, said first with a button to fill it."""
    lines = []
    if asks_for is not None:
        lines.append(
            ":warning: "
            + t(
                "{stage} asks for {kind}, and this deal has none yet: fill it below.",
                stage=escape(stage_text(t, stage)),
                kind=t(cl.KIND_LABELS[asks_for]),
            )
        )
    for kind in cl.PATH_ORDER:
        v = latest.get(kind)
        label = t(cl.KIND_LABELS[kind])
        if v is None:
            lines.append("• " + t("*{kind}* not filled yet", kind=label))
            continue
        detail = _card_detail(t, v, locale)
        lines.append("• " + _version_head(t, v) + (f"\n   {detail}" if detail else ""))
    older = any(v.version > 1 for v in latest.values())
    blocks: list = [SectionBlock(text=md(t("*Checklists*") + "\n" + "\n".join(lines)))]
    if older or activities:
        blocks.append(
            ContextBlock(
                elements=[
                    md(
                        t(
                            "Older versions and all meetings: `/pipeline {deal} history`",
                            deal=clip(deal_name, 100).replace("`", "'"),
                        )
                    )
                ]
            )
        )
    if activities:
        rows = [activity_line(t, a) for a in activities[:3]]
        blocks.append(SectionBlock(text=md(t("*Meetings and notes*") + "\n" + "\n".join(rows))))
    blocks.append(checklist_buttons(t, deal_id, latest, first=asks_for))
    return blocks


FILL_LABELS = {
    cl.SPIN: (N_("Fill SPIN"), N_("Update SPIN")),
    cl.BATNA: (N_("Fill BATNA"), N_("Update BATNA")),
    cl.APPROACH: (N_("Fill Approach"), N_("Update Approach")),
    cl.FAB: (N_("Fill F.A.B."), N_("Update F.A.B.")),
}


def checklist_buttons(
    t: Translator,
    deal_id: int,
    latest: Mapping[str, Any] | None = None,
    *,
    first: str | None = None,
) -> ActionsBlock:
    """A button per checklist, in the order of the sales path ("Fill" or "Update");
    ``first``: the one the deal's stage asks for, highlighted."""
    value = compact_json({"d": deal_id})
    latest = latest or {}
    return ActionsBlock(
        block_id=f"checklists_{deal_id}",
        elements=[
            ButtonElement(
                text=t(FILL_LABELS[kind][kind in latest]),
                action_id=OPEN_CHECKLIST[kind],
                value=value,
                style="primary" if kind == first else None,
            )
            for kind in cl.PATH_ORDER
        ],
    )


ACTION_HISTORY_PAGE = ids.ACTION_HISTORY_PAGE


def _page_value(deal_id: int, kind: str | None = None, page: int = 1) -> str:
    return compact_json({"d": deal_id, "k": kind, "p": page} if kind else {"d": deal_id})


def _history_nav(t: Translator, deal_id: int, p: HistoryPage, *, paged: bool) -> list:
    kind = t(cl.KIND_LABELS[p.kind])
    buttons = []
    if p.page > 1:
        buttons.append(
            ButtonElement(
                text=clip(t("Newer {kind} versions", kind=kind), 75),
                action_id=f"{ACTION_HISTORY_PAGE}_{p.kind}_newer",
                value=_page_value(deal_id, p.kind, p.page - 1),
            )
        )
    if p.older:
        buttons.append(
            ButtonElement(
                text=clip(t("Older {kind} versions", kind=kind), 75),
                action_id=f"{ACTION_HISTORY_PAGE}_{p.kind}_older",
                value=_page_value(deal_id, p.kind, p.page + 1),
            )
        )
    if paged:
        buttons.append(
            ButtonElement(
                text=t("Full history"),
                action_id=f"{ACTION_HISTORY_PAGE}_{p.kind}_all",
                value=_page_value(deal_id),
            )
        )
    return [ActionsBlock(block_id=f"history_{p.kind}", elements=buttons)] if buttons else []


#: Text in one history message: Slack refuses a message whose blocks hold more than about
#: 12,000 characters (``msg_blocks_too_long``); headings and buttons fit in the rest.
HISTORY_TEXT_BUDGET = 10_500


def _history_section(
    t: Translator,
    deal_id: int,
    deal_name: str,
    p: HistoryPage,
    *,
    paged: bool,
    locale: str,
    share: int = 2900,
) -> list:
    label = t(cl.KIND_LABELS[p.kind])
    if not p.total:
        command = {cl.SPIN: ids.CMD_SPIN, cl.BATNA: ids.CMD_BATNA}.get(p.kind)
        line = t("*{kind}* not filled yet", kind=label)
        line += f" · `{command} {deal_name}`" if command else " · " + t("fill it from the card")
        return [SectionBlock(text=md(line))]
    bits = [t("*{kind}*", kind=label), t.plural("{n} version", "{n} versions", p.total)]
    if p.pages > 1:
        bits.append(t("page {page} of {pages}", page=p.page, pages=p.pages))
    blocks: list = [SectionBlock(text=md(" · ".join(bits)))]
    for v in p.versions:
        body = _version_head(t, v) + "\n" + checklist_text(t, p.kind, v.data, locale)
        if len(body) > share:
            body = clip(body, share - 40) + "\n_" + t("(shortened to fit)") + "_"
        blocks.append(SectionBlock(text=md(body)))
    if p.older:
        more = t.plural("…and {n} older version.", "…and {n} older versions.", p.older)
        blocks.append(ContextBlock(elements=[md(more)]))
    return blocks + _history_nav(t, deal_id, p, paged=paged)


def history_reply(t: Translator, h: History) -> dict:
    """A deal's history: each checklist's versions (newest first, one page of each, with
    buttons to the older ones) and, unless ``h.paged`` (one checklist paged through), its
    meetings and notes. Each version is one section, so the message stays far below
    Block Kit's 50 blocks."""
    title = t("History of {deal}", deal=h.deal_name)
    name = escape(clip(h.deal_name, 100).replace("`", "'"))
    blocks: list = [HeaderBlock(text=clip(title, 150))]
    shown = sum(len(p.versions) for p in h.sections)
    room = HISTORY_TEXT_BUDGET - (3000 if h.activities else 0)
    share = min(2900, max(600, room // max(shown, 1)))  # each version's part of the message
    for p in h.sections:
        blocks += _history_section(
            t, h.deal_id, name, p, paged=h.paged, locale=t.locale, share=share
        )
    if h.activities:
        rows, text = [], t("*Meetings and notes*")
        for a in h.activities:
            line = activity_line(t, a, full=True)
            if len(text) + len(line) + len("\n".join(rows)) > 2900:
                rows.append(t("…more not shown."))
                break
            rows.append(line)
        blocks.append(SectionBlock(text=md(text + "\n" + "\n".join(rows))))
    elif not h.paged and not any(p.total for p in h.sections):
        blocks.append(
            SectionBlock(
                text=md(
                    t(
                        "No checklists, meetings or notes yet. Fill one with /spin {deal} "
                        "or /batna {deal}, or use the Log meeting button.",
                        deal=escape(h.deal_name),
                    )
                )
            )
        )
    blocks.append(deal_buttons(t, h.deal_id))
    return message(t("History of {deal}", deal=escape(h.deal_name)), blocks[:MAX_MESSAGE_BLOCKS])


# --- /spin and /batna: what the modal shows instead of the checklist ---------------------


def _pick_blocks(
    t: Translator,
    *,
    kind: str,
    choices: Sequence[tuple[int, str]],
    typed: str,
    suggestions: bool,
    details: Mapping | None = None,
) -> list:
    _, blocks = pick_deal_blocks(
        t,
        choices=choices,
        typed=typed,
        suggestions=suggestions,
        action_id=ids.ACTION_PICK_CHECKLIST_DEAL,
        value_of=lambda deal_id: compact_json({"k": kind, "d": deal_id}),
        details=details,
    )
    return blocks


def pick_deal_modal(
    t: Translator,
    *,
    kind: str,
    choices: Sequence[tuple[int, str]],
    typed: str,
    suggestions: bool,
    echo: str,
    metadata: str,
    details: Mapping | None = None,
) -> dict:
    """/spin or /batna named several deals, or none: pick one, and the checklist opens in
    this modal (``echo``: the user's own command; ``details``: what tells them apart)."""
    blocks = _pick_blocks(
        t, kind=kind, choices=choices, typed=typed, suggestions=suggestions, details=details
    )
    blocks.append(ContextBlock(elements=[md(echo)]))
    return modal(
        t, callback_id=ids.VIEW_NOTICE, title=t(TITLE[kind]), metadata=metadata, blocks=blocks
    )


def problem_modal(t: Translator, *, kind: str, problem: str, echo: str | None = None) -> dict:
    """The checklist cannot open: what is wrong (already translated) and the user's command."""
    blocks: list = [SectionBlock(text=md(":warning: " + problem))]
    if echo:
        blocks.append(ContextBlock(elements=[md(echo)]))
    return modal(t, callback_id=ids.VIEW_NOTICE, title=t(TITLE[kind]), blocks=blocks)


# --- the checklist modal's metadata and answers -----------------------------------------


def form_values(kind: str, data: dict, locale: str) -> dict[str, Any]:
    """Stored answers → what the modal's inputs start with."""
    if kind == cl.SPIN:
        return {cl.AWARENESS: data.get("awareness"), **(data.get("fields") or {})}
    if kind == cl.APPROACH:
        return dict(data.get("fields") or {})
    if kind == cl.FAB:
        return {
            cl.fab_field(part, n): text
            for n, row in enumerate(data.get("rows") or [], start=1)
            for part, text in row.items()
        }
    values: dict[str, Any] = {}
    for choice in cl.VALUE_FIELDS:
        money = cl.money_of(data.get(choice.key))
        values[choice.key] = format_money(money, locale) if money else None
    for key in cl.BATNA_TEXTS:
        values[key] = data.get(key)
    for key in cl.CHOICES_BY_FIELD:
        values[key] = data.get(key) or []
    return values


def modal_for(t: Translator, form: ChecklistForm, meta: dict) -> dict:
    if form.kind == cl.SPIN:
        return spin_modal(t, form, mode=meta["m"], metadata=write_meta(meta))
    if form.kind == cl.APPROACH:
        return approach_modal(t, form, metadata=write_meta(meta))
    if form.kind == cl.FAB:
        return fab_modal(t, form, order=meta["m"], metadata=write_meta(meta))
    return batna_modal(t, form, metadata=write_meta(meta))


def then_of(then: MoveRequest | None) -> dict | None:
    return None if then is None else {"kw": then.keyword, "r": then.rest, "f": then.from_stage}


def move_of(meta: dict) -> MoveRequest | None:
    then = meta.get("then")
    if not isinstance(then, dict):
        return None
    return MoveRequest(then.get("kw"), then.get("r") or "", then.get("f"))


def checklist_view(
    t: Translator,
    draft: ChecklistDraft,
    *,
    channel: str | None,
    then: MoveRequest | None = None,
    response_url: str | None = None,
) -> dict:
    """A checklist's modal for a deal, pre-filled with its latest version (a first F.A.B.
    sheet: with the needs SPIN found, in B.A.F. order after SPIN)."""
    mode = draft.data.get("mode") or cl.MODE_SPIN
    values = form_values(draft.kind, draft.data, t.locale)
    if draft.kind == cl.FAB:
        mode = cl.fab_order(draft.has_spin)
        if not draft.data:
            values = {cl.fab_field("need", n): need for n, need in enumerate(draft.spin_needs, 1)}
    meta = {
        "d": draft.deal_id,
        "n": draft.deal_name[:100],  # for display when the modal is redrawn
        "k": draft.kind,
        "o": draft.owner_id,
        "v": draft.basis.version,
        "b": draft.basis.by,
        "a": draft.basis.at.isoformat() if draft.basis.at else None,
        "m": mode,
        "c": channel,
        "cur": draft.currency,
        "then": then_of(then),
        "r": response_url,
    }
    form = ChecklistForm(
        kind=draft.kind,
        deal_id=draft.deal_id,
        deal_name=draft.deal_name,
        values=values,
        basis=draft.basis,
        currency=draft.currency,
    )
    return modal_for(t, form, meta)


def form_from_meta(meta: dict, values: dict, *, notice: str | None = None) -> ChecklistForm:
    at = datetime.fromisoformat(meta["a"]) if meta.get("a") else None
    return ChecklistForm(
        kind=meta["k"],
        deal_id=meta["d"],
        deal_name=meta.get("n") or "",
        values=values,
        basis=Basis(meta.get("v") or 0, meta.get("b"), at),
        currency=meta.get("cur") or "IDR",
        notice=notice,
    )


def refreshed(t: Translator, view: dict, form: dict, *, mode: str | None) -> dict:
    """The SPIN modal redrawn (awareness picked, or the questions' variant switched),
    keeping every answer."""
    meta = read_meta(view)
    if mode in cl.QUESTIONS_BY_MODE:
        meta["m"] = mode
    return spin_modal(t, form_from_meta(meta, form), mode=meta["m"], metadata=write_meta(meta))


def submitted(view: dict, form: dict) -> Submitted:
    """The submitted checklist modal (its metadata says which deal, kind and version)."""
    meta = read_meta(view)
    if meta.get("k") not in cl.KINDS or not meta.get("d"):
        raise InvalidInput(STALE_FORM)
    return Submitted(
        kind=meta["k"],
        deal_id=int(meta["d"]),
        values=form,
        owner_seen=meta.get("o"),
        version_seen=meta.get("v") or 0,
        mode=meta.get("m"),
    )


def newer_version_view(t: Translator, view: dict, form: dict, result: NewerVersion) -> dict:
    """Someone saved meanwhile: show it, keep this user's answers, save on the next try."""
    meta, latest = read_meta(view), result.latest
    notice = t(
        "<@{by}> saved version {v} while you were writing ({day}). Your answers are still "
        "here: Save again to make them version {n}, or Cancel to keep theirs "
        "(`/pipeline {deal} history` shows both).",
        by=latest.by if latest else "?",
        v=latest.version if latest else 0,
        day=day(t, latest.at) if latest else "",
        n=(latest.version if latest else 0) + 1,
        deal=meta.get("n") or "",
    )
    meta.update(
        v=latest.version if latest else 0,
        b=latest.by if latest else None,
        a=latest.at.isoformat() if latest else None,
        cur=result.currency,
    )
    return modal_for(t, form_from_meta(meta, form, notice=notice), meta)


def saved_reply(t: Translator, result: SavedVersion) -> dict:
    return checklist_saved_message(
        t, deal_id=result.deal_id, deal_name=result.deal_name, v=result.version, locale=t.locale
    )


def opened_view(
    t: Translator, found: ChecklistDraft | Choices, *, kind: str, channel: str | None, echo: str
) -> dict:
    """What ``/spin <deal>`` shows once the deal is looked up: its checklist, or a picker."""
    if isinstance(found, ChecklistDraft):
        return checklist_view(t, found, channel=channel)
    return pick_deal_modal(
        t,
        kind=kind,
        choices=[(c.id, c.name) for c in found.choices],
        typed=found.typed,
        suggestions=found.suggestions,
        echo=echo,
        metadata=write_meta({"k": kind, "c": channel}),
        details=found.details,
    )
