"""After the meeting: /spin and /batna, the "Log meeting" and "Add to deal" shortcuts, stage
gates, and the checklist parts of deal cards.

Modals that need data open at once with a loading view (Slack's trigger_id lives 3 seconds)
and are filled with ``views.update``. Their ``private_metadata`` carries what the submission
needs (deal, owner, the version it was pre-filled from) and is checked on submit. Each
submission is one transaction, recorded against the request's trigger_id so that Slack's
retries never save twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot import checklists as cl
from bot import gates, ids
from bot.deals import Actor, MovePlan, apply_move, ensure_can_change, resolve_deal
from bot.errors import DomainError, InvalidInput, PermissionDenied
from bot.i18n import N_, Translator
from bot.money import format_money
from bot.usage import USAGE
from handlers import flows
from handlers.actions import _answer, _guarded
from handlers.common import actor_of, dumps, request_key, services_of, translator_of
from handlers.ui import checklists as ui
from handlers.ui.common import help_message, message
from handlers.views import post_privately
from storage import checklists as cstore
from storage import deals as store
from storage.models import Deal
from storage.models_checklist import Activity, ChecklistVersion

KIND_BY_ACTION = {ids.ACTION_OPEN_SPIN: cl.SPIN, ids.ACTION_OPEN_BATNA: cl.BATNA}
FIRST_BLOCK = {cl.SPIN: ids.BLOCK_AWARENESS, cl.BATNA: cl.POSSIBLE}
HISTORY_WORDS = ("history", "riwayat")
GATE_WORDS = ("gates", "gate", "gerbang")


# --- small helpers ----------------------------------------------------------------------


def _meta(view: dict) -> dict:
    try:
        return json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}


def _flatten(values: dict) -> dict[str, Any]:
    """``view.state.values`` → ``{block_id: value}`` (one element per block)."""
    out: dict[str, Any] = {}
    for block_id, elements in values.items():
        for el in elements.values():
            if "selected_options" in el:
                out[block_id] = [o["value"] for o in el.get("selected_options") or []]
            elif "selected_option" in el:
                out[block_id] = (el.get("selected_option") or {}).get("value")
            elif "selected_date" in el:
                out[block_id] = el.get("selected_date")
            else:
                out[block_id] = el.get("value")
    return out


def _today(context: BoltContext, now: datetime) -> date:
    profile = context.get("profile")
    try:
        return now.astimezone(ZoneInfo(profile.tz if profile else "UTC")).date()
    except (KeyError, ValueError):
        return now.date()


def _open_then_fill(
    client: WebClient,
    t: Translator,
    trigger_id: str,
    build: Callable[[], dict],
    *,
    push: bool = False,
) -> None:
    """Open (or push) a loading view while the trigger_id is fresh, then fill it in. A
    problem the user can fix is shown in the modal instead."""
    opener = client.views_push if push else client.views_open
    opened = opener(trigger_id=trigger_id, view=ui.loading_modal(t))["view"]
    try:
        view = build()
    except DomainError as err:
        view = ui.notice_modal(t, title=t("Salespath"), text=":warning: " + err.render(t))
    client.views_update(view_id=opened["id"], hash=opened["hash"], view=view)


def _errors(t: Translator, errors: dict[str, DomainError]) -> dict[str, str]:
    return {block: err.render(t) for block, err in errors.items()}


def _check_owner(actor: Actor, deal: Deal, meta: dict) -> None:
    """The deal may have changed hands since the modal opened."""
    owner = meta.get("o")
    if owner and deal.owner_id != owner and not actor.is_manager:
        raise PermissionDenied(
            N_(
                "“{deal}” now belongs to <@{owner}>, so only they or a manager can change it. "
                "Nothing was saved; your answers are still here."
            ),
            deal=deal.name,
            owner=deal.owner_id,
        )
    ensure_can_change(actor, deal)


# --- checklist modals -------------------------------------------------------------------


def _form_values(kind: str, data: dict, locale: str) -> dict[str, Any]:
    """Stored answers → what the modal's inputs start with."""
    if kind == cl.SPIN:
        return {cl.AWARENESS: data.get("awareness"), **(data.get("fields") or {})}
    values: dict[str, Any] = {}
    for choice in cl.VALUE_FIELDS:
        money = cl.money_of(data.get(choice.key))
        values[choice.key] = format_money(money, locale) if money else None
    for key in cl.BATNA_TEXTS:
        values[key] = data.get(key)
    for key in cl.CHOICES_BY_FIELD:
        values[key] = data.get(key) or []
    return values


