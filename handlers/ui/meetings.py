"""Block Kit for meeting logs and notes: the "Log meeting" and "Add to deal" modals, the
deal type-ahead options, and activity lines. Pure functions (slack_sdk models)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    ExternalDataSelectElement,
    InputBlock,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot import ids
from bot.core import checklists as cl
from bot.core.i18n import Translator
from bot.core.reasons import DMU_ROLES, role_by_key
from bot.core.stages import OPEN, WON
from bot.usecases.meetings import (
    CONFIRM_BACK,
    CONFIRM_GATE,
    CONFIRM_LABELS,
    KEEP_LABEL,
    Logged,
    MeetingDraft,
)
from bot.usecases.views import ActivityView, DealOption
from handlers.ui.common import (
    clip,
    escape,
    message,
    problem_text,
    stage_text,
    status_text,
    write_meta,
)
from handlers.ui.deals import deal_buttons, technique_buttons
from handlers.ui.forms import date_input, md, modal, next_step_inputs, option, text_input
from handlers.ui.playbook import playbook_text


def activity_line(t: Translator, a: ActivityView, *, full: bool = False) -> str:
    kind = t("meeting") if a.kind == "meeting" else t("note")
    notes = escape(a.notes if full else clip(a.notes, 140))
    parts = [f"{t.day(a.on)} *{kind}*", notes]
    if a.outcome:
        parts.append(t("outcome: {text}", text=escape(a.outcome)))
    if full and a.attendees:
        people = ", ".join(attendee_text(t, n, r, title) for n, r, title in a.attendees)
        parts.append(t("with {people}", people=people))
    if full and a.next_step:
        parts.append(t("next: {step}", step=escape(a.next_step)))
    if a.moved:
        before, after = a.moved
        move = f"{stage_text(t, before)} → {stage_text(t, after)}"
        parts.append(t("moved {move}", move=move))
    if a.link:
        label = t("message")  # outside the f-string, so that extraction sees it
        parts.append(f"<{a.link}|{label}>")
    parts.append(f"<@{a.by}>")
    return "• " + " · ".join(parts)


def attendee_text(t: Translator, name: str, role: str | None, title: str | None) -> str:
    """``Budi (Decision maker)``, ``Andi (IT manager)``, ``Tono (Head of tech · Technical
    influence)``."""
    known = role_by_key(role) if role else None
    bits = [escape(title)] if title else []
    bits += [t(known.label)] if known else []
    return escape(name) + (f" ({' · '.join(bits)})" if bits else "")


def deal_option(t: Translator, d: DealOption) -> Option:
    status = status_text(t, d.status) if d.status != OPEN else None
    label = f"{d.name} ({status})" if status else d.name
    if d.suggested:  # nothing matched what was typed: the closest names, said so
        return option(t("Did you mean {name}?", name=label), str(d.id))
    return option(label, str(d.id))


def deal_options(t: Translator, deals: Sequence[DealOption]) -> list[dict]:
    """The answer to an external_select's type-ahead (at most 100 options)."""
    return [deal_option(t, d).to_dict() for d in deals[:100]]


def deal_picker(t: Translator, deal: DealOption | None, *, label: str) -> InputBlock:
    return InputBlock(
        block_id=ids.BLOCK_DEAL,
        label=label,
        element=ExternalDataSelectElement(
            action_id=ids.ACTION_DEAL_SEARCH,
            placeholder=t("Type a deal's name"),
            min_query_length=0,
            initial_option=deal_option(t, deal) if deal else None,
        ),
    )


#: The ticks under the stage select that let a second submit make a move the first one held
#: (a move back, re-opening a closed deal, a warning gate's missing checklist). Read back
#: only by ``handlers.meetings``; the field errors quote these labels.
BLOCK_MOVE_CONFIRM = ids.BLOCK_MOVE_CONFIRM
TICKS = (CONFIRM_BACK, CONFIRM_GATE)  # the stage move's confirmation ticks, in order
STAGE_KEEP = "keep"  # the stage select's first option: no move (read back as no stage)


MeetingForm = MeetingDraft  # what the form opens with


