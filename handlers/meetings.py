"""After the meeting: the "Log meeting" shortcut and button, "Add to deal" on a message, and
the deal type-ahead; ``register`` also wires the checklists (/spin, /batna) and stage gates.

Modals that need data open at once with a loading view (Slack's trigger_id lives 3 seconds)
and are filled with ``views.update``. Each submission is one transaction recorded against
the request's trigger_id, so Slack's retries never store twice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot import checklists as cl
from bot import gates, ids
from bot.deals import Actor, MovePlan, apply_move, ensure_can_change
from bot.errors import DomainError, InvalidInput
from bot.i18n import N_, Translator
from handlers import checklists
from handlers import gates as gate_listeners
from handlers.common import actor_of, dumps, request_key, services_of, translator_of
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
    return ui.meeting_modal(t, form, metadata=dumps(meta))


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


def _meeting_move(
    s: Session, t: Translator, actor: Actor, deal: Deal, stage_id: int | None, now: datetime
) -> tuple[str | None, str | None, list[str]]:
    """The optional stage move of a meeting log: (from, to, warnings)."""
    if stage_id is None or stage_id == deal.stage_id:
        return None, None, []
    target = store.get_stage(session=s, team_id=actor.team_id, stage_id=stage_id)
    if target.kind == store.LOST:
        raise InvalidInput(
            N_("To close a deal as lost, give a reason: /advance {deal} lost <reason>."),
            field=ids.BLOCK_STAGE_MOVE,
            deal=deal.name,
        )
    warnings = []
    have = cstore.checklist_kinds(session=s, team_id=actor.team_id, deal_id=deal.id)
    gate = gates.blocking_gate(target, have)
    if gate is not None and gate.required:
        raise InvalidInput(
            N_(
                "{stage} requires a {kind} checklist first. Press “Fill {kind}” below, save "
                "it, then save this log."
            ),
            field=ids.BLOCK_STAGE_MOVE,
            stage=target.name,
            kind=cl.KIND_LABELS[gate.checklist],
        )
    if gate is not None:
        warnings.append(
            ":warning: "
            + t(
                "{stage} asks for a {kind} checklist, and this deal has none yet.",
                stage=target.name,
                kind=t(cl.KIND_LABELS[gate.checklist]),
            )
        )
    before, after = apply_move(
        session=s, actor=actor, deal=deal, plan=MovePlan(target=target), now=now
    )
    return before.name, after.name, warnings


def _store_meeting(
    s: Session, context: BoltContext, log: cl.MeetingLog, meta: dict, now: datetime
) -> tuple[Deal, Activity, list[str]]:
    """Everything a meeting log changes, in the caller's transaction."""
    t, team_id = translator_of(context), context.team_id
    deal = store.lock_deal(session=s, team_id=team_id, deal_id=log.deal_id)
    actor = actor_of(context, s)
    check_owner(actor, deal, meta if meta.get("d") == deal.id else {})
    moved_from, moved_to, warnings = _meeting_move(s, t, actor, deal, log.stage_id, now)
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


def meeting_submitted(
    ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient
) -> None:
    services, t = services_of(context), translator_of(context)
    team_id, key, now = context.team_id, request_key(body), services.now()
    meta = read_meta(view)
    log, errors = cl.read_meeting(flatten(view["state"]["values"]), today=user_today(context, now))
    if errors:
        return ack(response_action="errors", errors=field_errors(t, errors))
    try:
        with services.db.transaction() as s:
            if key and store.previous_result(session=s, team_id=team_id, key=key):
                return ack()  # a Slack retry: stored (and answered) the first time
            deal, row, warnings = _store_meeting(s, context, log, meta, now)
            if key:
                store.record_request(session=s, team_id=team_id, key=key, result=str(row.id))
    except IntegrityError:  # this very request, committed concurrently
        return ack()
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
    form = ui.NoteForm(text=msg.get("text") or "", author=author)
    opened = client.views_open(
        trigger_id=body["trigger_id"], view=ui.note_modal(t, form, metadata=dumps(meta))
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
            metadata=dumps(meta),
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
    except IntegrityError:  # this very request, committed concurrently
        return ack()
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
