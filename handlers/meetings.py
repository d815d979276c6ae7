"""After the meeting: the "Log meeting" shortcut and button, "Add to deal" on a message, and
the deal type-ahead; ``register`` also wires the checklists (/spin, /batna) and stage gates.

Modals that need data open at once with a loading view (Slack's trigger_id lives 3 seconds)
and are filled with ``views.update``. Each submission is one transaction recorded against
the request's trigger_id, so Slack's retries never store twice."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot import ids
from bot.core import checklists as cl
from bot.core import gates
from bot.core.deals import Actor, apply_move, ensure_can_change, plan_move
from bot.core.errors import DomainError, InvalidInput
from bot.core.i18n import Translator
from bot.services import Services
from handlers import checklists
from handlers import gates as gate_listeners
from handlers.common import actor_of, request_key, services_of, slack_text, translator_of
from handlers.modals import (
    activity_view,
    check_owner,
    field_errors,
    flatten,
    open_then_fill,
    read_meta,
    update_view,
    user_today,
)
from handlers.ui import meetings as ui
from handlers.ui.common import compact_json
from handlers.views import post_privately
from storage import checklists as cstore
from storage import deals as store
from storage.models import Deal
from storage.models_checklist import Activity


def meeting_view(context: BoltContext, *, deal_id: int | None, channel: str | None) -> dict:
    services, t = services_of(context), translator_of(context)
    meta: dict[str, Any] = {"c": channel}
    deal = None
    with services.db.read() as s:
        stages = store.list_stages(session=s, team_id=context.team_id)
        if deal_id is not None:
            deal = store.get_deal(session=s, team_id=context.team_id, deal_id=deal_id)
            ensure_can_change(actor_of(context, s), deal)
            meta.update(d=deal.id, o=deal.owner_id)
    form = ui.MeetingForm(
        today=user_today(context, services.now()),
        stages=[(st.id, st.name) for st in stages if st.kind != store.LOST],
        deal=ui.DealOption(deal.id, deal.name, deal.status) if deal else None,
        current_next_step=deal.next_step if deal else None,
    )
    return ui.meeting_modal(t, form, metadata=compact_json(meta))


def log_meeting_shortcut(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()
    open_then_fill(
        client,
        translator_of(context),
        body["trigger_id"],
        lambda: meeting_view(context, deal_id=None, channel=None),
    )


def log_meeting_button(*, body, action, context, client, respond) -> None:
    """The "Log meeting" button on every deal reply."""
    channel = (body.get("channel") or {}).get("id")
    open_then_fill(
        client,
        translator_of(context),
        body["trigger_id"],
        lambda: meeting_view(context, deal_id=int(action["value"]), channel=channel),
    )


class _MoveHeld(InvalidInput):
    """The log's stage move waits for a tick: the text is already translated (it may join
    several reasons), for the stage select's field error."""

    def __init__(self, text: str) -> None:
        super().__init__(text, field=ids.BLOCK_STAGE_MOVE)
        self.text = text

    def render(self, t: Translator) -> str:
        return self.text