def meeting_modal(t: Translator, form: MeetingForm, *, metadata: str) -> dict:
    roles = ", ".join(t(r.label).lower() for r in DMU_ROLES)
    stage_options = [option(stage_text(t, name), str(sid)) for sid, name in form.stages][:99]
    if stage_options:  # a picked stage cannot be cleared in Slack: this takes it back
        stage_options.insert(0, option(t(KEEP_LABEL), STAGE_KEEP))
    next_hint = (
        t("Leave empty to keep the current one: {step}", step=clip(form.current_next_step, 300))
        if form.current_next_step
        else t("e.g. Send the proposal")
    )
    blocks: list = [
        deal_picker(t, form.deal, label=t("Deal")),
        date_input(ids.BLOCK_MEETING_DATE, t("Date"), form.today),
        text_input(
            ids.BLOCK_ATTENDEES,
            t("Attendees"),
            None,
            hint=t(
                "One a line: name, then their role or title (“Andi, IT manager”). "
                "Known roles: {roles}.",
                roles=roles,
            ),
            placeholder=t("Budi Santoso, decision maker"),
            max_length=2000,
        ),
        text_input(
            ids.BLOCK_NOTES,
            t("Notes"),
            None,
            optional=False,
            max_length=cl.NOTES_MAX,
            placeholder=t("What was discussed, what they said"),
        ),
        text_input(
            ids.BLOCK_OUTCOME,
            t("Outcome"),
            None,
            multiline=False,
            max_length=500,
            placeholder=t("e.g. They want a demo for the IT team"),
        ),
        *next_step_inputs(t, None, None, hint=next_hint),
    ]
    if stage_options:
        blocks.append(
            InputBlock(
                block_id=ids.BLOCK_STAGE_MOVE,
                label=t("Move the deal to"),
                optional=True,
                hint=t("Optional. To close it as lost, use /advance <deal> lost <reason>."),
                element=StaticSelectElement(action_id=ids.INPUT, options=stage_options),
            )
        )
        blocks.append(
            InputBlock(
                block_id=BLOCK_MOVE_CONFIRM,
                label=t("Confirm the move"),
                optional=True,
                hint=t(
                    "Only needed when the move goes back a stage, re-opens a closed deal, or "
                    "skips a checklist the stage asks for."
                ),
                element=CheckboxesElement(
                    action_id=ids.INPUT,
                    options=[option(t(CONFIRM_LABELS[key]), key) for key in TICKS],
                ),
            )
        )
    blocks += [
        DividerBlock(),
        SectionBlock(
            text=md(
                t(
                    "*Checklists* — open one on top of this form; what you typed here stays. "
                    "Pick the deal first."
                )
            )
        ),
        ActionsBlock(
            block_id="meeting_checklists",
            elements=[
                ButtonElement(text=t("Fill SPIN"), action_id=ids.ACTION_OPEN_SPIN, value="push"),
                ButtonElement(text=t("Fill BATNA"), action_id=ids.ACTION_OPEN_BATNA, value="push"),
                ButtonElement(
                    text=t("Fill Approach"), action_id=ids.ACTION_OPEN_APPROACH, value="push"
                ),
                ButtonElement(text=t("Fill F.A.B."), action_id=ids.ACTION_OPEN_FAB, value="push"),
            ],
        ),
    ]
    return modal(
        t,
        callback_id=ids.VIEW_MEETING,
        title=t("Log meeting"),
        submit=t("Save"),
        metadata=metadata,
        blocks=blocks,
    )


def meeting_saved_message(
    t: Translator,
    *,
    deal_id: int,
    deal_name: str,
    a: ActivityView,
    extra: Sequence[str] = (),
    after: Sequence = (),
    status: str = OPEN,
) -> dict:
    head = t("Logged the meeting of {day} on *{deal}*.", day=t.day(a.on), deal=escape(deal_name))
    blocks: list = [
        SectionBlock(text=md(":white_check_mark: " + head)),
        SectionBlock(text=md(activity_line(t, a, full=True))),
    ]
    for line in extra:
        blocks.append(SectionBlock(text=md(line)))
    blocks += list(after)
    blocks.append(deal_buttons(t, deal_id, status=status))
    return message(head, blocks)


