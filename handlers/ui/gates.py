"""Block Kit for stage gates: the list, the managers' modal, and a move held at a gate.
Pure functions (slack_sdk models)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    SectionBlock,
)

from bot import ids
from bot.core import checklists as cl
from bot.core import gates
from bot.core.i18n import N_, Translator
from bot.usecases.stages import GateRow, Gates
from handlers.ui.common import clip, escape, message, stage_text
from handlers.ui.forms import OPEN_CHECKLIST, manager_only, md, modal, option, select_input


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
    lines = [
        f"• *{escape(stage_text(t, r.stage))}* — {gate_label(t, r.checklist, r.mode)}" for r in rows
    ]
    text = t("*Stage gates*: the checklist a deal needs before it enters a stage.")
    if saved:
        text = ":white_check_mark: " + t("Saved the stage gates.") + "\n" + text
    blocks: list = [
        SectionBlock(text=md(text + "\n" + "\n".join(lines))),
        ContextBlock(
            elements=[
                md(
                    t(
                        "A warning lets the rep fill the checklist or move anyway; "
                        "required waits for the checklist."
                    )
                )
            ]
        ),
    ]
    edit = ButtonElement(text=t("Edit gates"), action_id=ids.ACTION_EDIT_GATES, value="edit")
    blocks.append(manager_only(can_edit, "gates", edit, t("Managers can change the gates.")))
    return message(t("Stage gates"), blocks)


def gates_modal(t: Translator, rows: Sequence[GateRow]) -> dict:
    blocks: list = [
        ContextBlock(
            elements=[
                md(
                    t(
                        "For each stage, the checklist a deal needs before entering it. "
                        "Warning: the rep may move anyway. Required: the move waits."
                    )
                )
            ]
        )
    ]
    for r in rows:
        options = [option(gate_label(t, k, m), key) for key, k, m in gates.CHOICES]
        current = gates.choice_key(r.checklist, r.mode)
        blocks.append(
            select_input(
                f"{ids.BLOCK_GATE_PREFIX}{r.stage_id}",
                clip(stage_text(t, r.stage), 2000),
                options,
                current,
            )
        )
    return modal(
        t,
        callback_id=ids.VIEW_GATES,
        title=t("Stage gates"),
        submit=t("Save"),
        blocks=blocks,
    )


_REQUIRED_HOLD = N_(
    ":no_entry: *{stage}* requires a {kind} checklist before “{deal}” can enter "
    "it, and it has none yet. Fill it and the move completes."
)
_WARNING_HOLD = N_(
    ":warning: *{stage}* asks for a {kind} checklist first, and “{deal}” has "
    "none yet. Fill it and the move completes, or move anyway."
)


def gate_message(
    t: Translator,
    *,
    deal_name: str,
    stage: str,
    checklist: str | None,
    required: bool,
    value: str,
    deal_id: int | None = None,
    no_decision_maker: bool = False,
) -> dict:
    """A move held at a gate: fill the checklist (then the move completes), or move anyway;
    and (issue 14) Negotiation with no decision maker on record, a warning."""
    lines, elements = [], []
    stage = stage_text(t, stage)
    if checklist is not None:
        kind = t(cl.KIND_LABELS[checklist])
        held = _REQUIRED_HOLD if required else _WARNING_HOLD
        lines.append(t(held, stage=escape(stage), kind=kind, deal=escape(deal_name)))
        elements.append(
            ButtonElement(
                text=clip(t("Fill {kind} and move", kind=kind), 75),
                action_id=OPEN_CHECKLIST[checklist],
                value=value,
                style="primary",
            )
        )
    if no_decision_maker:
        lines.append(
            t(
                ":bust_in_silhouette: “{deal}” has no decision maker on record, and {stage} is "
                "where the decision maker signs off. Who decides? Add them as a contact (Edit) "
                "or as an attendee of a meeting (Log meeting), or move anyway.",
                deal=escape(deal_name),
                stage=escape(stage),
            )
        )
        if deal_id is not None:
            elements.append(
                ButtonElement(
                    text=t("Log meeting"), action_id=ids.ACTION_LOG_MEETING, value=str(deal_id)
                )
            )
    if not required:
        elements.append(
            ButtonElement(text=t("Move anyway"), action_id=ids.ACTION_GATE_MOVE_ANYWAY, value=value)
        )
    elements.append(ButtonElement(text=t("Cancel"), action_id=ids.ACTION_CANCEL, value="cancel"))
    text = "\n".join(lines)
    blocks = [
        SectionBlock(text=md(text)),
        ActionsBlock(block_id="gate", elements=elements),
        ContextBlock(elements=[md(t("Managers set the gates with /pipeline gates."))]),
    ]
    return message(text, blocks)


GATE_BLOCK = re.compile(rf"^{ids.BLOCK_GATE_PREFIX}(\d+)$")


def gates_reply(t: Translator, g: Gates) -> dict:
    return gates_message(t, g.rows, can_edit=g.can_edit)


def read_gates_form(form: dict) -> dict[int, str | None]:
    """``{stage_id: the menu's value}`` from the gates editor."""
    return {int(m.group(1)): v for b, v in form.items() if (m := GATE_BLOCK.match(b))}