def _meeting_move(
    s: Session,
    t: Translator,
    actor: Actor,
    deal: Deal,
    stage_id: int | None,
    ticks: Collection[str],
    now: datetime,
) -> tuple[str | None, str | None, list[str]]:
    """The optional stage move of a meeting log: (from, to, warnings).

    The move follows /advance's rules (``bot.core.deals.plan_move``, then the stage gate), and
    what /advance would ask about is a field error on the stage select until the user ticks
    it under the select and saves again (everything typed stays in the modal):
    - a move back, or re-opening a closed deal: the "Yes, move it back" tick;
    - a *warning* gate whose checklist is missing: like /advance's "Move anyway" button, the
      "move it without the checklist" tick (or fill it with the "Fill …" button first);
      the saved message then repeats the warning;
    - a *required* gate: refused until the checklist exists (no tick passes it).
    Each error says how to save the log without the move: pick "Don't move it"."""
    if stage_id is None or stage_id == deal.stage_id:
        return None, None, []
    try:
        stages = store.list_stages(session=s, team_id=actor.team_id)
        current = next(st for st in stages if st.id == deal.stage_id)
        target = store.get_stage(session=s, team_id=actor.team_id, stage_id=stage_id)
        # /advance … to <stage>, matched among these two only: the stage was picked by id,
        # so a stage with a like name or alias cannot be taken for it.
        plan = plan_move(stages=[current, target], deal=deal, keyword="to", rest=target.name)
    except DomainError as err:
        raise InvalidInput(err.message, field=ids.BLOCK_STAGE_MOVE, **err.params) from None
    stay = t("To save the log without the move, pick “{keep}” instead.", keep=t(ui.KEEP_LABEL))
    have = cstore.checklist_kinds(session=s, team_id=actor.team_id, deal_id=deal.id)
    gate = gates.blocking_gate(plan.target, have)
    kind = t(cl.KIND_LABELS[gate.checklist]) if gate is not None else ""
    if gate is not None and gate.required:
        raise _MoveHeld(
            t(
                "{stage} requires a {kind} checklist first. Press “Fill {kind}” below, save "
                "it, then save this log again.",
                stage=plan.target.name,
                kind=kind,
            )
            + " "
            + stay
        )
    held = []
    if plan.needs_confirm and ui.CONFIRM_BACK not in ticks:
        tick = t(ui.CONFIRM_LABELS[ui.CONFIRM_BACK])
        if plan.needs_confirm == "reopen":
            held.append(
                t(
                    "“{deal}” is closed ({status}). To re-open it in {stage}, tick “{tick}” "
                    "below and save again.",
                    deal=deal.name,
                    status={"won": t("won"), "lost": t("lost")}.get(deal.status, deal.status),
                    stage=plan.target.name,
                    tick=tick,
                )
            )
        else:
            held.append(
                t(
                    "{stage} is an earlier stage than {current}. To move “{deal}” back anyway, "
                    "tick “{tick}” below and save again.",
                    stage=plan.target.name,
                    current=current.name,
                    deal=deal.name,
                    tick=tick,
                )
            )
    missing = (
        t(
            "{stage} asks for a {kind} checklist, and this deal has none yet.",
            stage=plan.target.name,
            kind=kind,
        )
        if gate is not None
        else None
    )
    if missing and ui.CONFIRM_GATE not in ticks:
        held.append(
            missing
            + " "
            + t(
                "Press “Fill {kind}” below to fill it first, or tick “{tick}” and save again.",
                kind=kind,
                tick=t(ui.CONFIRM_LABELS[ui.CONFIRM_GATE]),
            )
        )
    if held:
        raise _MoveHeld(" ".join([*held, stay]))
    before, after = apply_move(session=s, actor=actor, deal=deal, plan=plan, now=now)
    return before.name, after.name, [":warning: " + missing] if missing else []


def _store_meeting(
    s: Session,
    context: BoltContext,
    log: cl.MeetingLog,
    meta: dict,
    ticks: Collection[str],
    now: datetime,
) -> tuple[Deal, Activity, list[str]]:
    """Everything a meeting log changes, in the caller's transaction."""
    t, team_id = translator_of(context), context.team_id
    deal = store.lock_deal(session=s, team_id=team_id, deal_id=log.deal_id)
    actor = actor_of(context, s)
    check_owner(actor, deal, meta if meta.get("d") == deal.id else {})
    moved_from, moved_to, warnings = _meeting_move(s, t, actor, deal, log.stage_id, ticks, now)
    if log.next_step:
        store.update_deal(
            session=s,
            team_id=team_id,
            deal=deal,
            by=context.user_id,
            now=now,
            changes=store.DealChanges(next_step=log.next_step, next_step_due=log.next_step_due),
        )
    cstore.add_attendee_contacts(
        session=s, team_id=team_id, deal_id=deal.id, attendees=log.attendees, now=now
    )
    row = cstore.add_activity(
        session=s,
        team_id=team_id,
        deal=deal,
        by=context.user_id,
        now=now,
        new=cstore.NewActivity(
            kind=cstore.MEETING,
            occurred_on=log.occurred_on,
            notes=log.notes,
            outcome=log.outcome,
            attendees=log.attendees,
            next_step=log.next_step,
            next_step_due=log.next_step_due,
            stage_from=moved_from,
            stage_to=moved_to,
        ),
    )
    return deal, row, warnings


def _stored_by_a_copy(services: Services, team_id: str, key: str | None) -> bool:
    """After an IntegrityError: did a copy of this very request (a Slack retry) commit first?
    Only then is there nothing left to do. Otherwise the caller re-raises: the app's error
    handler answers in the modal with an apology and an error id, the modal stays open with
    everything typed, and nothing is silently lost (as ``handlers.checklists`` does)."""
    if not key:
        return False
    with services.db.read() as s:
        return store.previous_result(session=s, team_id=team_id, key=key) is not None


