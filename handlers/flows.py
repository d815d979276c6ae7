"""The deal flows the listeners share: each takes the Bolt context and what the user
gave, runs one transaction through the domain and storage, and returns what to show."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from decimal import Decimal

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot import ids
from bot.core import metrics
from bot.core.deals import (
    MOVE_WORDS,
    Actor,
    apply_move,
    check_move_text,
    ensure_can_change,
    plan_move,
    resolve_deal,
)
from bot.core.errors import DomainError, InvalidInput, PermissionDenied
from bot.core.i18n import N_, Translator
from bot.core.matching import normalise, split_command
from bot.core.money import Money, format_money
from bot.core.playbook import playbook_for, render_playbook
from bot.core.quickadd import parse_quick_add
from bot.core.reasons import DMU_ROLES, LOST_REASONS
from handlers.common import actor_of, services_of, summarise, translator_of
from handlers.modals import user_today
from handlers.ui import deals as ui
from handlers.ui.common import compact_json, notice
from storage import deals as store
from storage.models import Deal, Stage


def _understood(t: Translator, q, locale: str) -> str:
    """Each part in the order typed: the user's own words → what we made of them."""
    typed = dict((kind, words) for kind, words in q.understood)
    bits = [t("name “{name}”", name=ui.escape(q.name))]
    if q.value is not None:
        bits.append(
            t(
                "value {typed} → {value}",
                typed=ui.escape(typed.get("value", "")),
                value=format_money(q.value, locale),
            )
        )
    if q.source is not None:
        bits.append(
            t(
                "source {typed} → {source}",
                typed=ui.escape(typed.get("source", "")),
                source=t(q.source.label),
            )
        )
    if q.owner_id:
        bits.append(t("owner <@{owner}>", owner=q.owner_id))
    else:
        bits.append(t("owner you (add @someone to give it to a teammate)"))
    return t("I understood: {bits}.", bits="; ".join(bits))


def _created(session: Session, deal: Deal, t: Translator, understood: str) -> dict:
    stages = store.list_stages(session=session, team_id=deal.team_id)
    return ui.created_message(
        summarise(deal, stages, t, session), t.locale, t, understood=understood
    )


def quick_add(
    *, context: BoltContext, text: str, key: str | None, allow_duplicate: bool = False
) -> dict:
    services, t = services_of(context), translator_of(context)
    team_id, user_id = context.team_id, context.user_id
    with services.db.read() as s:
        ws = store.ensure_workspace(
            session=s, team_id=team_id, default_currency=services.settings.default_currency
        )
        default_currency = ws.default_currency
    q = parse_quick_add(text, default_currency=default_currency)
    understood = _understood(t, q, t.locale)
    try:
        with services.db.transaction() as s:
            prev = store.previous_result(session=s, team_id=team_id, key=key) if key else None
            if prev:  # a Slack retry of a request we already handled
                deal = store.get_deal(session=s, team_id=team_id, deal_id=int(prev))
                return _created(s, deal, t, understood)
            if not allow_duplicate:
                dups = store.find_open_duplicates(session=s, team_id=team_id, name=q.name)
                if dups:
                    stages = store.list_stages(session=s, team_id=team_id)
                    return ui.duplicate_message(
                        t,
                        [summarise(d, stages, t) for d in dups],
                        command_text=text,
                        locale=t.locale,
                    )
            deal = store.create_deal(
                session=s,
                team_id=team_id,
                created_by=user_id,
                now=services.now(),
                new=store.NewDeal(
                    name=q.name,
                    owner_id=q.owner_id or user_id,
                    value=q.value,
                    source=q.source.key if q.source else None,
                ),
            )
            if key:
                store.record_request(session=s, team_id=team_id, key=key, result=str(deal.id))
            return _created(s, deal, t, understood)
    except IntegrityError:
        # The same request committed concurrently: show what it created.
        with services.db.read() as s:
            prev = store.previous_result(session=s, team_id=team_id, key=key) if key else None
            if prev is None:
                raise  # not a retry's copy: a real failure, for the app's error handler
            deal = store.get_deal(session=s, team_id=team_id, deal_id=int(prev))
            return _created(s, deal, t, understood)