def _checklist_modal(t: Translator, form: ui.ChecklistForm, meta: dict) -> dict:
    if form.kind == cl.SPIN:
        return ui.spin_modal(t, form, mode=meta["m"], metadata=dumps(meta))
    return ui.batna_modal(t, form, metadata=dumps(meta))


def checklist_view(
    context: BoltContext,
    *,
    kind: str,
    deal_id: int,
    channel: str | None,
    then: dict | None = None,
    response_url: str | None = None,
) -> dict:
    """The SPIN or BATNA modal for a deal, pre-filled with its latest version."""
    services, t = services_of(context), translator_of(context)
    with services.db.read() as s:
        deal = store.get_deal(session=s, team_id=context.team_id, deal_id=deal_id)
        ensure_can_change(actor_of(context, s), deal)
        latest = cstore.latest_checklist(
            session=s, team_id=context.team_id, deal_id=deal.id, kind=kind
        )
    data = latest.data if latest else {}
    basis = ui.Basis(latest.version, latest.created_by, latest.created_at) if latest else ui.Basis()
    meta = {
        "d": deal.id,
        "n": deal.name,
        "k": kind,
        "o": deal.owner_id,
        "v": basis.version,
        "b": basis.by,
        "a": basis.at.isoformat() if basis.at else None,
        "m": data.get("mode") or cl.MODE_SPIN,
        "c": channel,
        "then": then,
        "r": response_url,
    }
    form = ui.ChecklistForm(
        kind=kind,
        deal_id=deal.id,
        deal_name=deal.name,
        values=_form_values(kind, data, t.locale),
        basis=basis,
        currency=deal.currency,
    )
    return _checklist_modal(t, form, meta)


def _form_from_meta(meta: dict, values: dict, *, notice: str | None = None) -> ui.ChecklistForm:
    at = datetime.fromisoformat(meta["a"]) if meta.get("a") else None
    return ui.ChecklistForm(
        kind=meta["k"],
        deal_id=meta["d"],
        deal_name=meta.get("n") or "",
        values=values,
        basis=ui.Basis(meta.get("v") or 0, meta.get("b"), at),
        currency=meta.get("cur") or "IDR",
        notice=notice,
    )


def spin_refresh(ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient):
    """Awareness picked or variant switched: redraw the SPIN modal, keeping every answer."""
    ack()
    t = translator_of(context)
    view = body["view"]
    meta = _meta(view)
    if action["action_id"] == ids.ACTION_SPIN_MODE and action.get("value") in cl.QUESTIONS_BY_MODE:
        meta["m"] = action["value"]
    values = _flatten(view["state"]["values"])
    form = _form_from_meta(meta, values)
    client.views_update(
        view_id=view["id"],
        hash=view.get("hash"),
        view=ui.spin_modal(t, form, mode=meta["m"], metadata=dumps(meta)),
    )


def _read_checklist(
    context: BoltContext, meta: dict, raw: dict
) -> tuple[dict, dict[str, DomainError], Deal | None]:
    services, t = services_of(context), translator_of(context)
    try:
        with services.db.read() as s:
            deal = store.get_deal(session=s, team_id=context.team_id, deal_id=int(meta["d"]))
    except DomainError as err:
        return {}, {FIRST_BLOCK[meta["k"]]: err}, None
    if meta["k"] == cl.SPIN:
        data, errors = cl.read_spin({**raw, "mode": meta.get("m")})
    else:
        data, errors = cl.read_batna(raw, default_currency=deal.currency, locale=t.locale)
    return data, dict(errors), deal


