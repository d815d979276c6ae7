"""Block Kit for digests, reminders, stats and export: pure functions of the domain's data
(no database, no API calls), so they are tested by value."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, get_day_names
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    ImageBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot import ids
from bot.core import checklists as cl
from bot.core.checklists import closing_technique
from bot.core.errors import InvalidInput, WithUsage
from bot.core.i18n import Translator
from bot.core.metrics import ConversionStep, PeriodMetrics
from bot.core.money import Money, format_money, format_money_short
from bot.core.quickadd import NOT_MENTIONED
from bot.core.reasons import LOST_REASONS
from bot.core.slots import DAYS, WORKDAYS, Schedule, parse_schedule
from bot.usecases.delivery import Outcome
from bot.usecases.digest import EMPTY, DealItem, Digest, FullList, Listing
from bot.usecases.subscriptions import Status, Subscribed
from handlers.ui.chart import FunnelRow
from handlers.ui.common import (
    MAX_MESSAGE_BLOCKS,
    STALE_FORM,
    clip,
    compact_json,
    day_text,
    escape,
    message,
    notice,
    read_sealed,
    stage_text,
    write_sealed,
)
from handlers.ui.forecast import targets_blocks
from handlers.ui.people import digest_leaver_blocks

MAX_BLOCKS = MAX_MESSAGE_BLOCKS


def md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(text))


def section(text: str, **kw) -> SectionBlock:
    return SectionBlock(text=md(text), **kw)


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[md(text)])


# --- words for schedules and dates ------------------------------------------------------


def weekdays_text(t: Translator, weekdays: tuple[str, ...] | str) -> str:
    days = tuple(weekdays.split(",")) if isinstance(weekdays, str) else tuple(weekdays)
    names = get_day_names("abbreviated", locale=t.locale)
    if days == DAYS:
        return t("every day")
    idx = [DAYS.index(d) for d in days]
    if len(idx) > 2 and idx == list(range(idx[0], idx[-1] + 1)):
        return f"{names[idx[0]]}–{names[idx[-1]]}"
    if days == WORKDAYS:
        return f"{names[0]}–{names[4]}"
    return ", ".join(names[i] for i in idx)


def scope_text(t: Translator, owners: list[str] | tuple[str, ...]) -> str:
    if not owners:
        return t("the whole team")
    return t("deals of {people}", people=", ".join(f"<@{u}>" for u in owners))


def when_text(t: Translator, when: datetime | None, tz: str) -> str:
    if when is None:
        return t("not scheduled")
    return format_datetime(when, "EEE d MMM, HH:mm", tzinfo=ZoneInfo(tz), locale=t.locale)


def schedule_line(t: Translator, *, at: str, tz: str, weekdays, owners) -> str:
    return t(
        "{at} ({tz}), {days}, for {scope}",
        at=at,
        tz=tz,
        days=weekdays_text(t, weekdays),
        scope=scope_text(t, owners),
    )


# --- /digest here, status, off ----------------------------------------------------------


def language_line(t: Translator, language: str | None) -> str:
    """In which language the channel's digest is written (issue 11)."""
    return t(
        "Written in {language}; choose with `/digest here … bahasa id` or `bahasa en`.",
        language=t.language(language),
    )


def subscribed_message(
    t: Translator,
    *,
    channel_id: str,
    at: str,
    tz: str,
    weekdays,
    owners,
    next_at,
    changed: bool,
    language: str | None = None,
    wins: bool = False,
) -> dict:
    head = (
        t(
            "Changed: <#{channel}> gets the pipeline digest at {schedule}.",
            channel=channel_id,
            schedule=schedule_line(t, at=at, tz=tz, weekdays=weekdays, owners=owners),
        )
        if changed
        else t(
            "Done: <#{channel}> gets the pipeline digest at {schedule}.",
            channel=channel_id,
            schedule=schedule_line(t, at=at, tz=tz, weekdays=weekdays, owners=owners),
        )
    )
    nxt = t("Next one: {when}.", when=when_text(t, next_at, tz))
    tips = t("Try it now with `/digest now`; stop it with `/digest off`.")
    blocks = [
        section(":white_check_mark: " + head),
        context(nxt + " " + language_line(t, language) + " " + tips),
        context(wins_text(t, wins)),
    ]
    return message(head + " " + nxt, blocks)