# --- the deal modal ---------------------------------------------------------------------


def open_deal_modal(
    *,
    client: WebClient,
    context: BoltContext,
    trigger_id: str,
    channel_id: str | None,
    deal_id: int | None,
) -> None:
    services, t = services_of(context), translator_of(context)
    form = ui.DealForm(owner_id=context.user_id)
    meta = {"channel": channel_id}
    with services.db.read() as s:
        ws = store.ensure_workspace(
            session=s, team_id=context.team_id, default_currency=services.settings.default_currency
        )
        form.currency = ws.default_currency
        if deal_id is not None:
            deal = store.get_deal(session=s, team_id=context.team_id, deal_id=deal_id)
            ensure_can_change(actor_of(context, s), deal)
            contacts = store.deal_contacts(session=s, team_id=context.team_id, deal_id=deal.id)
            money = store.deal_money(deal)
            form = ui.DealForm(
                name=deal.name,
                value_text=_plain_amount(money) if money else "",
                currency=deal.currency,
                source=deal.source,
                owner_id=deal.owner_id,
                contact_name=contacts[0].name if contacts else "",
                contact_role=contacts[0].role if contacts else None,
                expected_close=deal.expected_close,
                next_step=deal.next_step or "",
                next_step_due=deal.next_step_due,
                probability=deal.probability,
            )
            meta.update(deal_id=deal.id, owner=deal.owner_id)
    client.views_open(
        trigger_id=trigger_id,
        view=ui.deal_modal(t, form, metadata=compact_json(meta), editing=deal_id is not None),
    )


def _plain_amount(money: Money) -> str:
    """The amount as the Edit form shows it: bare digits when they read back as the same
    amount in the form's currency (so changing the Currency menu changes the deal's
    currency), else with its currency code so that nothing is misread."""
    from bot.core.money import parse_amount

    text = f"{money.amount.normalize():f}"
    try:
        if parse_amount(text, default_currency=money.currency) == money:
            return text
    except InvalidInput:
        pass
    return f"{money.currency} {text}"


def _value(values: dict, block: str):
    el = values.get(block, {}).get(ids.INPUT, {})
    if "value" in el:
        return el["value"]
    if "selected_option" in el:
        return (el["selected_option"] or {}).get("value")
    if "selected_user" in el:
        return el["selected_user"]
    if "selected_date" in el:
        return el["selected_date"]
    return None


def read_deal_form(values: dict, *, default_currency: str) -> tuple[dict, dict[str, str]]:
    """Parse the modal's state into fields; collect a message per bad field."""
    from datetime import date

    from bot.core.money import parse_amount

    errors: dict[str, DomainError] = {}
    out: dict = {}
    name = (_value(values, ids.BLOCK_NAME) or "").strip()
    out["name"] = name
    if not name:
        errors[ids.BLOCK_NAME] = InvalidInput(N_("A deal needs a name."))
    currency = _value(values, ids.BLOCK_CURRENCY) or default_currency
    raw = (_value(values, ids.BLOCK_VALUE) or "").strip()
    out["value"] = None
    if raw:
        try:
            out["value"] = parse_amount(raw, default_currency=currency)
        except InvalidInput as err:
            errors[ids.BLOCK_VALUE] = err
    out["source"] = _value(values, ids.BLOCK_SOURCE)
    out["clear_source"] = out["source"] == ui.SOURCE_NONE
    if out["clear_source"]:
        out["source"] = None
    out["owner_id"] = _value(values, ids.BLOCK_OWNER)
    out["contact_name"] = (_value(values, ids.BLOCK_CONTACT_NAME) or "").strip() or None
    out["contact_role"] = _value(values, ids.BLOCK_CONTACT_ROLE)
    for block, key in (
        (ids.BLOCK_CLOSE_DATE, "expected_close"),
        (ids.BLOCK_NEXT_STEP_DUE, "next_step_due"),
    ):
        v = _value(values, block)
        out[key] = date.fromisoformat(v) if v else None
    out["next_step"] = (_value(values, ids.BLOCK_NEXT_STEP) or "").strip() or None
    if out["next_step_due"] and not out["next_step"]:
        errors[ids.BLOCK_NEXT_STEP] = InvalidInput(
            N_("Write the next step that is due on that date (or clear the date).")
        )
    prob = _value(values, ids.BLOCK_PROBABILITY)
    out["probability"] = None
    if prob not in (None, ""):
        try:
            p = int(prob)
            if not 0 <= p <= 100:
                raise ValueError
            out["probability"] = p
        except ValueError:
            errors[ids.BLOCK_PROBABILITY] = InvalidInput(
                N_("Write a whole number from 0 to 100, e.g. 40.")
            )
    return out, errors