def checklist_submitted(
    ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient
) -> None:
    services, t = services_of(context), translator_of(context)
    team_id, key = context.team_id, request_key(body)
    meta = _meta(view)
    kind = meta.get("k")
    if kind not in cl.KINDS or not meta.get("d"):
        raise ValueError("checklist modal without its metadata")
    raw = _flatten(view["state"]["values"])
    data, errors, deal = _read_checklist(context, meta, raw)
    if errors:
        return ack(response_action="errors", errors=_errors(t, errors))
    meta["cur"] = deal.currency
    done = filled = None
    try:
        with services.db.transaction() as s:
            prev = store.previous_result(session=s, team_id=team_id, key=key) if key else None
            if prev:
                done = cstore.get_checklist_version(
                    session=s, team_id=team_id, version_id=int(prev)
                )
            else:
                deal = store.lock_deal(session=s, team_id=team_id, deal_id=deal.id)
                _check_owner(actor_of(context, s), deal, meta)
                latest = cstore.latest_checklist(
                    session=s, team_id=team_id, deal_id=deal.id, kind=kind
                )
                if (latest.version if latest else 0) != (meta.get("v") or 0):
                    return _newer_version(ack, t, meta, raw, latest)
                filled = cl.completion(kind, data)
                done = cstore.save_checklist(
                    session=s,
                    team_id=team_id,
                    deal=deal,
                    kind=kind,
                    data=data,
                    filled=filled.filled,
                    parts=filled.total,
                    by=context.user_id,
                    now=services.now(),
                )
                if key:
                    store.record_request(session=s, team_id=team_id, key=key, result=str(done.id))
    except IntegrityError:  # a concurrent save of the same version, or of this very request
        with services.db.read() as s:
            prev = store.previous_result(session=s, team_id=team_id, key=key) if key else None
            if not prev:
                latest = cstore.latest_checklist(
                    session=s, team_id=team_id, deal_id=deal.id, kind=kind
                )
                return _newer_version(ack, t, meta, raw, latest)
            done = cstore.get_checklist_version(session=s, team_id=team_id, version_id=int(prev))
    except DomainError as err:
        return ack(response_action="errors", errors={FIRST_BLOCK[kind]: err.render(t)})
    ack()
    msg = ui.checklist_saved_message(
        t, deal_id=deal.id, deal_name=deal.name, v=_version_view(done), locale=t.locale
    )
    post_privately(client, context, meta.get("c"), msg)
    if meta.get("then"):
        _complete_move(context, client, meta, deal.id, key)


def _newer_version(ack: Ack, t: Translator, meta: dict, raw: dict, latest) -> None:
    """Someone saved meanwhile: show it, keep this user's answers, and save on the next try."""
    notice = t(
        "<@{by}> saved version {v} while you were writing ({day}). Your answers are still "
        "here: Save again to make them version {n}, or Cancel to keep theirs "
        "(`/pipeline {deal} history` shows both).",
        by=latest.created_by if latest else "?",
        v=latest.version if latest else 0,
        day=latest.created_at.date().isoformat() if latest else "",
        n=(latest.version if latest else 0) + 1,
        deal=meta.get("n") or "",
    )
    meta.update(
        v=latest.version if latest else 0,
        b=latest.created_by if latest else None,
        a=latest.created_at.isoformat() if latest else None,
    )
    values = raw if meta["k"] == cl.BATNA else {**raw}
    form = _form_from_meta(meta, values, notice=notice)
    ack(response_action="update", view=_checklist_modal(t, form, meta))


