"""Block Kit for ``/pipeline forecast``, ``/pipeline target`` and the targets modal, and the
targets section that stats, the Home tab and the digest show (pure builders, issue 15)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from slack_sdk.models.blocks import (
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)

from bot import ids
from bot.core.errors import InvalidInput, WithUsage
from bot.core.forecast import Attainment, Bucket, Span, parse_span
from bot.core.i18n import N_, Translator
from bot.core.money import SUPPORTED_CURRENCIES, Money, format_money, format_money_short
from bot.core.phrases import MENTION_RE, MINE_WORDS, TEAM_WORDS
from bot.usecases.forecast import ForecastResult, TargetSet, TargetsForm
from bot.usecases.settings import WorkspaceSettings
from handlers.ui.common import clip, message, notice, write_meta
from handlers.ui.forms import modal, option, select_input


def money_list(values: dict[str, Money], locale: str, *, short: bool = False) -> str:
    """Amounts per currency, never added up (as ``handlers.ui.digest.money_list``, which
    imports this module's targets section)."""
    fmt = format_money_short if short else format_money
    return " + ".join(fmt(values[c], locale) for c in sorted(values)) or "—"


TARGETS_SHOWN = 12  # reps listed in a targets section (the rest counted)


def span_text(t: Translator, span: Span) -> str:
    """``Q1 2027`` / ``K1 2027``; a month in the reader's words: ``March 2027`` / ``Maret 2027``."""
    if span.is_quarter:
        return t("Q{n} {year}", n=span.quarter, year=span.start.year)
    return month_text(t, span.start)


def month_text(t: Translator, first: date) -> str:
    return format_date(first, "LLLL y", locale=t.locale)


def forecast_args(text: str, *, today: date) -> tuple[Span, bool]:
    """``forecast [period] [team|mine]`` (the words in any order): the span and whether the
    team's is asked for."""
    words = text.split()[1:]
    team = any(w.lower() in TEAM_WORDS for w in words)
    rest = [w for w in words if w.lower() not in TEAM_WORDS | MINE_WORDS]
    try:
        return parse_span(" ".join(rest), today=today), team
    except InvalidInput as err:
        raise WithUsage(err) from None


NO_REP = N_(
    "Name the rep with a mention: `/pipeline target @maria 500jt Q1` (an amount, then a "
    "month or a quarter; none: this quarter). `/pipeline target @maria off Q1` removes it."
)


def target_args(text: str) -> tuple[str, str]:
    """``target @rep 500jt [Q1]`` → (the rep's user id, ``500jt Q1``)."""
    words = text.split(maxsplit=1)
    rest = words[1] if len(words) > 1 else ""
    found = MENTION_RE.findall(rest)
    if len(found) != 1:
        raise WithUsage(InvalidInput(NO_REP))
    return found[0], MENTION_RE.sub(" ", rest).strip()


def _bucket_line(t: Translator, b: Bucket, locale: str) -> str:
    if not b.count:
        return t("no deals")
    return t(
        "{deals} · {value} · weighted {weighted}",
        deals=t.plural("{n} deal", "{n} deals", b.count),
        value=money_list(b.value, locale, short=True),
        weighted=money_list(b.weighted, locale, short=True),
    )


def attainment_line(t: Translator, a: Attainment, locale: str) -> str:
    """``<@U1> · Q1 2027: won Rp120 jt of Rp500 jt (24%) · gap Rp380 jt, the weighted
    pipeline closing in it (Rp150 jt) covers 39%``."""
    head = t(
        "<@{owner}> · {span}: won {won} of {target} ({rate})",
        owner=a.owner_id,
        span=span_text(t, a.span),
        won=format_money_short(a.won, locale),
        target=format_money_short(a.target, locale),
        rate=t.percent(a.rate),
    )
    if a.coverage is None:
        return head + " · " + t(":tada: target reached")
    return (
        head
        + " · "
        + t(
            "gap {gap}; the weighted pipeline closing in it ({weighted}) covers {share}",
            gap=format_money_short(a.gap, locale),
            weighted=format_money_short(a.weighted, locale),
            share=t.percent(min(a.coverage, 1.0)),
        )
    )


def targets_text(t: Translator, rows: list[Attainment], locale: str) -> str:
    """The targets section's text (empty: no targets)."""
    if not rows:
        return ""
    lines = [t("*Targets*")] + ["• " + attainment_line(t, a, locale) for a in rows[:TARGETS_SHOWN]]
    if len(rows) > TARGETS_SHOWN:
        lines.append(t("…and {n} more.", n=len(rows) - TARGETS_SHOWN))
    return clip("\n".join(lines))


def targets_blocks(t: Translator, rows: list[Attainment], locale: str) -> list:
    """One section (stats, the Home tab, the digest, the forecast); none without targets."""
    text = targets_text(t, rows, locale)
    return [SectionBlock(text=MarkdownTextObject(text=text))] if text else []


NO_TARGETS = N_(
    "No targets for {span} yet. Managers set them with `/pipeline target @rep 500jt Q1` or "
    "in `/pipeline settings`."
)
OTHER_PERIODS = N_(
    "Other periods: `/pipeline forecast next quarter`, `Q2 2027`, `March`; add `team`."
)


def forecast_reply(t: Translator, r: ForecastResult) -> dict:
    f, locale = r.forecast, t.locale
    who = t("team") if r.team else t("my deals")
    title = t("Forecast · {span} · {who}", span=span_text(t, f.span), who=who)
    months = [f"*{month_text(t, m)}* — {_bucket_line(t, b, locale)}" for m, b in f.months]
    blocks: list = [
        HeaderBlock(text=clip(title, 150)),
        SectionBlock(
            text=MarkdownTextObject(
                text=t("*Open deals by expected close month*") + "\n" + "\n".join(months)
            )
        ),
        SectionBlock(
            fields=[
                MarkdownTextObject(
                    text=t(
                        "*Closing in {span}*\n{v}",
                        span=span_text(t, f.span),
                        v=money_list(f.total.value, locale),
                    )
                ),
                MarkdownTextObject(
                    text=t(
                        "*Weighted* (× win probability)\n{v}",
                        v=money_list(f.total.weighted, locale),
                    )
                ),
            ]
        ),
        SectionBlock(
            text=MarkdownTextObject(
                text=t("*No close date*: {line}", line=_bucket_line(t, f.undated, locale))
                + "\n"
                + t(
                    "*Overdue* (close date before {month}): {line}",
                    month=month_text(t, f.this_month),
                    line=_bucket_line(t, f.overdue, locale),
                )
            )
        ),
        *targets_blocks(t, r.targets, locale),
    ]
    if not r.targets:
        blocks.append(context(t(NO_TARGETS, span=span_text(t, f.span))))
    blocks.append(context(t(OTHER_PERIODS)))
    fallback = f"{title}: {money_list(f.total.value, locale)}"
    return message(fallback, blocks)


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text))])