def wins_text(t: Translator, wins: bool) -> str:
    if wins:
        return ":trophy: " + t(
            "Won deals are announced here as they happen, with their value and the closing "
            "technique. Leave out `wins` from `/digest here` to stop it."
        )
    return t("Add `wins` to `/digest here` to announce won deals here as they happen.")


def status_message(
    t: Translator,
    *,
    channel_id: str,
    at: str | None,
    tz: str | None,
    weekdays=None,
    owners=(),
    next_at: datetime | None = None,
    last_at: datetime | None = None,
    language: str | None = None,
    wins: bool = False,
) -> dict:
    if at is None or tz is None:
        text = t(
            "<#{channel}> has no digest. Subscribe it with `/digest here [HH:MM] [timezone] "
            "[weekdays]`, e.g. `/digest here 08:30 Asia/Jakarta mon-fri`.",
            channel=channel_id,
        )
        return notice(text)
    text = t(
        "<#{channel}> gets the pipeline digest at {schedule}.",
        channel=channel_id,
        schedule=schedule_line(t, at=at, tz=tz, weekdays=weekdays, owners=owners),
    )
    facts = [t("Next one: {when}.", when=when_text(t, next_at, tz))]
    facts.append(
        t("Last posted: {when}.", when=when_text(t, last_at, tz))
        if last_at
        else t("Not posted yet.")
    )
    facts.append(language_line(t, language))
    blocks = [section(text), context(" ".join(facts)), context(wins_text(t, wins))]
    return message(text + " " + " ".join(facts), blocks)


def stopped_message(t: Translator, *, channel_id: str, stopped: bool) -> dict:
    text = (
        t(
            "Stopped the digest in <#{channel}>. Start it again with `/digest here`.",
            channel=channel_id,
        )
        if stopped
        else t("<#{channel}> has no digest to stop.", channel=channel_id)
    )
    return notice(text)


def invite_problem(t: Translator, *, bot_user_id: str | None) -> str:
    bot = f"<@{bot_user_id}>" if bot_user_id else "@salespath"
    return t(
        "I'm not in this channel, so I can't post here. Invite me with `/invite {bot}`, "
        "then run the command again.",
        bot=bot,
    )


def not_a_channel_problem(t: Translator) -> str:
    return t(
        "A digest goes to a channel. Run `/digest here` in the channel where the team "
        "should read it."
    )


# --- numbers ----------------------------------------------------------------------------


def money_list(values: dict[str, Money], locale: str, *, short: bool = False) -> str:
    """Amounts per currency, never added up: ``Rp120.000.000 + $5,000``."""
    fmt = format_money_short if short else format_money
    return " + ".join(fmt(values[c], locale) for c in sorted(values)) or "—"


def percent(rate: float | None, t: Translator | None = None) -> str:
    """A share as a whole percentage, written for the reader (``71%``)."""
    return (t or Translator()).percent(rate)


def went_on(t: Translator, c: ConversionStep) -> dict[str, str]:
    """A conversion step's numbers for a message: how many deals went on (``to``) of how
    many were in the stage (``of``), and the ``rate``."""
    return {
        "to": t.number(c.reached_to),
        "of": t.number(c.reached_from),
        "rate": percent(c.rate, t),
    }


def days_text(t: Translator, days: float | None) -> str:
    if days is None:
        return "—"
    return t("{n} days", n=t.number(round(days, 1)))


def reason_label(t: Translator, key: str | None) -> str:
    found = next((r for r in LOST_REASONS if r.key == key), None)
    return t(found.label) if found else t("no reason given")


def period_label(t: Translator, key: str) -> str:
    labels = {
        "7d": t("last 7 days"),
        "30d": t("last 30 days"),
        "90d": t("last 90 days"),
        "quarter": t("this quarter so far"),
    }
    return labels.get(key, key)


