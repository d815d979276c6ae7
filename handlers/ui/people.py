"""Block Kit for people who leave or join and for notification preferences (issue 15, items
4 and 7): the reassignment preview with Confirm/Cancel (its payload sealed), the managers'
"deactivated members" section of the Home tab and the digest, the welcome DM, the
Notifications modal, and what a refused nudge tells the manager."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    UserSelectElement,
)

from bot import ids
from bot.core.i18n import N_, Translator
from bot.core.money import format_money
from bot.core.notify import Preferences, read_preferences
from bot.core.slots import DAYS
from bot.usecases.leavers import Leaver
from bot.usecases.members import Preview, Reassigned
from handlers.ui.common import (
    MAX_VIEW_BLOCKS,
    clip,
    message,
    notice,
    read_sealed,
    status_text,
    write_sealed,
)
from handlers.ui.forms import modal

DAY_NAMES = {
    "mon": N_("Monday"),
    "tue": N_("Tuesday"),
    "wed": N_("Wednesday"),
    "thu": N_("Thursday"),
    "fri": N_("Friday"),
    "sat": N_("Saturday"),
    "sun": N_("Sunday"),
}
QUIET, NUDGES, STALE = "quiet_weekends", "nudges", "stale_alerts"


def md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(text))


def _money(values, locale: str) -> str:
    return " + ".join(format_money(m, locale) for m in values) or "—"


# --- reassigning ------------------------------------------------------------------------


def _deal_line(t: Translator, d, locale: str) -> str:
    value = format_money(d.value, locale) if d.value is not None else t("no value yet")
    status = status_text(t, d.status)
    closed = "" if d.status == "open" else " (" + status + ")"
    return "• " + d.name + closed + " — " + value


def _preview_head(t: Translator, p: Preview) -> str:
    total = _money(p.totals, t.locale)
    return t.plural(
        "Reassign {n} deal ({value}) from <@{from_id}> to <@{to_id}>?",
        "Reassign {n} deals ({value}) from <@{from_id}> to <@{to_id}>?",
        p.count,
        value=total,
        from_id=p.from_id,
        to_id=p.to_id,
    )


def preview_message(t: Translator, p: Preview) -> dict:
    """What a reassignment would move, with Confirm and Cancel."""
    if not p.count:
        kind = t("open deals") if p.only_open else t("deals")
        return notice(t("<@{user}> has no {kind} to reassign.", user=p.from_id, kind=kind))
    head = _preview_head(t, p)
    lines = [_deal_line(t, d, t.locale) for d in p.deals]
    if p.count > len(p.deals):
        lines.append(t("… and {n} more", n=p.count - len(p.deals)))
    value = write_sealed({"f": p.from_id, "t": p.to_id, "o": p.only_open, "h": p.fingerprint})
    buttons = [
        ButtonElement(
            text=t("Reassign"), action_id=ids.ACTION_REASSIGN_CONFIRM, value=value, style="primary"
        ),
        ButtonElement(text=t("Cancel"), action_id=ids.ACTION_REASSIGN_CANCEL, value="cancel"),
    ]
    blocks = [
        SectionBlock(text=md(f"*{head}*\n" + "\n".join(lines))),
        ActionsBlock(elements=buttons),
    ]
    return message(head, blocks)


def read_confirm(value: object) -> Preview:
    """A Confirm button's sealed payload read back (a forged one is refused)."""
    got = read_sealed(value)
    fields = (got.get("f"), got.get("t"), got.get("h"))
    if not all(isinstance(f, str) and f for f in fields) or not isinstance(got.get("o"), bool):
        read_sealed(None)  # raises: not a payload of ours
    return Preview(got["f"], got["t"], got["o"], (), 0, (), got["h"])


def reassigned_message(t: Translator, done: Reassigned) -> dict:
    if done.changed is not None:
        text = t("The deals changed since this preview, so I moved none. Here they are now:")
        again = preview_message(t, done.changed)
        return message(text, [SectionBlock(text=md(text)), *again["blocks"]])
    if not done.fresh:
        return notice(t("Already done: these deals were reassigned."))
    p = done.preview
    return notice(
        t.plural(
            "Reassigned {n} deal from <@{from_id}> to <@{to_id}>.",
            "Reassigned {n} deals from <@{from_id}> to <@{to_id}>.",
            done.moved,
            from_id=p.from_id,
            to_id=p.to_id,
        )
    )


def cancelled_message(t: Translator) -> dict:
    return notice(t("Cancelled: no deal was reassigned."))


# --- deactivated members: the managers' Home tab and the digest -------------------------


def _leaver_line(t: Translator, m: Leaver) -> str:
    return t.plural(
        "<@{user}> (deactivated {day}): {n} open deal, {value}",
        "<@{user}> (deactivated {day}): {n} open deals, {value}",
        m.count,
        user=m.user_id,
        day=t.day(m.since.date()),
        value=_money(m.values, t.locale),
    )


def leaver_blocks(t: Translator, leavers: list[Leaver]) -> list:
    """The managers' Home tab: each deactivated member's open deals, with "Reassign to…"."""
    if not leavers:
        return []
    blocks: list = [SectionBlock(text=md(t("*Deactivated members' open deals*")))]
    for m in leavers[:10]:
        picker = UserSelectElement(
            action_id=f"{ids.ACTION_REASSIGN_TO}_{m.user_id}", placeholder=t("Reassign to…")
        )
        blocks.append(SectionBlock(text=md(_leaver_line(t, m)), accessory=picker))
    return blocks


