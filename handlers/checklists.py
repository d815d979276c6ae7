"""/spin and /batna: the SPIN checklist and the BATNA sheet of a deal.

The modal opens at once with a loading view and is filled with ``views.update``; its
``private_metadata`` carries the deal, its owner and the version it was pre-filled from, and is
checked on submit. Each submission is a new version, saved in one transaction recorded against
the request's trigger_id, so Slack's retries never save twice. When a stage gate waited for the
checklist, saving it completes the move."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot import ids
from bot.core import checklists as cl
from bot.core.deals import ensure_can_change, resolve_deal
from bot.core.errors import DomainError, InvalidInput
from bot.core.i18n import N_, Translator
from bot.core.money import format_money
from handlers import flows
from handlers.actions import answer_privately, guard_action
from handlers.common import actor_of, request_key, services_of, translator_of
from handlers.modals import (
    activity_view,
    check_owner,
    field_errors,
    flatten,
    open_then_fill,
    read_meta,
    update_view,
    version_view,
)
from handlers.ui import checklists as ui
from handlers.ui.common import compact_json, echo_line, help_message, message
from handlers.ui.forms import notice_modal
from handlers.ui.usage import USAGE
from handlers.views import post_privately
from storage import checklists as cstore
from storage import deals as store
from storage.models import Deal

KIND_BY_ACTION = {ids.ACTION_OPEN_SPIN: cl.SPIN, ids.ACTION_OPEN_BATNA: cl.BATNA}
FIRST_BLOCK = {cl.SPIN: ids.BLOCK_AWARENESS, cl.BATNA: cl.POSSIBLE}


HISTORY_WORDS = ("history", "riwayat")
HISTORY_PAGE_SIZE = 5  # versions of each checklist on one page of a deal's history


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
        return ui.spin_modal(t, form, mode=meta["m"], metadata=compact_json(meta))
    return ui.batna_modal(t, form, metadata=compact_json(meta))


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
        "n": deal.name[:100],  # for display when the modal is redrawn
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
    meta = read_meta(view)
    if action["action_id"] == ids.ACTION_SPIN_MODE and action.get("value") in cl.QUESTIONS_BY_MODE:
        meta["m"] = action["value"]
    values = flatten(view["state"]["values"])
    form = _form_from_meta(meta, values)
    update_view(
        client,
        view_id=view["id"],
        hash=view.get("hash"),
        view=ui.spin_modal(t, form, mode=meta["m"], metadata=compact_json(meta)),
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
    meta = read_meta(view)
    kind = meta.get("k")
    if kind not in cl.KINDS or not meta.get("d"):
        raise ValueError("checklist modal without its metadata")
    raw = flatten(view["state"]["values"])
    data, errors, deal = _read_checklist(context, meta, raw)
    if errors:
        return ack(response_action="errors", errors=field_errors(t, errors))
    meta["cur"] = deal.currency
    try:
        with services.db.transaction() as s:
            if key and store.previous_result(session=s, team_id=team_id, key=key):
                return ack()  # a Slack retry: saved (and answered) the first time
            deal = store.lock_deal(session=s, team_id=team_id, deal_id=deal.id)
            check_owner(actor_of(context, s), deal, meta)
            latest = cstore.latest_checklist(session=s, team_id=team_id, deal_id=deal.id, kind=kind)
            if (latest.version if latest else 0) != (meta.get("v") or 0):
                return _newer_version(ack, t, meta, raw, latest)
            parts = cl.completion(kind, data)
            done = cstore.save_checklist(
                session=s,
                team_id=team_id,
                deal=deal,
                kind=kind,
                data=data,
                filled=parts.filled,
                parts=parts.total,
                by=context.user_id,
                now=services.now(),
            )
            if key:
                store.record_request(session=s, team_id=team_id, key=key, result=str(done.id))
    except IntegrityError:  # a concurrent save of the same version, or of this very request
        with services.db.read() as s:
            if key and store.previous_result(session=s, team_id=team_id, key=key):
                return ack()
            latest = cstore.latest_checklist(session=s, team_id=team_id, deal_id=deal.id, kind=kind)
        return _newer_version(ack, t, meta, raw, latest)
    except DomainError as err:
        return ack(response_action="errors", errors={FIRST_BLOCK[kind]: err.render(t)})
    ack()
    msg = ui.checklist_saved_message(
        t, deal_id=deal.id, deal_name=deal.name, v=version_view(done), locale=t.locale
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
    form = _form_from_meta(meta, raw, notice=notice)
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


def open_checklist(*, body, action, context, client, respond) -> None:
    """A "Fill SPIN/BATNA" button: on a card or a gate (open), or in the meeting modal (push)."""
    t = translator_of(context)
    kind = KIND_BY_ACTION[action["action_id"]]
    if body.get("view"):  # inside the meeting log: the deal is the one picked there
        view = body["view"]
        picked = flatten(view["state"]["values"]).get(ids.BLOCK_DEAL) or read_meta(view).get("d")
        if not picked:
            client.views_push(
                trigger_id=body["trigger_id"],
                view=notice_modal(
                    t,
                    title=t(ui.TITLE[kind]),
                    text=":point_left: " + t("Pick the deal first, then open the checklist."),
                ),
            )
            return
        channel = read_meta(view).get("c")
        return open_then_fill(
            client,
            t,
            body["trigger_id"],
            lambda: checklist_view(context, kind=kind, deal_id=int(picked), channel=channel),
            push=True,
        )
    p = json.loads(action["value"])
    then = p.get("then")
    channel = (body.get("channel") or {}).get("id")
    open_then_fill(
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
    """A deal picked for /spin or /batna: in the modal the command opened (the checklist
    replaces the picker), or in a message (a modal opens)."""
    p = json.loads(action["value"])
    if body.get("view"):
        view, t = body["view"], translator_of(context)
        try:
            filled = checklist_view(
                context, kind=p["k"], deal_id=int(p["d"]), channel=read_meta(view).get("c")
            )
        except DomainError as err:
            filled = ui.problem_modal(t, kind=p["k"], problem=err.render(t))
        update_view(client, view_id=view["id"], hash=view.get("hash"), view=filled)
        return
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
    answer_privately(respond, body, client, context, msg, replace=True)


def _command_view(
    context: BoltContext, *, kind: str, text: str, command: str, channel: str | None
) -> dict:
    """What the modal /spin or /batna opened shows once the deal is found: its checklist,
    a picker when the text names several deals (or only comes close), or the problem."""
    services, t = services_of(context), translator_of(context)
    echo = echo_line(t, command, text)
    try:
        with services.db.read() as s:
            found = resolve_deal(session=s, team_id=context.team_id, text=text)
        if found.deal is not None:  # checks who may change it
            return checklist_view(context, kind=kind, deal_id=found.deal.id, channel=channel)
        choices = found.choices or found.suggestions
        if not choices:
            raise InvalidInput(
                N_("No deal matches “{typed}”. Add one with /prospect <name>."), typed=text
            )
    except DomainError as err:
        return ui.problem_modal(t, kind=kind, problem=err.render(t), echo=echo)
    return ui.pick_deal_modal(
        t,
        kind=kind,
        choices=[(c.id, c.name) for c in choices],
        typed=text,
        suggestions=not found.choices,
        echo=echo,
        metadata=compact_json({"k": kind, "c": channel}),
    )


def _checklist_command(
    kind: str, *, ack: Ack, body: dict, text: str, context: BoltContext, client: WebClient, command
) -> None:
    """Ack and open the modal at once (the trigger_id lives 3 seconds), then find the deal."""
    t = translator_of(context)
    if not text:
        return ack(response_type="ephemeral", **help_message(USAGE[command["command"]], t))
    ack()
    open_then_fill(
        client,
        t,
        body["trigger_id"],
        lambda: _command_view(
            context,
            kind=kind,
            text=text,
            command=command["command"],
            channel=command.get("channel_id"),
        ),
    )


def spin(**kw) -> None:
    _checklist_command(cl.SPIN, **kw)


def batna(**kw) -> None:
    _checklist_command(cl.BATNA, **kw)


def register_commands(app: App) -> None:
    from handlers.commands import guard_command  # commands imports this module

    app.command(ids.CMD_SPIN)(guard_command(spin))
    app.command(ids.CMD_BATNA)(guard_command(batna))


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
        latest={k: version_view(v) for k, v in latest.items()},
        activities=[activity_view(a) for a in activities],
        locale=t.locale,
    )


def digest_completion(session: Session, team_id: str, deal_ids: Sequence[int]) -> dict[int, str]:
    """Checklist completion per deal, for the digest (``bot.usecases.digest.CompletionHook``)."""
    latest = cstore.latest_completion(session=session, team_id=team_id, deal_ids=deal_ids)
    return {
        deal_id: cl.completion_label(
            {k: (v.filled, v.parts) for k, v in latest.get(deal_id, {}).items()}
        )
        for deal_id in deal_ids
    }


@dataclass(frozen=True)
class HistoryQuery:
    """``/pipeline <deal> history [spin|batna] [page]``, read."""

    name: str
    kind: str | None = None  # one checklist paged through; None: the whole history
    page: int = 1


def history_query(text: str) -> HistoryQuery | None:
    """``Acme history`` → ("Acme"); ``Acme history spin 2`` → ("Acme", "spin", 2); None
    when the text does not ask for a history."""
    words = text.split()
    page, kind = 1, None
    if len(words) > 3 and words[-1].isascii() and words[-1].isdigit():
        page, words = max(1, min(int(words[-1]), 10_000)), words[:-1]
        if words[-1].lower() not in cl.KINDS:  # a page only follows a checklist's name
            return None
    if len(words) > 2 and words[-1].lower() in cl.KINDS:
        kind, words = words[-1].lower(), words[:-1]
    if len(words) > 1 and words[-1].lower() in HISTORY_WORDS:
        return HistoryQuery(" ".join(words[:-1]), kind, page)
    return None


def split_history(text: str) -> tuple[str, bool]:
    """``Acme history`` (or ``Acme history spin 2``) → ("Acme", True)."""
    query = history_query(text)
    return (query.name, True) if query else (text, False)


def history_page(text: str) -> dict[str, Any]:
    """The checklist and page ``text`` asks for, as ``history``'s keyword arguments."""
    query = history_query(text)
    return {"kind": query.kind, "page": query.page} if query else {}