def metrics_fields(t: Translator, pm: PeriodMetrics, locale: str) -> list[str]:
    rate = pm.win_rate
    win = t(
        "*Win rate*\n{rate} ({won} won, {lost} lost)",
        rate=percent(rate.rate, t),
        won=rate.won,
        lost=rate.lost,
    )
    ttc = pm.time_to_close
    close = t(
        "*Time to close*\n{mean} (median {median})",
        mean=days_text(t, ttc.mean_days),
        median=days_text(t, ttc.median_days),
    )
    speed = {c: v for c, v in pm.velocity.items() if v is not None}
    velocity = (
        t("*Velocity*\n{value} a day", value=money_list(speed, locale, short=True))
        if speed
        else t("*Velocity*\n— (no deal won)")
    )
    size = t("*Average deal size*\n{value}", value=money_list(pm.average_deal_size, locale))
    return [win, size, close, velocity]


# --- the digest -------------------------------------------------------------------------

CHANGE_ICONS = {"new": ":new:", "moved": ":arrow_right:", "won": ":trophy:", "lost": ":x:"}


def more_line(t: Translator, listing: Listing) -> str:
    return t("…and {n} more", n=listing.more) if listing.more else ""


def _card_buttons(t: Translator, items: list[DealItem], block_id: str) -> ActionsBlock | None:
    """Deal names as buttons that open each deal's card."""
    unique = list({i.id: i for i in items}.values())[:10]
    if not unique:
        return None
    return ActionsBlock(
        block_id=block_id,
        elements=[
            ButtonElement(
                text=clip(i.name, 70), action_id=f"{ids.ACTION_DIGEST_CARD}_{n}", value=str(i.id)
            )
            for n, i in enumerate(unique)
        ],
    )


def _change_line(t: Translator, kind: str, item: DealItem, locale: str) -> str:
    name = f"*{escape(item.name)}*"
    value = format_money_short(item.value, locale) if item.value else ""
    if kind == "moved":  # the whole path it took, not only its last step
        path = item.path or (item.moved_from, item.moved_to)
        detail = " → ".join(stage_text(t, p) for p in path)
    elif kind == "lost":
        detail = reason_label(t, item.lost_reason)
    elif kind == "won" and closing_technique(item.technique):
        detail = t(
            "{stage}, with {technique}",
            stage=stage_text(t, item.stage),
            technique=t(closing_technique(item.technique).label),
        )
    else:
        detail = stage_text(t, item.stage)
    return " · ".join(p for p in (name, detail, value, f"<@{item.owner_id}>") if p)


def _changes_section(t: Translator, d: Digest, locale: str) -> list:
    titles = {
        "new": t("New"),
        "moved": t("Moved"),
        "won": t("Won"),
        "lost": t("Lost"),
    }
    lines: list[str] = []
    for kind in CHANGE_ICONS:
        listing = d.changes.get(kind)
        if not listing or not listing.total:
            continue
        lines.append(f"{CHANGE_ICONS[kind]} *{titles[kind]} ({listing.total})*")
        lines += [f"• {_change_line(t, kind, i, locale)}" for i in listing.items]
        if listing.more:
            lines.append(more_line(t, listing))
    head = (
        t(
            "*In the last 24 hours* (since {since}; the first digest here)",
            since=when_text(t, d.since, d.tz),
        )
        if d.first
        else t("*Since the last digest* ({since})", since=when_text(t, d.since, d.tz))
    )
    if not lines:
        return [section(head + "\n" + t("No new deals, moves, wins or losses."))]
    blocks: list = [section(head + "\n" + "\n".join(lines))]
    items = [i for k in CHANGE_ICONS for i in d.changes.get(k, EMPTY).items]
    cards = _card_buttons(t, items, "digest_cards_changes")
    return blocks + ([cards] if cards else [])


def _slipped_section(t: Translator, d: Digest, locale: str) -> list:
    if not d.slipped.total:
        return []
    lines = [
        t(
            "• *{name}* · {was} → {now} · <@{owner}>",
            name=escape(i.name),
            was=day_text(t, i.close_was),
            now=day_text(t, i.close_now),
            owner=i.owner_id,
        )
        if i.close_now is not None
        else t(
            "• *{name}* · {was} passed, still open · <@{owner}>",
            name=escape(i.name),
            was=day_text(t, i.close_was),
            owner=i.owner_id,
        )
        for i in d.slipped.items
    ]
    if d.slipped.more:
        lines.append(more_line(t, d.slipped))
    head = t(":calendar: *Close dates slipped ({n})*", n=d.slipped.total)
    cards = _card_buttons(t, d.slipped.items, "digest_cards_slipped")
    return [section(head + "\n" + "\n".join(lines))] + ([cards] if cards else [])