def _complete_move(
    context: BoltContext, client: WebClient, meta: dict, deal_id: int, key: str | None
) -> None:
    """The checklist was what a gate waited for: make the move, and say so where the gate's
    message was (or privately)."""
    t = translator_of(context)
    then = meta["then"]
    try:
        msg = flows.advance_deal(
            context=context,
            deal_id=deal_id,
            keyword=then.get("kw"),
            rest=then.get("rest") or "",
            key=f"{key}:move" if key else None,
            confirmed=True,
            expect_stage=then.get("from"),
        )
    except DomainError as err:
        msg = message(":warning: " + err.render(t))
    if meta.get("r"):
        sent = WebhookClient(meta["r"]).send(
            replace_original=True, response_type="ephemeral", **msg
        )
        if sent.status_code == 200:
            return
    post_privately(client, context, meta.get("c"), msg)


def _version_view(v: ChecklistVersion) -> ui.VersionView:
    return ui.VersionView(v.kind, v.version, v.data, v.filled, v.parts, v.created_by, v.created_at)


def open_checklist(*, body, action, context, client, respond) -> None:
    """A "Fill SPIN/BATNA" button: on a card or a gate (open), or in the meeting modal (push)."""
    t = translator_of(context)
    kind = KIND_BY_ACTION[action["action_id"]]
    if body.get("view"):  # inside the meeting log: the deal is the one picked there
        view = body["view"]
        picked = _flatten(view["state"]["values"]).get(ids.BLOCK_DEAL) or _meta(view).get("d")
        if not picked:
            client.views_push(
                trigger_id=body["trigger_id"],
                view=ui.notice_modal(
                    t,
                    title=t(ui.TITLE[kind]),
                    text=":point_left: " + t("Pick the deal first, then open the checklist."),
                ),
            )
            return
        channel = _meta(view).get("c")
        return _open_then_fill(
            client,
            t,
            body["trigger_id"],
            lambda: checklist_view(context, kind=kind, deal_id=int(picked), channel=channel),
            push=True,
        )
    p = json.loads(action["value"])
    then = p.get("then")
    channel = (body.get("channel") or {}).get("id")
    _open_then_fill(
        client,
        t,
        body["trigger_id"],
        lambda: checklist_view(
            context,
            kind=p.get("k") or kind,
            deal_id=int(p["d"]),
            channel=channel,
            then=then,
            response_url=body.get("response_url") if then else None,
        ),
    )


def pick_checklist_deal(*, body, action, context, client, respond) -> None:
    p = json.loads(action["value"])
    action = {
        **action,
        "action_id": ids.ACTION_OPEN_SPIN if p["k"] == cl.SPIN else ids.ACTION_OPEN_BATNA,
    }
    open_checklist(body=body, action=action, context=context, client=client, respond=respond)


def move_anyway(*, body, action, context, client, respond) -> None:
    p = json.loads(action["value"])
    then = p.get("then") or {}
    msg = flows.advance_deal(
        context=context,
        deal_id=int(p["d"]),
        keyword=then.get("kw"),
        rest=then.get("rest") or "",
        key=request_key(body),
        confirmed=True,
        expect_stage=then.get("from"),
        gate_override=True,
    )
    _answer(respond, body, client, context, msg, replace=True)


# --- /spin and /batna -------------------------------------------------------------------


def _checklist_command(
    kind: str, *, ack: Ack, body: dict, text: str, context: BoltContext, client: WebClient, command
) -> None:
    services, t = services_of(context), translator_of(context)
    if not text:
        return ack(response_type="ephemeral", **help_message(USAGE[command["command"]], t))
    with services.db.read() as s:
        found = resolve_deal(session=s, team_id=context.team_id, text=text)
        if found.deal is not None:
            ensure_can_change(actor_of(context, s), found.deal)
    if found.deal is None:
        choices = found.choices or found.suggestions
        if not choices:
            raise InvalidInput(
                N_("No deal matches “{typed}”. Add one with /prospect <name>."), typed=text
            )
        return ack(
            response_type="ephemeral",
            **ui.pick_deal_message(
                t,
                kind=kind,
                choices=[(c.id, c.name) for c in choices],
                typed=text,
                suggestions=not found.choices,
            ),
        )
    ack()
    deal_id = found.deal.id
    _open_then_fill(
        client,
        t,
        body["trigger_id"],
        lambda: checklist_view(
            context, kind=kind, deal_id=deal_id, channel=command.get("channel_id")
        ),
    )