def target_set_reply(t: Translator, r: TargetSet) -> dict:
    span = span_text(t, r.span)
    if r.amount is None:
        if r.before is None:
            return notice(t("<@{owner}> had no target for {span}.", owner=r.owner_id, span=span))
        return notice(
            t(
                ":white_check_mark: Removed <@{owner}>'s target for {span} ({before}).",
                owner=r.owner_id,
                span=span,
                before=format_money(r.before, t.locale),
            )
        )
    text = t(
        ":dart: Target for <@{owner}> in {span}: {amount}.",
        owner=r.owner_id,
        span=span,
        amount=format_money(r.amount, t.locale),
    )
    if r.before is not None and r.before != r.amount:
        text += " " + t("(It was {before}.)", before=format_money(r.before, t.locale))
    return notice(
        text + "\n" + t("`/pipeline forecast {key}` shows how it stands.", key=r.span.key)
    )


# --- the targets modal (pushed from /pipeline settings) --------------------------------


def targets_modal(t: Translator, form: TargetsForm, *, channel: str | None = None) -> dict:
    periods = [option(span_text(t, s), s.key) for s in form.spans]
    currencies = [option(c, c) for c in SUPPORTED_CURRENCIES]
    blocks = [
        InputBlock(
            block_id=ids.BLOCK_TARGET_REP,
            label=t("Rep"),
            element=UserSelectElement(action_id=ids.INPUT, placeholder=t("Pick a rep")),
        ),
        InputBlock(
            block_id=ids.BLOCK_TARGET_PERIOD,
            label=t("Month or quarter"),
            element=StaticSelectElement(
                action_id=ids.INPUT, options=periods, initial_option=periods[0]
            ),
        ),
        InputBlock(
            block_id=ids.BLOCK_VALUE,
            label=t("Target"),
            hint=t("What the rep should win in the period, like 500jt or Rp 2,5 M."),
            element=PlainTextInputElement(action_id=ids.INPUT, placeholder="500jt"),
        ),
        select_input(ids.BLOCK_CURRENCY, t("Currency"), currencies, form.currency),
    ]
    return modal(
        t,
        callback_id=ids.VIEW_TARGETS,
        title=t("Sales targets"),
        blocks=blocks,
        metadata=write_meta({"channel": channel}),
        submit=t("Save"),
    )


def read_targets_form(form: dict) -> dict:
    """The submitted targets modal as the use case's keyword arguments."""
    return {
        "owner_id": form.get(ids.BLOCK_TARGET_REP) or "",
        "period": form.get(ids.BLOCK_TARGET_PERIOD) or "",
        "amount": form.get(ids.BLOCK_VALUE) or "",
        "currency": form.get(ids.BLOCK_CURRENCY) or "",
    }


# --- who sees the team: the settings modal's part (issue 15, item 6) --------------------


def team_view_label(t: Translator, view: str) -> str:
    if view == "managers":
        return t("Managers only (reps see their own)")
    return t("Everyone")


def settings_blocks(t: Translator, current: WorkspaceSettings) -> list:
    """Who may see the team's pipeline, stats, forecast and export; and the targets."""
    options = [option(team_view_label(t, v), v) for v in ("everyone", "managers")]
    return [
        select_input(
            ids.BLOCK_TEAM_VIEW,
            t("Who sees the team's pipeline"),
            options,
            current.team_view,
            hint=t(
                "The team's pipeline, stats, forecast and export (/pipeline team, stats team, "
                "forecast team). Reps always see their own deals."
            ),
        ),
        SectionBlock(
            text=MarkdownTextObject(
                text=t("*Sales targets*: what each rep should win in a month or a quarter.")
            ),
            accessory=ButtonElement(
                text=t("Targets"), action_id=ids.ACTION_OPEN_TARGETS, value="targets"
            ),
        ),
    ]


def read_team_view(form: dict) -> str | None:
    """The settings modal's choice (None: the modal had no such field)."""
    return form.get(ids.BLOCK_TEAM_VIEW) or None


def team_view_line(t: Translator, view: str) -> str:
    return t("Who sees the team's pipeline: {who}.", who=team_view_label(t, view))