def _past_dates(fields: dict, today, stored: Deal | None = None) -> dict[str, InvalidInput]:
    """A close date or a due date newly set before today is most likely a slip of the
    date picker; a date already stored (a deal gone overdue) may stay as it is."""
    errors = {}
    for block, key, msgid in (
        (
            ids.BLOCK_CLOSE_DATE,
            "expected_close",
            N_("That close date ({date}) is already past. Pick today or a later day."),
        ),
        (
            ids.BLOCK_NEXT_STEP_DUE,
            "next_step_due",
            N_("That due date ({date}) is already past. Pick today or a later day."),
        ),
    ):
        when = fields.get(key)
        unchanged = stored is not None and getattr(stored, key) == when
        if when is not None and when < today and not unchanged:
            errors[block] = InvalidInput(msgid, date=when.isoformat())
    return errors


def _duplicate_warning(
    s: Session, t: Translator, team_id: str, view: dict, dups: list, name: str, key: str | None
) -> str | None:
    """The new-deal form's answer to a name an open deal already has: a field error the
    first time; pressing "Add deal" again on the same form creates the second deal.

    The warning is remembered per form (Slack keeps the view id while the modal stays
    open) with the submission that got it, so a Slack retry of that submission gets
    the same warning rather than a deal."""
    if not dups:
        return None
    digest = hashlib.sha1(normalise(name).encode()).hexdigest()[:16]
    warned_key = f"dup:{view.get('id')}:{digest}"
    warned_by = store.previous_result(session=s, team_id=team_id, key=warned_key)
    if warned_by is not None and warned_by != (key or ""):
        return None  # asked once on this form, and the user pressed "Add deal" again
    if warned_by is None:
        store.record_request(session=s, team_id=team_id, key=warned_key, result=key or "")
    stages = {st.id: st.name for st in store.list_stages(session=s, team_id=team_id)}
    first = dups[0]
    return t(
        "An open deal is already called “{name}” (<@{owner}>, {stage}{more}). "
        "Press “Add deal” again to add a second one, or change the name.",
        name=first.name,
        owner=first.owner_id,
        stage=stages.get(first.stage_id, "?"),
        more=t(", and {count} more", count=len(dups) - 1) if len(dups) > 1 else "",
    )


