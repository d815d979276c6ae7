"""The Home tab: my deals by stage, next steps due this week, deals gone quiet."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot import ids
from bot.core.i18n import Translator
from bot.usecases.pipeline import Home
from bot.usecases.views import DealView, StageGroup
from handlers.ui.common import MAX_VIEW_BLOCKS, clip, escape, stage_text
from handlers.ui.deals import encode_advance, money_text, totals_text
from handlers.ui.settings import language_menu

PER_STAGE = 3  # deals shown under each stage, each with a ⋯ menu (open card, advance)


def _deal_row(d: DealView, t: Translator, locale: str, note: str) -> list:
    stage = stage_text(t, d.stage)
    text = f"*{escape(d.name)}* · {stage} · {money_text(d.value, locale, t)}\n{note}"
    return [
        SectionBlock(
            text=MarkdownTextObject(text=clip(text)),
            accessory=ButtonElement(
                text=t("Open card"), action_id=ids.ACTION_OPEN_CARD, value=str(d.id)
            ),
        ),
        ActionsBlock(
            block_id=f"home_{d.id}_{abs(hash(note)) % 10_000}",
            elements=[
                ButtonElement(
                    text=t("Advance"),
                    action_id=ids.ACTION_ADVANCE_DEAL,
                    value=encode_advance(d.id, d.stage_id),
                    style="primary",
                ),
            ],
        ),
    ]


def _deal_menu(d: DealView, t: Translator) -> OverflowMenuElement:
    return OverflowMenuElement(
        action_id=ids.ACTION_HOME_DEAL,
        options=[
            Option(text=t("Open card"), value=f"card:{d.id}"),
            Option(text=t("Advance"), value="advance:" + encode_advance(d.id, d.stage_id)),
        ],
    )


def _settings_blocks(t: Translator, *, manager: bool) -> list:
    """The reader's language menu; for managers, the workspace's settings too (issue 11)."""
    blocks: list = [language_menu(t)]
    if manager:
        button = ButtonElement(
            text=t("Workspace settings"), action_id=ids.ACTION_OPEN_SETTINGS, value="settings"
        )
        blocks.append(ActionsBlock(block_id="home_settings", elements=[button]))
    return blocks


def home_view(
    t: Translator,
    *,
    groups: Sequence[StageGroup],
    due: Sequence[DealView],
    stale: Sequence[tuple[DealView, int]],
    locale: str,
    manager: bool = False,
) -> dict:
    blocks: list = [HeaderBlock(text=t("My pipeline")), *_settings_blocks(t, manager=manager)]
    total = sum(g.count for g in groups)
    if not total:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=t(
                        "You have no open deals. Add one with `/prospect Acme Corp 50jt referral`."
                    )
                )
            )
        )
    # Each stage with deals takes up to PER_STAGE + 2 blocks with menus; past a budget
    # (half the view) it takes one, leaving room for the two sections below.
    compact = sum(1 for g in groups if g.count) * (PER_STAGE + 2) > MAX_VIEW_BLOCKS // 2
    for g in groups:
        if not g.count:
            continue
        head = t(
            "*{stage}* — {n} · {value}",
            stage=stage_text(t, g.name),
            n=g.count,
            value=totals_text(g.totals, locale),
        )
        shown = g.deals[:PER_STAGE]
        more = t("…and {n} more: `/pipeline` lists them all.", n=g.count - len(shown))
        if compact:  # many stages: one block each, so the sections below still fit
            lines = [f"• {escape(d.name)} · {money_text(d.value, locale, t)}" for d in shown]
            lines += [more] if g.count > len(shown) else []
            text = clip("\n".join([head, *lines]))
            blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
            continue
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(head))))
        for d in shown:
            line = f"• {escape(d.name)} · {money_text(d.value, locale, t)}"
            blocks.append(
                SectionBlock(text=MarkdownTextObject(text=clip(line)), accessory=_deal_menu(d, t))
            )
        if g.count > len(shown):
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    sections = [
        (
            t("Next steps due this week"),
            [
                (
                    d,
                    t(
                        "Next: {step} (due {date})",
                        step=escape(clip(d.next_step or "", 200)),
                        date=t.day(d.next_step_due) if d.next_step_due else "—",
                    ),
                )
                for d in due
            ],
        ),
        (
            t("Gone quiet (14+ days, or the stage's own limit)"),
            [(d, t("Quiet for {n} days.", n=days)) for d, days in stale],
        ),
    ]
    for title, rows in sections:
        blocks += [DividerBlock(), HeaderBlock(text=title)]
        if not rows:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t("Nothing here."))]))
            continue
        room = (MAX_VIEW_BLOCKS - len(blocks) - 8) // 2
        shown = rows[: max(0, min(room, 15))]
        for d, note in shown:
            blocks += _deal_row(d, t, locale, note)
        if len(rows) > len(shown):
            blocks.append(
                ContextBlock(
                    elements=[
                        MarkdownTextObject(text=t("…and {n} more.", n=len(rows) - len(shown)))
                    ]
                )
            )
    return View(type="home", blocks=blocks[:MAX_VIEW_BLOCKS]).to_dict()


def home_reply(t: Translator, h: Home, *, manager: bool = False) -> dict:
    return home_view(t, groups=h.groups, due=h.due, stale=h.stale, locale=t.locale, manager=manager)