def _nudge(t: Translator, item: DealItem, why: str) -> ButtonElement:
    return ButtonElement(
        text=t("Nudge owner"),
        action_id=ids.ACTION_NUDGE,
        value=compact_json({"deal": item.id, "why": why}),
    )


def _attention_line(t: Translator, item: DealItem, why: str, locale: str) -> str:
    value = format_money_short(item.value, locale) if item.value else ""
    head = " · ".join(p for p in (f"*{escape(item.name)}*", stage_text(t, item.stage), value) if p)
    if why == "stale":
        detail = t("no activity for {n} days · <@{owner}>", n=item.quiet_days, owner=item.owner_id)
    else:
        detail = t(
            "“{step}” was due {day} · <@{owner}>",
            step=escape(clip(item.next_step or "", 120)),
            day=day_text(t, item.due),
            owner=item.owner_id,
        )
    if item.completion:
        detail += f" · {item.completion}"
    if item.asks_for:
        detail += "\n" + asks_for_text(t, item)
    return head + "\n" + detail


def asks_for_text(t: Translator, item: DealItem) -> str:
    """The checklist a deal's stage asks for, missing: asked, not just shown as "—"."""
    return ":clipboard: " + t(
        "{stage} asks for {kind}: fill it from the deal's card.",
        stage=stage_text(t, item.stage),
        kind=t(cl.KIND_LABELS[item.asks_for]),
    )


def see_all_button(t: Translator, why: str, listing: Listing, d: Digest) -> ButtonElement:
    """ "See all" when a list was cut short: the whole list, privately, for whoever asks."""
    return ButtonElement(
        text=t("See all {n}", n=listing.total),
        action_id=ids.ACTION_DIGEST_ALL,
        value=write_sealed({"w": why, "o": list(d.owners), "z": d.tz}),
    )


def see_all_args(value: object) -> tuple[str, tuple[str, ...], str]:
    """A "See all" button's list (``stale`` | ``overdue``), owners and timezone; a value the
    app did not write is refused (``STALE_FORM``)."""
    p = read_sealed(value)
    why, owners, tz = p.get("w"), p.get("o") or [], p.get("z") or "UTC"
    if (
        why not in ("stale", "overdue")
        or not isinstance(owners, list)
        or not all(isinstance(o, str) for o in owners)
        or not isinstance(tz, str)
    ):
        raise InvalidInput(STALE_FORM)
    return why, tuple(owners), tz


def _attention_section(t: Translator, d: Digest, locale: str) -> list:
    blocks: list = []
    for why, listing, title in (
        ("stale", d.stale, t(":hourglass: *Stale deals ({n})*", n=d.stale.total)),
        ("overdue", d.overdue, t(":alarm_clock: *Overdue next steps ({n})*", n=d.overdue.total)),
    ):
        if not listing.total:
            continue
        blocks.append(section(title))
        blocks += [
            section(_attention_line(t, i, why, locale), accessory=_nudge(t, i, why))
            for i in listing.items
        ]
        cards = _card_buttons(t, listing.items, f"digest_cards_{why}")
        if listing.more:
            blocks.append(context(more_line(t, listing)))
            if cards is not None and len(cards.elements) < 25:
                cards.elements.append(see_all_button(t, why, listing, d))
            else:
                cards = ActionsBlock(
                    block_id=f"digest_all_{why}", elements=[see_all_button(t, why, listing, d)]
                )
        if cards:
            blocks.append(cards)
    if d.snoozed.total:
        lines = [
            t(
                "• *{name}* until {day} — {reason} · <@{owner}>",
                name=escape(i.name),
                day=day_text(t, i.snoozed_until),
                reason=escape(clip(i.snooze_reason or "", 200)) or t("no reason given"),
                owner=i.owner_id,
            )
            for i in d.snoozed.items
        ]
        if d.snoozed.more:
            lines.append(more_line(t, d.snoozed))
        head = t(":zzz: *Snoozed ({n})*", n=d.snoozed.total)
        blocks.append(section(head + "\n" + "\n".join(lines)))
    if not blocks:
        blocks.append(section(t(":white_check_mark: No stale deals and no overdue next steps.")))
    return blocks