def submit_deal_modal(
    *, context: BoltContext, view: dict, key: str | None
) -> tuple[dict | None, dict | None, str | None]:
    """Returns (field errors, message for the user, channel to post it in)."""
    services, t = services_of(context), translator_of(context)
    team_id, user_id = context.team_id, context.user_id
    meta = json.loads(view.get("private_metadata") or "{}")
    with services.db.read() as s:
        ws = store.ensure_workspace(
            session=s, team_id=team_id, default_currency=services.settings.default_currency
        )
    fields, errors = read_deal_form(view["state"]["values"], default_currency=ws.default_currency)
    if errors:
        return {b: e.render(t) for b, e in errors.items()}, None, None
    channel = meta.get("channel")
    today = user_today(context, services.now())
    try:
        with services.db.transaction() as s:
            prev = store.previous_result(session=s, team_id=team_id, key=key) if key else None
            if prev:  # a Slack retry: saved (and confirmed) the first time
                return None, None, channel
            if meta.get("deal_id"):
                deal = store.lock_deal(session=s, team_id=team_id, deal_id=int(meta["deal_id"]))
                ensure_can_change(actor_of(context, s), deal)
                past = _past_dates(fields, today, stored=deal)
                if past:
                    return {b: e.render(t) for b, e in past.items()}, None, None
                store.update_deal(
                    session=s,
                    team_id=team_id,
                    deal=deal,
                    by=user_id,
                    now=services.now(),
                    changes=store.DealChanges(
                        name=fields["name"],
                        value=fields["value"],
                        clear_value=fields["value"] is None,
                        source=fields["source"],
                        clear_source=fields["clear_source"],
                        owner_id=fields["owner_id"],
                        expected_close=fields["expected_close"],
                        clear_close=fields["expected_close"] is None,
                        next_step=fields["next_step"] or "",
                        next_step_due=fields["next_step_due"],
                        probability=fields["probability"],
                        clear_probability=fields["probability"] is None,
                        contact_name=fields["contact_name"] or "",
                        contact_role=fields["contact_role"],
                    ),
                )
                msg = ui.saved_message(t, deal_id=deal.id, name=deal.name)
            else:
                past = _past_dates(fields, today)
                if past:
                    return {b: e.render(t) for b, e in past.items()}, None, None
                dups = store.find_open_duplicates(session=s, team_id=team_id, name=fields["name"])
                if dups and key and store.previous_result(session=s, team_id=team_id, key=key):
                    return None, None, channel  # a racing copy of this request saved it
                warning = _duplicate_warning(s, t, team_id, view, dups, fields["name"], key)
                if warning:
                    return {ids.BLOCK_NAME: warning}, None, None
                deal = store.create_deal(
                    session=s,
                    team_id=team_id,
                    created_by=user_id,
                    now=services.now(),
                    new=store.NewDeal(
                        name=fields["name"],
                        owner_id=fields["owner_id"] or user_id,
                        value=fields["value"],
                        source=fields["source"],
                        contact_name=fields["contact_name"],
                        contact_role=fields["contact_role"],
                        expected_close=fields["expected_close"],
                        next_step=fields["next_step"],
                        next_step_due=fields["next_step_due"],
                    ),
                )
                stages = store.list_stages(session=s, team_id=team_id)
                msg = ui.created_message(
                    summarise(deal, stages, t, s), t.locale, t, understood=t("Added from the form.")
                )
            if key:
                store.record_request(session=s, team_id=team_id, key=key, result=str(deal.id))
    except IntegrityError:
        # A concurrent copy of this submission (a Slack retry) saved first: it answers.
        # Anything else is a real failure, for the app's error handler.
        with services.db.read() as s:
            if not key or store.previous_result(session=s, team_id=team_id, key=key) is None:
                raise
        return None, None, channel
    except DomainError as err:  # refusals too (PermissionDenied): under the name
        block = getattr(err, "field", None) or ids.BLOCK_NAME
        return {block: err.render(t)}, None, None
    return None, msg, channel


# --- moving deals -----------------------------------------------------------------------


def _moved(session: Session, deal: Deal, before: Stage, after: Stage, t: Translator) -> dict:
    stages = store.list_stages(session=session, team_id=deal.team_id)
    pb = playbook_for(after.key)
    return ui.moved_message(
        t,
        deal=summarise(deal, stages, t, session),
        before=before.name,
        after=after.name,
        playbook=render_playbook(pb, t) if pb else None,
        locale=t.locale,
    )


def advance_text(*, context: BoltContext, text: str, key: str | None) -> dict:
    services, t = services_of(context), translator_of(context)
    deal_text, keyword, rest = split_command(text, MOVE_WORDS)
    check_move_text(rest)  # before a picker carries it in its buttons
    with services.db.read() as s:
        found = resolve_deal(session=s, team_id=context.team_id, text=deal_text)
    then = {"op": "advance", "kw": keyword, "rest": rest}
    if found.deal is None:
        return _pick(t, found, then, deal_text)
    return advance_deal(context=context, deal_id=found.deal.id, keyword=keyword, rest=rest, key=key)