def history(*, context: BoltContext, deal_id: int, kind: str | None = None, page: int = 1) -> dict:
    """A deal's history: one page of each checklist (newest first) with its meetings and
    notes or, with ``kind``, page ``page`` of that checklist alone."""
    services, t = services_of(context), translator_of(context)
    kind = kind if kind in cl.KINDS else None
    kinds = (kind,) if kind else cl.KINDS
    size = HISTORY_PAGE_SIZE
    with services.db.read() as s:
        deal = store.get_deal(session=s, team_id=context.team_id, deal_id=deal_id)
        counts = cstore.count_checklist_versions(
            session=s, team_id=context.team_id, deal_id=deal.id
        )
        sections = []
        for k in kinds:
            total = counts.get(k, 0)
            # only a paged checklist goes past its first page, and never past its last
            shown = min(max(page, 1), max(1, -(-total // size))) if kind else 1
            rows = cstore.list_checklist_page(
                session=s,
                team_id=context.team_id,
                deal_id=deal.id,
                kind=k,
                limit=size,
                offset=(shown - 1) * size,
            )
            sections.append(ui.HistoryPage(k, [version_view(v) for v in rows], total, shown, size))
        activities = (
            []
            if kind
            else cstore.list_activities(
                session=s, team_id=context.team_id, deal_id=deal.id, limit=30
            )
        )
    return ui.history_message(
        t,
        deal_id=deal.id,
        deal_name=deal.name,
        sections=sections,
        activities=[activity_view(a) for a in activities],
        locale=t.locale,
        paged=kind is not None,
    )


def history_pressed(*, body, action, context, client, respond) -> None:
    """Older / Newer / Full history under a history: the message becomes that page."""
    p = json.loads(action["value"])
    msg = history(context=context, deal_id=int(p["d"]), kind=p.get("k"), page=int(p.get("p") or 1))
    answer_privately(respond, body, client, context, msg, replace=True)


def register(app: App) -> None:
    """Buttons and modal submissions of the checklists (commands: ``register_commands``)."""
    app.action(ids.ACTION_OPEN_SPIN)(guard_action(open_checklist))
    app.action(ids.ACTION_OPEN_BATNA)(guard_action(open_checklist))
    app.action(re.compile(rf"^{ids.ACTION_PICK_CHECKLIST_DEAL}_\d+$"))(
        guard_action(pick_checklist_deal)
    )
    app.action(ids.ACTION_GATE_MOVE_ANYWAY)(guard_action(move_anyway))
    app.action(re.compile(rf"^{ui.ACTION_HISTORY_PAGE}_\w+$"))(guard_action(history_pressed))
    app.action(ids.ACTION_SPIN_AWARENESS)(spin_refresh)
    app.action(ids.ACTION_SPIN_MODE)(spin_refresh)
    app.view(ids.VIEW_SPIN)(checklist_submitted)
    app.view(ids.VIEW_BATNA)(checklist_submitted)