def spin(**kw) -> None:
    _checklist_command(cl.SPIN, **kw)


def batna(**kw) -> None:
    _checklist_command(cl.BATNA, **kw)


def register_commands(app: App) -> None:
    from handlers.commands import _guard  # commands imports this module

    app.command(ids.CMD_SPIN)(_guard(spin))
    app.command(ids.CMD_BATNA)(_guard(batna))


# --- the meeting log --------------------------------------------------------------------


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
        today=_today(context, services.now()),
        stages=[(st.id, st.name) for st in stages if st.kind != store.LOST],
        deal=ui.DealOption(deal.id, deal.name, deal.status) if deal else None,
        current_next_step=deal.next_step if deal else None,
    )
    return ui.meeting_modal(t, form, metadata=dumps(meta))


def log_meeting_shortcut(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()
    _open_then_fill(
        client,
        translator_of(context),
        body["trigger_id"],
        lambda: meeting_view(context, deal_id=None, channel=None),
    )


def log_meeting_button(*, body, action, context, client, respond) -> None:
    """The "Log meeting" button on every deal reply."""
    channel = (body.get("channel") or {}).get("id")
    _open_then_fill(
        client,
        translator_of(context),
        body["trigger_id"],
        lambda: meeting_view(context, deal_id=int(action["value"]), channel=channel),
    )


def _activity_view(a: Activity) -> ui.ActivityView:
    return ui.ActivityView(
        kind=a.kind,
        on=a.occurred_on,
        notes=a.notes,
        by=a.created_by,
        outcome=a.outcome,
        attendees=[(x["name"], x.get("role")) for x in a.attendees or []],
        next_step=a.next_step,
        moved=f"{a.stage_from} → {a.stage_to}" if a.stage_to else None,
        link=a.message_link,
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


def meeting_submitted(
    ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient
) -> None:
    services, t = services_of(context), translator_of(context)
    team_id, key, now = context.team_id, request_key(body), services.now()
    meta = _meta(view)
    log, errors = cl.read_meeting(_flatten(view["state"]["values"]), today=_today(context, now))
    if errors:
        return ack(response_action="errors", errors=_errors(t, errors))
    warnings: list[str] = []
    try:
        with services.db.transaction() as s:
            prev = store.previous_result(session=s, team_id=team_id, key=key) if key else None
            if prev:
                row = s.get(Activity, int(prev))
                deal = store.get_deal(session=s, team_id=team_id, deal_id=row.deal_id)
            else:
                deal = store.lock_deal(session=s, team_id=team_id, deal_id=log.deal_id)
                actor = actor_of(context, s)
                _check_owner(actor, deal, meta if meta.get("d") == deal.id else {})
                moved_from, moved_to, warnings = _meeting_move(s, t, actor, deal, log.stage_id, now)
                if log.next_step:
                    store.update_deal(
                        session=s,
                        team_id=team_id,
                        deal=deal,
                        by=context.user_id,
                        now=now,
                        changes=store.DealChanges(
                            next_step=log.next_step, next_step_due=log.next_step_due
                        ),
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
                if key:
                    store.record_request(session=s, team_id=team_id, key=key, result=str(row.id))
    except IntegrityError:  # this very request, committed concurrently
        return ack()
    except InvalidInput as err:
        return ack(response_action="errors", errors={err.field or ids.BLOCK_DEAL: err.render(t)})
    except DomainError as err:
        return ack(response_action="errors", errors={ids.BLOCK_DEAL: err.render(t)})
    ack()
    msg = ui.meeting_saved_message(
        t, deal_id=deal.id, deal_name=deal.name, a=_activity_view(row), extra=warnings
    )
    post_privately(client, context, meta.get("c"), msg)


# --- "Add to deal": a message becomes a note --------------------------------------------


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
    client.views_update(
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
        return _today(context, datetime.fromtimestamp(float(ts or ""), tz=UTC))
    except (TypeError, ValueError, OverflowError):
        return fallback


def note_submitted(
    ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient
) -> None:
    services, t = services_of(context), translator_of(context)
    team_id, key, now = context.team_id, request_key(body), services.now()
    meta = _meta(view)
    raw = _flatten(view["state"]["values"])
    errors: dict[str, DomainError] = {}
    deal_id = raw.get(ids.BLOCK_DEAL)
    notes = (raw.get(ids.BLOCK_NOTES) or "").strip()
    if not (isinstance(deal_id, str) and deal_id.isdigit()):
        errors[ids.BLOCK_DEAL] = InvalidInput(N_("Pick the deal to add this note to."))
    if not notes:
        errors[ids.BLOCK_NOTES] = InvalidInput(N_("Write the note (the message's text, or yours)."))
    elif len(notes) > cl.NOTES_MAX:
        errors[ids.BLOCK_NOTES] = InvalidInput(
            N_("The notes are {n} characters; keep them under {max}."),
            n=len(notes),
            max=cl.NOTES_MAX,
        )
    if errors:
        return ack(response_action="errors", errors=_errors(t, errors))
    link = meta.get("l") or (
        _fallback_link(meta["c"], meta["ts"]) if meta.get("c") and meta.get("ts") else None
    )
    try:
        with services.db.transaction() as s:
            prev = store.previous_result(session=s, team_id=team_id, key=key) if key else None
            if prev:
                row = s.get(Activity, int(prev))
                deal = store.get_deal(session=s, team_id=team_id, deal_id=row.deal_id)
            else:
                deal = store.lock_deal(session=s, team_id=team_id, deal_id=int(deal_id))
                ensure_can_change(actor_of(context, s), deal)
                row = cstore.add_activity(
                    session=s,
                    team_id=team_id,
                    deal=deal,
                    by=context.user_id,
                    now=now,
                    new=cstore.NewActivity(
                        kind=cstore.NOTE,
                        occurred_on=_message_day(meta.get("ts"), context, _today(context, now)),
                        notes=notes,
                        message_link=link,
                        message_author=meta.get("a"),
                    ),
                )
                if key:
                    store.record_request(session=s, team_id=team_id, key=key, result=str(row.id))
    except IntegrityError:
        return ack()
    except DomainError as err:
        return ack(response_action="errors", errors={ids.BLOCK_DEAL: err.render(t)})
    ack()
    msg = ui.note_saved_message(t, deal_id=deal.id, deal_name=deal.name, a=_activity_view(row))
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


# --- deal cards and history -------------------------------------------------------------


def card_extras(*, session: Session, context: BoltContext, deal: Deal) -> list:
    """The checklist and meeting blocks of a deal card (``flows.card``)."""
    t = translator_of(context)
    latest = {
        kind: v
        for kind in cl.KINDS
        if (
            v := cstore.latest_checklist(
                session=session, team_id=deal.team_id, deal_id=deal.id, kind=kind
            )
        )
    }
    activities = cstore.list_activities(
        session=session, team_id=deal.team_id, deal_id=deal.id, limit=3
    )
    return ui.card_blocks(
        t,
        deal_id=deal.id,
        deal_name=deal.name,
        latest={k: _version_view(v) for k, v in latest.items()},
        activities=[_activity_view(a) for a in activities],
        locale=t.locale,
    )


def split_history(text: str) -> tuple[str, bool]:
    """``Acme history`` → ("Acme", True)."""
    words = text.split()
    if len(words) > 1 and words[-1].lower() in HISTORY_WORDS:
        return " ".join(words[:-1]), True
    return text, False


def history(*, context: BoltContext, deal_id: int) -> dict:
    services, t = services_of(context), translator_of(context)
    with services.db.read() as s:
        deal = store.get_deal(session=s, team_id=context.team_id, deal_id=deal_id)
        versions = cstore.list_checklist_versions(
            session=s, team_id=context.team_id, deal_id=deal.id, limit=40
        )
        counts = cstore.count_checklist_versions(
            session=s, team_id=context.team_id, deal_id=deal.id
        )
        activities = cstore.list_activities(
            session=s, team_id=context.team_id, deal_id=deal.id, limit=30
        )
    return ui.history_message(
        t,
        deal_id=deal.id,
        deal_name=deal.name,
        versions=[_version_view(v) for v in versions],
        counts=counts,
        activities=[_activity_view(a) for a in activities],
        locale=t.locale,
    )


# --- stage gates ------------------------------------------------------------------------


def _gate_rows(s: Session, team_id: str) -> list[ui.GateRow]:
    return [
        ui.GateRow(st.id, st.name, st.gate_checklist, st.gate_mode)
        for st in store.list_stages(session=s, team_id=team_id)
        if st.kind != store.LOST
    ]


def _ensure_manager(actor: Actor) -> None:
    if not actor.is_manager:
        raise PermissionDenied(
            N_(
                "Only a manager (a workspace admin or owner, or someone named with "
                "/pipeline managers add) can change the stage gates."
            )
        )


def gates_list(*, context: BoltContext) -> dict:
    services, t = services_of(context), translator_of(context)
    with services.db.read() as s:
        rows = _gate_rows(s, context.team_id)
        can_edit = actor_of(context, s).is_manager
    return ui.gates_message(t, rows, can_edit=can_edit)


def edit_gates(*, body, action, context, client, respond) -> None:
    services, t = services_of(context), translator_of(context)

    def build() -> dict:
        with services.db.read() as s:
            _ensure_manager(actor_of(context, s))
            return ui.gates_modal(t, _gate_rows(s, context.team_id))

    _open_then_fill(client, t, body["trigger_id"], build)


GATE_BLOCK = re.compile(rf"^{ids.BLOCK_GATE_PREFIX}(\d+)$")


def gates_submitted(
    ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient
) -> None:
    services, t = services_of(context), translator_of(context)
    raw = _flatten(view["state"]["values"])
    chosen, errors = {}, {}
    for block, value in raw.items():
        m = GATE_BLOCK.match(block)
        if m:
            try:
                chosen[int(m.group(1))] = gates.parse_choice(value)
            except InvalidInput as err:
                errors[block] = err.render(t)
    if errors:
        return ack(response_action="errors", errors=errors)
    first = next(iter(raw), None)
    try:
        with services.db.transaction() as s:
            _ensure_manager(actor_of(context, s))
            cstore.set_stage_gates(session=s, team_id=context.team_id, gates=chosen)
            rows = _gate_rows(s, context.team_id)
    except DomainError as err:
        return ack(response_action="errors", errors={first: err.render(t)} if first else {})
    ack()
    post_privately(client, context, None, ui.gates_message(t, rows, can_edit=True, saved=True))


# --- registration -----------------------------------------------------------------------


def register(app: App) -> None:
    """Actions, modal submissions and type-ahead options (commands: ``register_commands``)."""
    app.action(ids.ACTION_OPEN_SPIN)(_guarded(open_checklist))
    app.action(ids.ACTION_OPEN_BATNA)(_guarded(open_checklist))
    app.action(re.compile(rf"^{ids.ACTION_PICK_CHECKLIST_DEAL}_\d+$"))(
        _guarded(pick_checklist_deal)
    )
    app.action(ids.ACTION_GATE_MOVE_ANYWAY)(_guarded(move_anyway))
    app.action(ids.ACTION_EDIT_GATES)(_guarded(edit_gates))
    app.action(ids.ACTION_SPIN_AWARENESS)(spin_refresh)
    app.action(ids.ACTION_SPIN_MODE)(spin_refresh)
    app.options(ids.ACTION_DEAL_SEARCH)(deal_suggestions)
    app.view(ids.VIEW_SPIN)(checklist_submitted)
    app.view(ids.VIEW_BATNA)(checklist_submitted)
    app.view(ids.VIEW_MEETING)(meeting_submitted)
    app.view(ids.VIEW_NOTE)(note_submitted)
    app.view(ids.VIEW_GATES)(gates_submitted)
