"""The stage editor modal (managers): rename, reorder, probability, stale days, add, remove."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot import ids
from bot.i18n import Translator


@dataclass(frozen=True)
class StageRow:
    id: int
    name: str
    position: int
    probability: int
    kind: str
    stale_days: int | None
    in_use: bool


def field_id(kind: str, stage_id: int | str) -> str:
    return f"{kind}_{stage_id}"


def _number(value: int | None, lo: str, hi: str) -> NumberInputElement:
    return NumberInputElement(
        action_id=ids.INPUT,
        is_decimal_allowed=False,
        min_value=lo,
        max_value=hi,
        initial_value=None if value is None else str(value),
    )


def stages_modal(t: Translator, rows: Sequence[StageRow]) -> dict:
    blocks: list = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=t(
                        "Rename, reorder (lower order comes first), set win probabilities "
                        "and when a deal counts as stale. A stage can be removed only when "
                        "no deal is or ever was in it; history keeps the old names."
                    )
                )
            ]
        )
    ]
    for row in rows:
        blocks.append(HeaderBlock(text=row.name[:150]))
        blocks.append(
            InputBlock(
                block_id=field_id("name", row.id),
                label=t("Name"),
                element=PlainTextInputElement(
                    action_id=ids.INPUT, initial_value=row.name, max_length=80
                ),
            )
        )
        if row.kind == "open":
            blocks.append(
                InputBlock(
                    block_id=field_id("order", row.id),
                    label=t("Order"),
                    element=_number(row.position, "1", "99"),
                )
            )
            blocks.append(
                InputBlock(
                    block_id=field_id("prob", row.id),
                    label=t("Win probability (%)"),
                    element=_number(row.probability, "0", "100"),
                )
            )
            blocks.append(
                InputBlock(
                    block_id=field_id("stale", row.id),
                    optional=True,
                    label=t("Stale after (days, default 14)"),
                    element=_number(row.stale_days, "1", "365"),
                )
            )
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
    blocks += [
        DividerBlock(),
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
            element=_number(None, "1", "99"),
        ),
        InputBlock(
            block_id=field_id("prob", "new"),
            optional=True,
            label=t("Win probability (%)"),
            element=_number(None, "0", "100"),
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.VIEW_STAGES,
        title=t("Edit stages"),
        submit=t("Save"),
        close=t("Cancel"),
        blocks=blocks[:100],
    ).to_dict()