def meeting_submitted(
    ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient
) -> None:
    services, t = services_of(context), translator_of(context)
    team_id, key, now = context.team_id, request_key(body), services.now()
    meta = read_meta(view)
    raw = flatten(view["state"]["values"])
    log, errors = cl.read_meeting(raw, today=user_today(context, now))
    if errors:
        return ack(response_action="errors", errors=field_errors(t, errors))
    ticks = raw.get(ui.BLOCK_MOVE_CONFIRM) or []
    try:
        with services.db.transaction() as s:
            if key and store.previous_result(session=s, team_id=team_id, key=key):
                return ack()  # a Slack retry: stored (and answered) the first time
            deal, row, warnings = _store_meeting(s, context, log, meta, ticks, now)
            if key:
                store.record_request(session=s, team_id=team_id, key=key, result=str(row.id))
    except IntegrityError:
        if not _stored_by_a_copy(services, team_id, key):
            raise
        return ack()  # this very request, committed concurrently: that copy answers
    except DomainError as err:
        block = getattr(err, "field", None) or ids.BLOCK_DEAL
        return ack(response_action="errors", errors={block: err.render(t)})
    ack()
    msg = ui.meeting_saved_message(
        t, deal_id=deal.id, deal_name=deal.name, a=activity_view(row), extra=warnings
    )
    post_privately(client, context, meta.get("c"), msg)


def _fallback_link(channel: str, ts: str) -> str:
    return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"


def add_to_deal_shortcut(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()
    t = translator_of(context)
    msg = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or ""
    ts = msg.get("ts") or body.get("message_ts") or ""
    author = msg.get("user") or msg.get("bot_id")
    meta = {"c": channel, "ts": ts, "a": author}
    form = ui.NoteForm(text=slack_text(msg.get("text")), author=author)
    opened = client.views_open(
        trigger_id=body["trigger_id"], view=ui.note_modal(t, form, metadata=compact_json(meta))
    )["view"]
    try:  # the permalink is not in the payload: fetch it now the modal is open
        link = client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
    except SlackApiError:
        link = _fallback_link(channel, ts)
    meta["l"] = link
    update_view(
        client,
        view_id=opened["id"],
        hash=opened["hash"],
        view=ui.note_modal(
            t,
            ui.NoteForm(text=form.text, author=author, link=link),
            metadata=compact_json(meta),
        ),
    )


def _message_day(ts: str | None, context: BoltContext, fallback: date) -> date:
    try:
        return user_today(context, datetime.fromtimestamp(float(ts or ""), tz=UTC))
    except (TypeError, ValueError, OverflowError):
        return fallback


def note_submitted(
    ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient
) -> None:
    services, t = services_of(context), translator_of(context)
    team_id, key, now = context.team_id, request_key(body), services.now()
    meta = read_meta(view)
    note, errors = cl.read_note(flatten(view["state"]["values"]))
    if errors:
        return ack(response_action="errors", errors=field_errors(t, errors))
    deal_id, notes = note
    link = meta.get("l") or (
        _fallback_link(meta["c"], meta["ts"]) if meta.get("c") and meta.get("ts") else None
    )
    try:
        with services.db.transaction() as s:
            if key and store.previous_result(session=s, team_id=team_id, key=key):
                return ack()  # a Slack retry: stored (and answered) the first time
            deal = store.lock_deal(session=s, team_id=team_id, deal_id=deal_id)
            ensure_can_change(actor_of(context, s), deal)
            row = cstore.add_activity(
                session=s,
                team_id=team_id,
                deal=deal,
                by=context.user_id,
                now=now,
                new=cstore.NewActivity(
                    kind=cstore.NOTE,
                    occurred_on=_message_day(meta.get("ts"), context, user_today(context, now)),
                    notes=notes,
                    message_link=link,
                    message_author=meta.get("a"),
                ),
            )
            if key:
                store.record_request(session=s, team_id=team_id, key=key, result=str(row.id))
    except IntegrityError:
        if not _stored_by_a_copy(services, team_id, key):
            raise
        return ack()  # this very request, committed concurrently: that copy answers
    except DomainError as err:
        return ack(response_action="errors", errors={ids.BLOCK_DEAL: err.render(t)})
    ack()
    msg = ui.note_saved_message(t, deal_id=deal.id, deal_name=deal.name, a=activity_view(row))
    post_privately(client, context, meta.get("c"), msg)


def deal_suggestions(ack: Ack, body: dict, context: BoltContext) -> None:
    """Type-ahead for the deal pickers (external_select)."""
    services, t = services_of(context), translator_of(context)
    with services.db.read() as s:
        found = cstore.search_deals(
            session=s,
            team_id=context.team_id,
            query=body.get("value") or "",
            user_id=context.user_id,
        )
    ack(options=ui.deal_options(t, [ui.DealOption(d.id, d.name, d.status) for d in found]))


def register_commands(app: App) -> None:
    """/spin and /batna (``handlers.commands`` calls this)."""
    checklists.register_commands(app)


def register(app: App) -> None:
    """Meeting logs, notes and the deal type-ahead; then the checklists and stage gates.
    (The "Log meeting" button of deal replies is registered by ``handlers.actions``.)"""
    app.options(ids.ACTION_DEAL_SEARCH)(deal_suggestions)
    app.view(ids.VIEW_MEETING)(meeting_submitted)
    app.view(ids.VIEW_NOTE)(note_submitted)
    checklists.register(app)
    gate_listeners.register(app)
