"""The stage editor modal (managers): rename, reorder, probability, stale days, add, remove.

Block budget (Slack allows at most ``MAX_VIEW_BLOCKS`` blocks in a view):

- fixed: the intro context (1), the page buttons (1, only when paginated), a header and
  one name input per closed stage (Won, Lost: 1 + 2), "Add a stage" (header + name, order,
  probability: 4) — 9 blocks;
- each open stage: header, name, order, probability, stale days and, when unused, remove
  (``BLOCKS_PER_OPEN_STAGE`` = 6).

So a page holds (100 - 9) // 6 = 15 open stages, which is the cap on open stages
(``MAX_OPEN_STAGES``): at the cap the editor is one page of 1 + 15 × 6 + 3 + 4 = 98 blocks.
A workspace with more open stages (made before the cap) gets pages of at most 99 blocks;
a save changes only the stages on the page shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot import ids
from bot.core.i18n import Translator
from bot.core.stages import MAX_OPEN_STAGES, OPEN, WON, order_max
from bot.usecases.stages import StageRow, StagesSaved
from handlers.ui.common import MAX_VIEW_BLOCKS, escape, message, stage_text

#: Page buttons inside the stage editor (value: the page number to show, from 0).
ACTION_STAGES_PREV, ACTION_STAGES_NEXT = ids.ACTION_STAGES_PREV, ids.ACTION_STAGES_NEXT
BLOCK_STAGES_PAGES = ids.BLOCK_STAGES_PAGES

BLOCKS_PER_OPEN_STAGE = 6  # header, name, order, probability, stale days, remove
ADD_BLOCKS = 4  # header, name, order, probability


def field_id(kind: str, stage_id: int | str) -> str:
    return f"{kind}_{stage_id}"


def page_size(closed_count: int) -> int:
    """Open stages per page so that a page never exceeds ``MAX_VIEW_BLOCKS``."""
    fixed = 1 + 1 + (1 + closed_count if closed_count else 0) + ADD_BLOCKS
    return max(1, (MAX_VIEW_BLOCKS - fixed) // BLOCKS_PER_OPEN_STAGE)


def page_count(rows: Sequence[StageRow]) -> int:
    open_rows = sum(1 for r in rows if r.kind == OPEN)
    size = page_size(len(rows) - open_rows)
    return max(1, -(-open_rows // size))


def _number(value: int | None, lo: int, hi: int) -> NumberInputElement:
    return NumberInputElement(
        action_id=ids.INPUT,
        is_decimal_allowed=False,
        min_value=str(lo),
        max_value=str(hi),
        initial_value=None if value is None else str(min(max(value, lo), hi)),
    )


def _open_stage_blocks(t: Translator, row: StageRow, top: int) -> list:
    blocks: list = [
        HeaderBlock(text=stage_text(t, row.name)[:150]),
        InputBlock(
            block_id=field_id("name", row.id),
            label=t("Name"),
            element=PlainTextInputElement(
                action_id=ids.INPUT, initial_value=stage_text(t, row.name)[:80], max_length=80
            ),
        ),
        InputBlock(
            block_id=field_id("order", row.id),
            label=t("Order"),
            element=_number(row.position, 1, top),
        ),
        InputBlock(
            block_id=field_id("prob", row.id),
            label=t("Win probability (%)"),
            element=_number(row.probability, 0, 100),
        ),
        InputBlock(
            block_id=field_id("stale", row.id),
            optional=True,
            label=t("Stale after (days, default 14)"),
            element=_number(row.stale_days, 1, 365),
        ),
    ]
    if not row.in_use:
        blocks.append(
            InputBlock(
                block_id=field_id("remove", row.id),
                optional=True,
                label=t("Remove"),
                element=CheckboxesElement(
                    action_id=ids.INPUT,
                    options=[Option(text=t("Remove this stage"), value="remove")],
                ),
            )
        )
    return blocks


def _intro(t: Translator, open_count: int, first: int, last: int, pages: int) -> ContextBlock:
    notes = [
        t(
            "Rename, reorder (lower order comes first), set win probabilities "
            "and when a deal counts as stale. A stage can be removed only when "
            "no deal is or ever was in it; history keeps the old names."
        )
    ]
    if open_count > MAX_OPEN_STAGES:
        notes.append(
            t(
                ":warning: This workspace has {count} open stages; at most {limit} are "
                "allowed. Remove stages you no longer use before adding new ones.",
                count=open_count,
                limit=MAX_OPEN_STAGES,
            )
        )
    elif open_count == MAX_OPEN_STAGES:
        notes.append(
            t(
                "There are {limit} open stages, the most allowed: remove one to add another.",
                limit=MAX_OPEN_STAGES,
            )
        )
    if pages > 1:
        notes.append(
            t(
                "Showing open stages {first}–{last} of {count}. Save changes only the "
                "stages shown here; switching pages drops changes not yet saved.",
                first=first,
                last=last,
                count=open_count,
            )
        )
    return ContextBlock(elements=[MarkdownTextObject(text=n) for n in notes])


def _page_buttons(t: Translator, page: int, pages: int, size: int, open_count: int):
    def label(p: int) -> tuple[int, int]:
        return p * size + 1, min((p + 1) * size, open_count)

    buttons = []
    if page > 0:
        first, last = label(page - 1)
        buttons.append(
            ButtonElement(
                text=t("← Stages {first}–{last}", first=first, last=last),
                action_id=ACTION_STAGES_PREV,
                value=str(page - 1),
            )
        )
    if page < pages - 1:
        first, last = label(page + 1)
        buttons.append(
            ButtonElement(
                text=t("Stages {first}–{last} →", first=first, last=last),
                action_id=ACTION_STAGES_NEXT,
                value=str(page + 1),
            )
        )
    return ActionsBlock(block_id=BLOCK_STAGES_PAGES, elements=buttons)


def stages_modal(t: Translator, rows: Sequence[StageRow], *, page: int = 0) -> dict:
    """The editor for ``rows`` (all the workspace's stages, in order), showing one page of
    open stages; never more than ``MAX_VIEW_BLOCKS`` blocks."""
    open_rows = [r for r in rows if r.kind == OPEN]
    closed_rows = [r for r in rows if r.kind != OPEN]
    size = page_size(len(closed_rows))
    pages = page_count(rows)
    page = min(max(page, 0), pages - 1)
    shown = open_rows[page * size : (page + 1) * size]
    top = order_max(len(rows))
    first = page * size + 1
    blocks: list = [_intro(t, len(open_rows), first, first + len(shown) - 1, pages)]
    if pages > 1:
        blocks.append(_page_buttons(t, page, pages, size, len(open_rows)))
    for row in shown:
        blocks += _open_stage_blocks(t, row, top)
    if closed_rows:
        blocks.append(HeaderBlock(text=t("Won and lost")))
        for row in closed_rows:
            label = t("Name of the won stage") if row.kind == WON else t("Name of the lost stage")
            blocks.append(
                InputBlock(
                    block_id=field_id("name", row.id),
                    label=label,
                    element=PlainTextInputElement(
                        action_id=ids.INPUT,
                        initial_value=stage_text(t, row.name)[:80],
                        max_length=80,
                    ),
                )
            )
    blocks += [
        HeaderBlock(text=t("Add a stage")),
        InputBlock(
            block_id=field_id("name", "new"),
            optional=True,
            label=t("Name"),
            element=PlainTextInputElement(
                action_id=ids.INPUT, max_length=80, placeholder=t("e.g. Proposal")
            ),
        ),
        InputBlock(
            block_id=field_id("order", "new"),
            optional=True,
            label=t("Order"),
            element=_number(None, 1, top),
        ),
        InputBlock(
            block_id=field_id("prob", "new"),
            optional=True,
            label=t("Win probability (%)"),
            element=_number(None, 0, 100),
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.VIEW_STAGES,
        title=t("Edit stages"),
        submit=t("Save"),
        close=t("Cancel"),
        private_metadata=str(page),
        blocks=blocks,
    ).to_dict()


ROW_FIELD = re.compile(r"^(name|order|prob|stale|remove)_(\d+|new)$")


def page_of(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def read_stage_form(form: dict, shown_blocks: list[str]) -> tuple[dict, set[str]]:
    """The editor's answers as ``{"name:12": …}`` and the fields in the submitted view."""

    def field(block: str) -> str | None:
        m = ROW_FIELD.match(block)
        return f"{m.group(1)}:{m.group(2)}" if m else None

    values = {f: v for b, v in form.items() if (f := field(b))}
    return values, {f for b in shown_blocks if (f := field(b))}


def saved_message(t: Translator, saved: StagesSaved) -> dict:
    """The stages saved, in order; a probability lower than the stage before it is
    questioned (issue 14: probabilities usually rise along the path). Stage names are
    escaped (a manager's text)."""

    def name(stage: str) -> str:
        return escape(stage_text(t, stage))

    text = t("Stages saved: {names}.", names=" → ".join(name(n) for n in saved.names))
    for stage, low, earlier, high in saved.drops:
        text += "\n:warning: " + t(
            "{stage} ({low}) comes after {earlier} ({high}): win probabilities usually rise "
            "along the path. Is that right? `/pipeline stages` changes it.",
            stage=name(stage),
            low=t.percent(low / 100),
            earlier=name(earlier),
            high=t.percent(high / 100),
        )
    return message(text)