def _pick(t: Translator, found, then: dict, typed: str) -> dict:
    if found.choices:
        return ui.pick_deal_message(
            t, choices=[(c.id, c.name) for c in found.choices], then=then, typed=typed
        )
    if found.suggestions:
        return ui.pick_deal_message(
            t,
            choices=[(c.id, c.name) for c in found.suggestions],
            then=then,
            typed=typed,
            suggestions=True,
        )
    raise InvalidInput(
        N_(
            "No deal matches “{typed}”, and there are no deals to suggest. "
            "Add one with /prospect <name>."
        ),
        typed=typed,
    )


def advance_deal(
    *,
    context: BoltContext,
    deal_id: int,
    keyword: str | None,
    rest: str,
    key: str | None,
    confirmed: bool = False,
    expect_stage: int | None = None,
    gate_override: bool = False,  # "Move anyway" past a warning gate (never a required one)
) -> dict:
    from bot.core.gates import blocking_gate
    from handlers.ui.gates import gate_message
    from storage.checklists import checklist_kinds

    services, t = services_of(context), translator_of(context)
    team_id = context.team_id
    try:
        with services.db.transaction() as s:
            prev = store.previous_result(session=s, team_id=team_id, key=key) if key else None
            deal = store.lock_deal(session=s, team_id=team_id, deal_id=deal_id)
            if prev:  # retry of a move already made: show it again, move nothing
                before_id, after_id = (int(x) for x in prev.split(">"))
                return _moved(
                    s,
                    deal,
                    store.get_stage(session=s, team_id=team_id, stage_id=before_id),
                    store.get_stage(session=s, team_id=team_id, stage_id=after_id),
                    t,
                )
            actor = actor_of(context, s)
            ensure_can_change(actor, deal)
            if expect_stage is not None and deal.stage_id != expect_stage:
                raise InvalidInput(
                    N_(
                        "“{deal}” was moved by someone else meanwhile; "
                        "nothing changed. Look at it again with /pipeline {deal}."
                    ),
                    deal=deal.name,
                )
            stages = store.list_stages(session=s, team_id=team_id)
            plan = plan_move(stages=stages, deal=deal, keyword=keyword, rest=rest)
            if plan.needs_confirm and not confirmed:
                return ui.confirm_move_message(
                    t,
                    deal=summarise(deal, stages, t),
                    target=plan.target.name,
                    kind=plan.needs_confirm,
                    payload={
                        "deal_id": deal.id,
                        "kw": keyword,
                        "rest": rest,
                        "from": deal.stage_id,
                    },
                )
            have = checklist_kinds(session=s, team_id=team_id, deal_id=deal.id)
            gate = blocking_gate(plan.target, have)
            if gate is not None and (gate.required or not gate_override):
                return gate_message(
                    t,
                    deal_name=deal.name,
                    stage=plan.target.name,
                    checklist=gate.checklist,
                    required=gate.required,
                    payload={
                        "d": deal.id,
                        "then": {"kw": keyword, "rest": rest, "from": deal.stage_id},
                    },
                )
            before, after = apply_move(
                session=s, actor=actor, deal=deal, plan=plan, now=services.now()
            )
            if key:
                store.record_request(
                    session=s, team_id=team_id, key=key, result=f"{before.id}>{after.id}"
                )
            return _moved(s, deal, before, after, t)
    except IntegrityError:
        with services.db.read() as s:
            prev = store.previous_result(session=s, team_id=team_id, key=key) if key else None
            if prev is None:
                raise  # not a retry's copy: a real failure, for the app's error handler
            deal = store.get_deal(session=s, team_id=team_id, deal_id=deal_id)
            before_id, after_id = (int(x) for x in prev.split(">"))
            return _moved(
                s,
                deal,
                store.get_stage(session=s, team_id=team_id, stage_id=before_id),
                store.get_stage(session=s, team_id=team_id, stage_id=after_id),
                t,
            )


# --- pipeline and cards -----------------------------------------------------------------


def _money_by_currency(pairs) -> dict[str, Money]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for currency, cents in pairs:
        sums[currency] += Decimal(cents) / 100
    return {c: Money(v, c) for c, v in sums.items()}