def digest_leaver_blocks(t: Translator, leavers: list[Leaver]) -> list:
    """A short section of the digest: deactivated members' open deals to reassign."""
    if not leavers:
        return []
    lines = [f"• {_leaver_line(t, m)}" for m in leavers[:5]]
    head = t("*Deactivated members' open deals* (reassign with `/pipeline reassign @from @to`)")
    return [SectionBlock(text=md(head + "\n" + "\n".join(lines)))]


def picked_from(action_id: str) -> str:
    """The deactivated member whose "Reassign to…" picker was used."""
    return action_id.removeprefix(f"{ids.ACTION_REASSIGN_TO}_")


def notify_button_blocks(t: Translator) -> list:
    button = ButtonElement(
        text=t("Notifications"), action_id=ids.ACTION_OPEN_NOTIFY, value="notify"
    )
    return [ActionsBlock(block_id="home_notify", elements=[button])]


def home_blocks(t: Translator, leavers: list[Leaver]) -> list:
    """What the Home tab adds: the Notifications button, and for managers the deactivated
    members' open deals."""
    return [*notify_button_blocks(t), *leaver_blocks(t, leavers)]


def with_people(view: dict, blocks: list) -> dict:
    """The Home tab with the people blocks after its header and settings (within the view's
    100 blocks)."""
    extra = [b.to_dict() if hasattr(b, "to_dict") else b for b in blocks]
    shown = view.get("blocks") or []
    at = next((i + 1 for i, b in enumerate(shown) if b.get("block_id") == "home_settings"), 0)
    at = at or min(len(shown), 2)
    merged = [*shown[:at], *extra, *shown[at:]]
    return view | {"blocks": merged[:MAX_VIEW_BLOCKS]}


# --- the welcome ------------------------------------------------------------------------


def welcome_message(t: Translator) -> dict:
    text = t(
        "Welcome to Salespath! I keep your team's sales pipeline in Slack: deals along the "
        "sales path, checklists after meetings, a daily digest and a reminder when a next "
        "step is due."
    )
    first = t(
        "*Three commands to start:*\n"
        "• `/prospect Acme Corp 50jt referral`: log a new deal\n"
        "• `/advance Acme`: move it to the next stage\n"
        "• `/pipeline`: your open deals by stage"
    )
    more = t(
        "Any command answers `help`. Choose when I remind you with Notifications on the Home tab."
    )
    blocks = [
        SectionBlock(text=md(text)),
        SectionBlock(text=md(first)),
        ContextBlock(elements=[md(more)]),
    ]
    return message(text, blocks)


# --- notification preferences -----------------------------------------------------------


def _option(t: Translator, value: str, label: str, hint: str | None = None) -> Option:
    return Option(value=value, text=t(label), description=t(hint) if hint else None)


def notify_modal(t: Translator, prefs: Preferences) -> dict:
    days = [_option(t, d, DAY_NAMES[d]) for d in DAYS]
    switches = [
        _option(
            t, QUIET, N_("Quiet weekends"), N_("no reminder and no nudge on Saturday or Sunday")
        ),
        _option(t, NUDGES, N_("Nudges"), N_("a manager's “Nudge owner” comes as a DM")),
        _option(t, STALE, N_("Stale alerts"), N_("quiet deals are listed in my reminder")),
    ]
    on = {QUIET: prefs.quiet_weekends, NUDGES: prefs.nudges, STALE: prefs.stale_alerts}
    blocks = [
        InputBlock(
            block_id=ids.BLOCK_NOTIFY_DAYS,
            label=t("Reminder days"),
            element=CheckboxesElement(
                action_id=ids.INPUT,
                options=days,
                initial_options=[o for o in days if o.value in prefs.days] or None,
            ),
        ),
        InputBlock(
            block_id=ids.BLOCK_NOTIFY_AT,
            label=t("Reminder time, like 08:30 (your time)"),
            hint=t("Your daily reminder comes within 15 minutes of it."),
            element=PlainTextInputElement(
                action_id=ids.INPUT, initial_value=prefs.at, max_length=8
            ),
        ),
        InputBlock(
            block_id=ids.BLOCK_NOTIFY_OPTIONS,
            label=t("Also"),
            optional=True,
            element=CheckboxesElement(
                action_id=ids.INPUT,
                options=switches,
                initial_options=[o for o in switches if on[o.value]] or None,
            ),
        ),
    ]
    return modal(
        t, callback_id=ids.VIEW_NOTIFY, title=t("Notifications"), blocks=blocks, submit=t("Save")
    )


def read_notify_form(form: dict) -> Preferences:
    """The submitted Notifications modal (``FieldErrors`` for a bad time or no day)."""
    switches = set(form.get(ids.BLOCK_NOTIFY_OPTIONS) or [])
    return read_preferences(
        days=list(form.get(ids.BLOCK_NOTIFY_DAYS) or []),
        at=(form.get(ids.BLOCK_NOTIFY_AT) or "").strip(),
        quiet_weekends=QUIET in switches,
        nudges=NUDGES in switches,
        stale_alerts=STALE in switches,
    )


def notify_saved_message(t: Translator, prefs: Preferences) -> dict:
    days = ", ".join(t(DAY_NAMES[d]) for d in prefs.reminder_days)
    yes, no = t("on"), t("off")
    return notice(
        t(
            "Saved. Reminders: {days} at {at}. Nudges {nudges}, stale alerts {stale}.",
            days=days,
            at=prefs.at,
            nudges=yes if prefs.nudges else no,
            stale=yes if prefs.stale_alerts else no,
        )
    )


def nudge_refused_message(t: Translator, why: str, *, owner_id: str) -> dict:
    return notice(t(why, owner=owner_id))