def _stage_lines(t: Translator, d: Digest, locale: str) -> str:
    lines = []
    for s in d.stages:
        value = money_list(s.value, locale, short=True) if s.value else ""
        deals = t.plural("{n} deal", "{n} deals", s.count)
        lines.append(" · ".join(p for p in (f"*{stage_text(t, s.name)}*", deals, value) if p))
    return "\n".join(lines)


def digest_message(t: Translator, d: Digest, *, locale: str) -> dict:
    """The digest as one message (within Slack's 50 blocks and 3 000 characters a text)."""
    title = t("Pipeline digest · {day}", day=day_text(t, d.today))
    scope = scope_text(t, d.owners)
    totals = {c: x.value for c, x in d.totals.items()}
    blocks: list = [
        HeaderBlock(text=clip(title, 150)),
        context(
            t(
                "For {scope} · as of {when} ({tz})",
                scope=scope,
                when=when_text(t, d.now, d.tz),
                tz=d.tz,
            )
        ),
    ]
    if not d.open_count and not any(x.total for x in d.changes.values()):
        blocks.append(section(t("No open deals yet. Add one with `/prospect Acme Corp 50jt`.")))
    else:
        blocks.append(section(t("*Open pipeline*") + "\n" + _stage_lines(t, d, locale)))
        blocks.append(
            SectionBlock(
                fields=[
                    md(t("*Open deals*\n{n}", n=t.number(d.open_count))),
                    md(t("*Total value*\n{v}", v=money_list(totals, locale))),
                    md(t("*Weighted pipeline*\n{v}", v=money_list(d.weighted, locale))),
                ]
            )
        )
    blocks.append(
        section(t("*{period}*", period=period_label(t, d.period.period.key).capitalize()))
    )
    blocks.append(SectionBlock(fields=[md(f) for f in metrics_fields(t, d.period, locale)]))
    blocks.append(DividerBlock())
    blocks += _changes_section(t, d, locale)
    blocks += _slipped_section(t, d, locale)
    blocks += targets_blocks(t, d.targets, locale)  # issue 15: attainment, one section
    blocks.append(DividerBlock())
    blocks += _attention_section(t, d, locale)
    blocks += digest_leaver_blocks(t, d.extra.get("leavers") or [])  # issue 15
    blocks.append(
        context(t("Deal names open their card. “Nudge owner” sends the owner a DM (managers)."))
    )
    fallback = t.plural(
        "{title}: {n} open deal, {value}.",
        "{title}: {n} open deals, {value}.",
        d.open_count,
        title=title,
        value=money_list(totals, locale),
    )
    return message(fallback, blocks[:MAX_BLOCKS], unfurl_links=False, unfurl_media=False)


def full_list_message(t: Translator, f: FullList) -> dict:
    """ "See all": every stale deal (or overdue next step) of the digest, a few a section."""
    title = (
        t(":alarm_clock: *Overdue next steps ({n})*", n=f.listing.total)
        if f.why == "overdue"
        else t(":hourglass: *Stale deals ({n})*", n=f.listing.total)
    )
    why = "overdue" if f.why == "overdue" else "stale"
    lines = [_attention_line(t, i, why, t.locale) for i in f.listing.items]
    blocks: list = [section(title)]
    for start in range(0, len(lines), 10):  # ten a section: within 3,000 characters
        blocks.append(section("\n\n".join(lines[start : start + 10])))
    if f.listing.more:
        blocks.append(context(more_line(t, f.listing)))
    if not lines:
        blocks.append(section(t("Nothing here any more.")))
    return message(title, blocks[:MAX_BLOCKS])


def funnel_rows(t: Translator, d: Digest, locale: str) -> list[FunnelRow]:
    """The chart's rows: open deals and value per stage, and conversion to the next."""
    by_from = {c.from_stage: c for c in d.conversion}
    rows = []
    for s in d.stages:
        step = by_from.get(s.name)
        rate = step.rate if step else None
        label = None
        if step is not None:
            label = (
                f"{percent(rate, t)} ({t.number(step.reached_to)}/{t.number(step.reached_from)})"
                if step.reached_from
                else "—"
            )
        rows.append(
            FunnelRow(
                stage=stage_text(t, s.name),
                count=s.count,
                value=money_list(s.value, locale, short=True) if s.value else "",
                conversion=label,
                rate=rate,
            )
        )
    return rows