def pipeline_of(*, context: BoltContext, team: bool) -> dict:
    services, t = services_of(context), translator_of(context)
    team_id = context.team_id
    owner = None if team else context.user_id
    with services.db.read() as s:
        stages = store.list_stages(session=s, team_id=team_id)
        totals = store.open_totals(session=s, team_id=team_id, owner_id=owner)
        deals = store.open_deals(session=s, team_id=team_id, owner_id=owner, limit=400)
        by_stage: dict[int, list] = defaultdict(list)
        for d in deals:
            by_stage[d.stage_id].append(summarise(d, stages, t))
    groups, grand = [], []
    for st in store.open_stages(stages):
        rows = [x for x in totals if x.stage_id == st.id]
        grand += [(x.currency, x.value_cents) for x in rows]
        groups.append(
            ui.StageGroup(
                name=st.name,
                count=sum(x.count for x in rows),
                totals=_money_by_currency((x.currency, x.value_cents) for x in rows),
                deals=by_stage.get(st.id, []),
            )
        )
    with services.db.read() as s:
        weighted = metrics.weighted_pipeline(s, metrics.Scope(team_id, (owner,) if owner else ()))
    title = t("Team pipeline") if team else t("My pipeline")
    return ui.pipeline_message(
        t,
        title=title,
        groups=groups,
        grand=_money_by_currency(grand),
        weighted=weighted,
        locale=t.locale,
    )


def card(*, context: BoltContext, deal_id: int) -> dict:
    services, t = services_of(context), translator_of(context)
    team_id = context.team_id
    with services.db.read() as s:
        deal = store.get_deal(session=s, team_id=team_id, deal_id=deal_id)
        stages = store.list_stages(session=s, team_id=team_id)
        history = store.deal_history(session=s, team_id=team_id, deal_id=deal.id)
        contacts = store.deal_contacts(session=s, team_id=team_id, deal_id=deal.id)
        slips = store.close_date_slips(session=s, team_id=team_id, deal_id=deal.id)
        summary = summarise(deal, stages, t, s)
        stage = next(st for st in stages if st.id == deal.stage_id)
        from handlers.checklists import card_extras  # it builds on this module

        extra = card_extras(session=s, context=context, deal=deal)
    roles = {r.key: t(r.label) for r in DMU_ROLES}
    reasons = {r.key: t(r.label) for r in LOST_REASONS}
    if summary.lost_reason:
        from dataclasses import replace

        summary = replace(
            summary, lost_reason=reasons.get(summary.lost_reason, summary.lost_reason)
        )
    return ui.deal_card(
        t,
        d=summary,
        history=[(m.moved_at, m.from_name, m.to_name, m.moved_by) for m in history],
        contacts=[(c.name, roles.get(c.role or "", c.role)) for c in contacts],
        slips=slips,
        stage_probability=stage.probability,
        locale=t.locale,
        now=services.now(),
        extra_blocks=extra,
    )


def card_text(*, context: BoltContext, text: str) -> dict:
    from handlers import checklists, gates  # they build on this module

    services, t = services_of(context), translator_of(context)
    if text.strip().lower() in gates.GATE_WORDS:  # /pipeline gates
        return gates.gates_list(context=context)
    name, history = checklists.split_history(text)  # /pipeline <deal> history
    page = checklists.history_page(text)  # … history spin 2: one checklist, page 2
    with services.db.read() as s:
        found = resolve_deal(session=s, team_id=context.team_id, text=text) if history else None
        if found is None or not found.exact:  # a deal called "… History" is its own card
            text = name
            found = resolve_deal(session=s, team_id=context.team_id, text=text)
        else:
            history = False
    if found.deal is None:
        return _pick(t, found, {"op": "card"}, text)
    if history:
        return checklists.history(context=context, deal_id=found.deal.id, **page)
    return card(context=context, deal_id=found.deal.id)


def stages_list(*, context: BoltContext) -> dict:
    services, t = services_of(context), translator_of(context)
    with services.db.read() as s:
        stages = store.list_stages(session=s, team_id=context.team_id)
        can_edit = actor_of(context, s).is_manager
    return ui.stages_message(
        t, stages=[(st.name, st.probability, st.kind) for st in stages], can_edit=can_edit
    )


