"""Block Kit for /pipeline stats and /pipeline export (pure)."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    HeaderBlock,
    SectionBlock,
)

from bot.core import metrics as m
from bot.core.errors import InvalidInput, WithUsage
from bot.core.i18n import N_, Translator
from bot.core.metrics import lost_by_reason
from bot.core.phrases import MINE_WORDS, TEAM_WORDS, period_words
from bot.usecases.stats import Export, Stats
from handlers.ui.common import clip, message, stage_text
from handlers.ui.digest import (
    context,
    md,
    metrics_fields,
    money_list,
    period_label,
    reason_label,
    section,
    went_on,
)
from handlers.ui.forecast import targets_blocks

# --- /pipeline stats and export ----------------------------------------------------------


def stats_reply(t: Translator, s: Stats) -> dict:
    pm, locale = s.period, t.locale
    who = t("team") if s.team else t("my deals")
    title = t("Pipeline stats · {period} · {who}", period=period_label(t, pm.period.key), who=who)
    totals = {c: x.value for c, x in pm.open_totals.items()}
    blocks: list = [
        HeaderBlock(text=clip(title, 150)),
        SectionBlock(fields=[md(f) for f in metrics_fields(t, pm, locale)]),
        SectionBlock(
            fields=[
                md(
                    t(
                        "*Open deals*\n{n}",
                        n=t.number(sum(x.count for x in pm.open_totals.values())),
                    )
                ),
                md(t("*Total value*\n{v}", v=money_list(totals, locale))),
                md(t("*Weighted pipeline*\n{v}", v=money_list(s.weighted, locale))),
            ]
        ),
    ]
    steps = [
        t("• {a}: {to} of {of} went on ({rate})", a=stage_text(t, c.from_stage), **went_on(t, c))
        if c.reached_from
        else t("• {a}: no deal was in it", a=stage_text(t, c.from_stage))
        for c in s.conversion
    ]
    blocks.append(
        section(
            t(
                "*Stage conversion*: of the deals created in the period that were in a stage, "
                "how many went on to a later stage or won (a skipped stage counts for nothing)"
            )
            + "\n"
            + ("\n".join(steps) if steps else t("No stages."))
        )
    )
    if s.lost:
        by_stage: dict[str, list[str]] = {}
        for row in s.lost:
            by_stage.setdefault(row.stage, []).append(f"{reason_label(t, row.reason)} {row.count}")
        lines = [
            t(
                "• lost at {stage}: {reasons}",
                stage=stage_text(t, stage),
                reasons=", ".join(reasons),
            )
            for stage, reasons in by_stage.items()
        ]
        reasons = lost_by_reason(s.lost)
        summary = ", ".join(f"{reason_label(t, k)} {n}" for k, n in reasons.items())
        blocks.append(
            section(
                t("*Where deals drop, and why*")
                + "\n"
                + "\n".join(lines)
                + "\n"
                + t("Reasons: {summary}", summary=summary)
            )
        )
    else:
        blocks.append(section(t("*Where deals drop, and why*") + "\n" + t("No deal lost.")))
    blocks += targets_blocks(t, s.targets or [], locale)  # issue 15: this month's and quarter's
    blocks.append(
        context(t("Other periods: `/pipeline stats 7d`, `30d`, `90d`, `quarter`; add `team`."))
    )
    return message(title, blocks)


def export_started_message(t: Translator, *, team: bool) -> dict:
    text = (
        t("Preparing the team's deals as CSV; they'll arrive in our DM.")
        if team
        else t("Preparing your deals as CSV; they'll arrive in our DM.")
    )
    return message(text, [section(":inbox_tray: " + text)])


def export_comment(t: Translator, *, deals: int, moves: int, team: bool) -> str:
    who = t("the team's") if team else t("your")
    return t(
        "Here is {who} pipeline: {deals} deals (deals.csv) and {moves} stage moves "
        "(stage_history.csv).",
        who=who,
        deals=deals,
        moves=moves,
    )


def stats_args(text: str) -> tuple[str, bool]:
    """``stats [7d|30d|90d|quarter] [team|mine]`` in any order: (period, team)."""
    period, team = "30d", False
    for token in period_words(text.split()[1:]):
        low = token.lower()
        if low in TEAM_WORDS:
            team = True
        elif low in MINE_WORDS:
            team = False
        else:
            try:
                period = m.parse_period(token)
            except InvalidInput as err:
                raise WithUsage(err) from None
    return period, team


def export_args(text: str) -> bool:
    """``export [team|mine]``: whether the whole team's deals are asked for."""
    words = [w.lower() for w in text.split()[1:]]
    unknown = [w for w in words if w not in TEAM_WORDS | MINE_WORDS]
    if unknown:
        raise WithUsage(
            InvalidInput(
                N_(
                    "I don't know “{word}” for /pipeline export. Write `/pipeline export` for "
                    "your deals or `/pipeline export team` for everyone's (managers)."
                ),
                word=unknown[0],
            )
        )
    return any(w in TEAM_WORDS for w in words)


def export_upload(t: Translator, done: Export, *, day: date, team: bool) -> dict:
    """``files_upload_v2``'s arguments: the two CSV files and their comment."""
    iso = day.isoformat()
    return {
        "initial_comment": export_comment(
            t, deals=done.deal_count, moves=done.move_count, team=team
        ),
        "file_uploads": [
            {"file": done.deals, "filename": f"deals-{iso}.csv", "title": t("Deals")},
            {
                "file": done.moves,
                "filename": f"stage-history-{iso}.csv",
                "title": t("Stage history"),
            },
        ],
    }