def chart_alt_text(t: Translator, d: Digest, locale: str) -> str:
    """The funnel in words, for a screen reader (the image block's ``alt_text``, at most
    2,000 characters): each stage's open deals and value, then each stage's conversion."""
    stages = []
    for row in funnel_rows(t, d, locale):
        deals = t.plural("{n} deal", "{n} deals", row.count)
        stages.append(f"{row.stage} {deals}" + (f" ({row.value})" if row.value else ""))
    went = [
        t("{stage} {to} of {of} ({rate})", stage=stage_text(t, c.from_stage), **went_on(t, c))
        for c in d.conversion
        if c.reached_from
    ]
    text = t("Funnel: {stages}.", stages="; ".join(stages) if stages else t("No stages yet"))
    if went:
        text += " " + t("Went on to a later stage or won: {steps}.", steps="; ".join(went))
    return clip(text, 2000)


def chart_titles(t: Translator, d: Digest) -> dict:
    return {
        "title": t("Pipeline funnel · {day}", day=day_text(t, d.today)),
        "subtitle": t(
            "Open deals per stage now; of the deals created in the last 90 days that were in "
            "a stage, the share that went on to a later stage or won."
        ),
        "headers": (t("deals"), t("value"), t("went on")),
        "legend": t("went on: green 50% or more, red below 50%, grey: no deal was there"),
        "empty_text": t("No stages yet"),
    }


#: ``digest_failed_message``'s error for a Slack Connect channel no manager confirmed.
SHARED_NOT_CONFIRMED = "shared_not_confirmed"


def digest_failed_message(
    t: Translator, *, channel_id: str, error: str, bot_user_id: str | None
) -> dict:
    if error in ("not_in_channel", "channel_not_found"):
        why = invite_problem(t, bot_user_id=bot_user_id)
    elif error == SHARED_NOT_CONFIRMED:
        why = t(
            "The channel is shared with another organisation, and no manager has confirmed "
            "that the pipeline may be posted there. A manager can confirm it by running "
            "/digest here in the channel."
        )
    else:
        why = t("Slack answered “{error}”.", error=error or t("an error"))
    text = t(
        ":warning: I couldn't post the pipeline digest in <#{channel}>. {why}",
        channel=channel_id,
        why=why,
    )
    return notice(text)


def digest_missed_message(t: Translator, *, channel_id: str, due: datetime, tz: str) -> dict:
    """The database was not answering at a digest's time and came back too late to post it."""
    text = t(
        ":warning: The pipeline digest for <#{channel}> due {when} was not posted: the "
        "database was not answering then, and it came back too late. The next one goes out "
        "as scheduled.",
        channel=channel_id,
        when=when_text(t, due, tz),
    )
    return notice(text)


# --- what the subscription use cases return -----------------------------------------------


WINS_WORDS = frozenset({"wins", "win", "won", "menang", "kemenangan"})


def schedule_args(text: str, *, default_tz: str, real: frozenset[str] | None = None) -> Schedule:
    """``/digest here``'s words as a schedule; a problem is answered with the usage."""
    return here_args(text, default_tz=default_tz, real=real)[0]


def here_args(
    text: str, *, default_tz: str, real: frozenset[str] | None = None
) -> tuple[Schedule, bool]:
    """``/digest here [HH:MM] [timezone] [weekdays] [for @a] [wins]``: the schedule, and
    whether won deals are announced in the channel (the word ``wins``, anywhere). With
    ``real`` (the people the text really mentions), an owner written as characters that
    look like a mention, or someone not in the workspace, is refused."""
    words = text.split()
    wins = any(w.lower().strip(",;") in WINS_WORDS for w in words)
    rest = " ".join(w for w in words if w.lower().strip(",;") not in WINS_WORDS)
    try:
        schedule = parse_schedule(rest, default_tz=default_tz)
    except InvalidInput as err:
        raise WithUsage(err) from None
    unknown = [o for o in schedule.owners if real is not None and o not in real]
    if unknown:
        raise InvalidInput(NOT_MENTIONED, field="owner", text=text, mention=f"<@{unknown[0]}>")
    return schedule, wins


def _schedule(sub) -> dict:
    return {
        "at": sub.at,
        "tz": sub.tz,
        "weekdays": sub.weekdays,
        "owners": sub.owners,
        "language": sub.locale,
    }