def managers(*, context: BoltContext, op: str, rest: str) -> dict:
    import re

    services, t = services_of(context), translator_of(context)
    team_id = context.team_id
    users = re.findall(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", rest)
    with services.db.transaction() as s:
        actor = actor_of(context, s)
        if op == "list":
            names = store.list_managers(session=s, team_id=team_id)
            text = (
                t("Managers named here: {list}.", list=", ".join(f"<@{u}>" for u in names))
                if names
                else t("No managers named yet; workspace admins and owners are managers.")
            )
            return notice(text)
        if not actor.is_manager:
            raise PermissionDenied(
                N_(
                    "Only a manager (a workspace admin or owner, or someone "
                    "named with /pipeline managers add) can change managers."
                )
            )
        if not users:
            raise InvalidInput(
                N_(
                    "Mention the person: /pipeline managers {op} @someone "
                    "(pick them from Slack's list so it becomes a mention)."
                ),
                op=op,
            )
        changed, unchanged = [], []
        for u in users:
            if op == "add":
                if store.add_manager(
                    session=s, team_id=team_id, user_id=u, by=context.user_id, now=services.now()
                ):
                    changed.append(f"<@{u}>")
                else:
                    unchanged.append(t("<@{user}> was already named a manager.", user=u))
            elif store.remove_manager(session=s, team_id=team_id, user_id=u):
                changed.append(f"<@{u}>")
            else:
                unchanged.append(t("<@{user}> was not named a manager; nothing to remove.", user=u))
    lines = []
    if changed:
        lines.append(
            t("Now managers: {list}.", list=", ".join(changed))
            if op == "add"
            else t("No longer managers: {list}.", list=", ".join(changed))
        )
    lines += unchanged
    if op == "remove":
        admins = [u for u in users if _workspace_admin(context, u)]
        if admins:
            lines.append(
                t(
                    "{list} stay managers all the same: Slack workspace admins and owners "
                    "always are.",
                    list=", ".join(f"<@{u}>" for u in admins),
                )
            )
    text = "\n".join(lines)
    return notice(text)


def _workspace_admin(context: BoltContext, user_id: str) -> bool:
    """From profiles already known (the reply is the ack: no Slack calls before it)."""
    from bot.services import Profile

    known = services_of(context).profiles.get((context.team_id, user_id), stale=True)
    return isinstance(known, Profile) and (known.is_admin or known.is_owner)


__all__ = ["Actor"]


def home(*, context: BoltContext) -> dict:
    from datetime import timedelta

    from bot.usecases.digest import stale_cutoffs
    from handlers.ui.home import home_view
    from storage import digests as digests_store

    services, t = services_of(context), translator_of(context)
    team_id, user_id = context.team_id, context.user_id
    now = services.now()
    week_end = (now + timedelta(days=7)).date()
    with services.db.read() as s:
        stages = store.list_stages(session=s, team_id=team_id)
        totals = store.open_totals(session=s, team_id=team_id, owner_id=user_id)
        deals = store.open_deals(session=s, team_id=team_id, owner_id=user_id, limit=500)
        summaries = {d.id: summarise(d, stages, t) for d in deals}
    groups = []
    for st in store.open_stages(stages):
        rows = [x for x in totals if x.stage_id == st.id]
        groups.append(
            ui.StageGroup(
                name=st.name,
                count=sum(x.count for x in rows),
                totals=_money_by_currency((x.currency, x.value_cents) for x in rows),
                deals=[summaries[d.id] for d in deals if d.stage_id == st.id],
            )
        )
    due = sorted(
        (
            summaries[d.id]
            for d in deals
            if d.next_step and d.next_step_due and d.next_step_due <= week_end
        ),
        key=lambda x: x.next_step_due,
    )
    with services.db.read() as s:  # the digest's stale rule (per-stage days, snoozes)
        quiet, _ = digests_store.list_stale(
            session=s,
            team_id=team_id,
            owners=(user_id,),
            today=now.date(),
            limit=50,
            cutoffs=stale_cutoffs(stages, now),
        )
    stale = [(summarise(d, stages, t), (now - d.last_activity_at).days) for d in quiet]
    return home_view(t, groups=groups, due=due, stale=stale, locale=t.locale)