@dataclass(frozen=True)
class NoteForm:
    text: str
    author: str | None
    link: str | None = None
    deal: DealOption | None = None


def note_modal(t: Translator, form: NoteForm, *, metadata: str) -> dict:
    source = (
        t("From <{link}|a message> by <@{author}>.", link=form.link, author=form.author)
        if form.link and form.author
        else t("From a message by <@{author}>.", author=form.author)
        if form.author
        else t("From a message.")
    )
    blocks = [
        deal_picker(t, form.deal, label=t("Add to deal")),
        text_input(
            ids.BLOCK_NOTES,
            t("Note"),
            clip(form.text, cl.NOTES_MAX),
            optional=False,
            max_length=cl.NOTES_MAX,
        ),
        ContextBlock(elements=[md(source)]),
    ]
    return modal(
        t,
        callback_id=ids.VIEW_NOTE,
        title=t("Add to deal"),
        submit=t("Add note"),
        metadata=metadata,
        blocks=blocks,
    )


def note_saved_message(t: Translator, *, deal_id: int, deal_name: str, a: ActivityView) -> dict:
    head = t("Added a note to *{deal}*.", deal=escape(deal_name))
    blocks = [
        SectionBlock(text=md(":memo: " + head)),
        SectionBlock(text=md(activity_line(t, a, full=True))),
        deal_buttons(t, deal_id),
    ]
    return message(head, blocks)


# --- what the meeting use cases return, as messages and forms ---------------------------


def meeting_form(t: Translator, draft: MeetingDraft, *, channel: str | None) -> dict:
    meta: dict = {"c": channel}
    if draft.deal is not None:
        meta.update(d=draft.deal.id, o=draft.owner_id)
    return meeting_modal(t, draft, metadata=write_meta(meta))


def logged_reply(t: Translator, result: Logged) -> dict:
    """The log saved; when it moved the deal, the new stage's playbook (and, won, which
    closing technique worked), as after ``/advance``."""
    after: list = []
    playbook = playbook_text(t, result.moved_to_key) if result.moved_to_key else None
    if playbook:
        after.append(SectionBlock(text=md(playbook)))
    if result.status == WON and result.moved_to_key and result.technique is None:
        after += [
            SectionBlock(
                text=md(t("*Which closing technique worked?* It goes on the card and in stats."))
            ),
            technique_buttons(t, result.deal_id),
        ]
    return meeting_saved_message(
        t,
        deal_id=result.deal_id,
        deal_name=result.deal_name,
        a=result.activity,
        extra=[":warning: " + problem_text(t, w) for w in result.warnings],
        after=after,
        status=result.status,
    )


def noted_reply(t: Translator, result: Logged) -> dict:
    return note_saved_message(
        t, deal_id=result.deal_id, deal_name=result.deal_name, a=result.activity
    )


def fallback_link(channel: str, ts: str) -> str:
    digits = "".join(c for c in ts if c.isdigit())
    return f"https://slack.com/archives/{channel}/p{digits}"


def note_form(
    t: Translator, *, text: str, author: str | None, channel: str, ts: str, link: str | None
) -> dict:
    meta = {"c": channel, "ts": ts, "a": author}
    if link:
        meta["l"] = link
    form = NoteForm(text=text, author=author, link=link)
    return note_modal(t, form, metadata=write_meta(meta))


def note_link(meta: dict) -> str | None:
    """The link back to the message a note came from: Slack's permalink (only ever an
    ``https`` link), else one built from the channel and message ids."""
    link = meta.get("l")
    if isinstance(link, str) and urlsplit(link).scheme == "https" and "|" not in link:
        return link
    channel, ts = meta.get("c"), meta.get("ts")
    if isinstance(channel, str) and isinstance(ts, str) and channel.isalnum():
        return fallback_link(channel, ts.replace(".", ""))
    return None


def message_day(ts: str | None, tz: str) -> date | None:
    """The day a Slack message was posted, in the user's timezone."""
    try:
        return datetime.fromtimestamp(float(ts or ""), tz=UTC).astimezone(ZoneInfo(tz)).date()
    except (TypeError, ValueError, OverflowError):
        return None