def subscribed_reply(t: Translator, r: Subscribed, *, channel_id: str) -> dict:
    return subscribed_message(
        t,
        channel_id=channel_id,
        next_at=r.next_at,
        changed=r.changed,
        wins=r.wins,
        **_schedule(r.sub),
    )


def status_reply(t: Translator, r: Status, *, channel_id: str) -> dict:
    if r.sub is None:
        return status_message(t, channel_id=channel_id, at=None, tz=None)
    return status_message(
        t,
        channel_id=channel_id,
        next_at=r.next_at,
        last_at=r.last_at,
        wins=r.sub.wins_from is not None,
        **_schedule(r.sub),
    )


def slack_error(exc: Exception | None) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error"))
    return type(exc).__name__ if exc else ""


def with_chart(msg: dict, *, file_id: str, title: str, alt_text: str) -> dict:
    """The digest message with its funnel chart as the last block: an image block showing the
    uploaded (unshared) file through ``slack_file``, so the digest is one message."""
    image = ImageBlock(slack_file={"id": file_id}, alt_text=clip(alt_text, 2000), title=title)
    blocks = [*msg.get("blocks", [])[: MAX_BLOCKS - 1], image.to_dict()]
    return {**msg, "blocks": blocks}


def digest_now_problem(
    t: Translator, outcome: Outcome, error: Exception | None, *, bot_user_id: str | None
) -> str:
    """Why ``/digest now`` posted nothing (yet)."""
    if outcome in (Outcome.ALREADY_POSTED, Outcome.BUSY):
        return t("A digest was posted here a moment ago. Try again in a minute.")
    if outcome in (Outcome.RETRYING, Outcome.RESCHEDULED, Outcome.WAITING):
        return t(
            "Slack hasn't confirmed the digest yet. I'll keep at it and post it here once — "
            "no need to run `/digest now` again."
        )
    if slack_error(error) in ("not_in_channel", "channel_not_found"):
        return invite_problem(t, bot_user_id=bot_user_id)
    return t(
        "I couldn't post the digest: Slack answered “{error}”. Please try again.",
        error=slack_error(error),
    )


# --- who changed the digest, and shared channels (issue 13) ------------------------------


def subscribed_announcement(t: Translator, r: Subscribed, *, by: str) -> dict:
    """Posted in the channel when its digest is set up or changed: everyone there sees who
    did it and when the digest comes."""
    sub = r.sub
    schedule = schedule_line(t, at=sub.at, tz=sub.tz, weekdays=sub.weekdays, owners=sub.owners)
    text = (
        t(
            "<@{user}> changed this channel's pipeline digest: {schedule}.",
            user=by,
            schedule=schedule,
        )
        if r.changed
        else t(
            "<@{user}> set up a daily pipeline digest in this channel: {schedule}.",
            user=by,
            schedule=schedule,
        )
    )
    return {**notice(":calendar: " + text), "metadata": _changed(by)}


def stopped_announcement(t: Translator, *, by: str) -> dict:
    text = ":no_bell: " + t("<@{user}> stopped this channel's pipeline digest.", user=by)
    return {**notice(text), "metadata": _changed(by)}


#: Message metadata on the announcements of a digest change (apps and tests tell them apart).
CHANGED_EVENT = "salespath_digest_changed"


def _changed(by: str) -> dict:
    return {"event_type": CHANGED_EVENT, "event_payload": {"by": by}}


def shared_question(t: Translator, channel_id: str, value: str) -> dict:
    """A manager in a Slack Connect channel: post the pipeline here, seen by another
    organisation? (The button runs the command again, confirmed.)"""
    text = t(
        "<#{channel}> is shared with another organisation (Slack Connect): people outside "
        "your company would see the pipeline, its deals and their values. Post it here anyway?",
        channel=channel_id,
    )
    yes = ButtonElement(
        text=t("Yes, post it here"),
        action_id=ids.ACTION_CONFIRM_SHARED_DIGEST,
        value=value,
        style="danger",
    )
    no = ButtonElement(text=t("Cancel"), action_id=ids.ACTION_CANCEL, value="shared")
    return message(text, [section(":warning: " + text), ActionsBlock(elements=[yes, no])])
