"""The Home tab: my deals by stage, overdue next steps, next steps due this week, deals gone
quiet; for managers, the team (by rep and stage, quiet deals, overdue next steps, this
week's moves) with a switch to their own deals."""

from __future__ import annotations

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
from bot.usecases.digest import EMPTY, DealItem
from bot.usecases.pipeline import MINE, TEAM, Home, TeamView
from bot.usecases.views import DealView
from handlers.ui.common import MAX_VIEW_BLOCKS, clip, day_text, escape, stage_text
from handlers.ui.deals import encode_advance, money_text, totals_text
from handlers.ui.forecast import targets_blocks
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


def _switch(t: Translator, h: Home) -> list:
    """A manager's switch between the team and their own deals."""
    if not h.is_manager:
        return []
    other = MINE if h.view == TEAM else TEAM
    label = t("Show my deals") if other == MINE else t("Show the team")
    return [
        ActionsBlock(
            block_id="home_switch",
            elements=[ButtonElement(text=label, action_id=ids.ACTION_HOME_VIEW, value=other)],
        )
    ]


def _item_line(t: Translator, i: DealItem, locale: str, detail: str) -> str:
    value = money_text(i.value, locale, t) if i.value else ""
    stage = stage_text(t, i.stage) if i.stage else ""
    head = " · ".join(p for p in (f"*{escape(i.name)}*", stage, value, f"<@{i.owner_id}>") if p)
    return f"• {head} — {detail}"


def team_blocks(t: Translator, team: TeamView, today, locale: str) -> list:
    """A manager's team view: by rep and stage, quiet deals, overdue next steps, the
    week's moves — one section each, so it fits the Home tab however big the team."""
    blocks: list = [HeaderBlock(text=t("Team pipeline"))]
    if not team.reps:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=t("The team has no open deals."))))
    rows = [
        f"• <@{r.owner_id}> — "
        + t.plural("{n} open deal", "{n} open deals", r.count)
        + f" · {totals_text(r.totals, locale)}\n   "
        + " · ".join(f"{escape(stage_text(t, stage))} {t.number(n)}" for stage, n in r.by_stage)
        for r in team.reps
    ]
    for start in range(0, len(rows), 10):  # 10 reps a section: within 3,000 characters
        text = "\n".join(rows[start : start + 10])
        head = t("*By rep and stage*") + "\n" if start == 0 else ""
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(head + text))))
    quiet = [
        _item_line(t, i, locale, t("quiet for {n} days", n=i.quiet_days)) for i in team.stale.items
    ]
    overdue = [
        _item_line(
            t,
            i,
            locale,
            t(
                "“{step}” was due {day}",
                step=escape(clip(i.next_step or "", 100)),
                day=day_text(t, i.due),
            ),
        )
        for i in team.overdue.items
    ]
    moves = []
    for kind, title in (
        ("new", t("new")),
        ("moved", t("moved")),
        ("won", t("won")),
        ("lost", t("lost")),
    ):
        for i in team.moves.get(kind, EMPTY).items:
            names = i.path or (i.moved_from, i.moved_to)
            path = " → ".join(stage_text(t, name) if name else "—" for name in names)
            detail = path if kind == "moved" else title
            moves.append(_item_line(t, i, locale, detail))
    for title, lines, listing_total in (
        (t("*Gone quiet* ({n})", n=team.stale.total), quiet, team.stale.more),
        (t("*Overdue next steps* ({n})", n=team.overdue.total), overdue, team.overdue.more),
        (
            t("*This week's moves* ({n})", n=sum(x.total for x in team.moves.values())),
            moves,
            sum(x.more for x in team.moves.values()),
        ),
    ):
        body = "\n".join(lines) if lines else t("Nothing here.")
        if listing_total:
            body += "\n" + t("…and {n} more (the digest lists them).", n=listing_total)
        blocks += [
            DividerBlock(),
            SectionBlock(text=MarkdownTextObject(text=clip(title + "\n" + body))),
        ]
    return blocks


def _settings_blocks(t: Translator, *, manager: bool) -> list:
    """The reader's language menu; for managers, the workspace's settings too (issue 11)."""
    blocks: list = [language_menu(t)]
    if manager:
        button = ButtonElement(
            text=t("Workspace settings"), action_id=ids.ACTION_OPEN_SETTINGS, value="settings"
        )
        blocks.append(ActionsBlock(block_id="home_settings", elements=[button]))
    return blocks


def home_reply(t: Translator, h: Home, *, manager: bool = False) -> dict:
    """The Home tab from the use case's ``Home``. A Block Kit builder: the stages, then the
    overdue, due and quiet sections, each cut to fit the view's block limit (longer than a
    screen for that reason). ``manager``: the workspace's settings are offered too
    (``Home.is_manager`` says it as well)."""
    locale, view = t.locale, h.view
    settings = _settings_blocks(t, manager=manager or h.is_manager)
    switch = [*_switch(t, h), *targets_blocks(t, h.targets, locale)]
    team = team_blocks(t, h.team, h.today, locale) if h.team is not None else []
    if team:  # a manager's team view: the switch, the settings, then the team
        blocks = [*switch, *settings, *team]
        return View(type="home", private_metadata=view, blocks=blocks[:MAX_VIEW_BLOCKS]).to_dict()
    blocks: list = [HeaderBlock(text=t("My pipeline")), *settings, *switch]
    groups, overdue, due, stale = h.groups, h.overdue, h.due, h.stale
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
    # (half the view) it takes one, leaving room for the sections below.
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

    def step(d: DealView, late: bool) -> str:
        when = day_text(t, d.next_step_due) if d.next_step_due else "—"
        text = escape(clip(d.next_step or "", 200))
        if late:
            return t(":warning: Next: {step} (overdue since {date})", step=text, date=when)
        return t("Next: {step} (due {date})", step=text, date=when)

    sections = [
        (t("Overdue next steps"), [(d, step(d, True)) for d in overdue], False),
        (t("Next steps due this week"), [(d, step(d, False)) for d in due], True),
        (
            t("Gone quiet (14+ days, or the stage's own limit)"),
            [(d, t("Quiet for {n} days.", n=days)) for d, days in stale],
            True,
        ),
    ]
    for title, rows, always in sections:
        if not rows and not always:
            continue
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
    return View(type="home", private_metadata=view, blocks=blocks[:MAX_VIEW_BLOCKS]).to_dict()


def shown_view(view: dict) -> str | None:
    """Which Home tab a published view shows (``mine`` or ``team``), from its metadata."""
    shown = (view or {}).get("private_metadata")
    return shown if shown in (MINE, TEAM) else None
