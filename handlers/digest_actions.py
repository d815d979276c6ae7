"""Buttons of digests and reminders: deal cards, Nudge owner (managers), Snooze (the
owner or a manager) and its modal."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.core.deals import ensure_can_change
from bot.core.errors import DomainError, InvalidInput, PermissionDenied
from bot.core.i18n import N_, Translator
from bot.core.slots import local_date, valid_timezone
from bot.usecases.digest import DealItem
from handlers.actions import answer_privately, guard_action, open_card
from handlers.common import actor_of, services_of, translator_of
from handlers.context import fetch_profile
from handlers.ui import reminders as ui_reminders
from handlers.ui.digest import day_text
from storage import deals as deal_store
from storage import digests as store

# --- buttons: deal cards, nudges --------------------------------------------------------


def _item(session, deal, now: datetime) -> DealItem:
    stage = deal_store.get_stage(session=session, team_id=deal.team_id, stage_id=deal.stage_id)
    return DealItem(
        id=deal.id,
        name=deal.name,
        owner_id=deal.owner_id,
        stage=stage.name,
        value=deal_store.deal_money(deal),
        quiet_days=(now - deal.last_activity_at).days,
        next_step=deal.next_step,
        due=deal.next_step_due,
    )


def nudge(*, body, action, context, client, respond) -> None:
    """A manager asks a deal's owner for an update: the owner gets a DM with a one-click
    way to log a meeting or set the next step."""
    services, t = services_of(context), translator_of(context)
    value = json.loads(action["value"])
    with services.db.read() as s:
        if not actor_of(context, s).is_manager:
            raise PermissionDenied(
                N_(
                    "Only a manager can nudge a deal's owner. Managers are workspace admins "
                    "and owners, and people named with /pipeline managers add."
                )
            )
        deal = deal_store.get_deal(session=s, team_id=context.team_id, deal_id=int(value["deal"]))
        if deal.status != "open":
            raise InvalidInput(N_("“{deal}” is closed now: no nudge needed."), deal=deal.name)
        item = _item(s, deal, services.now())
    owner = fetch_profile(services, client, context.team_id, deal.owner_id)
    owner_t = Translator(owner.locale)
    client.chat_postMessage(
        channel=deal.owner_id,
        **ui_reminders.nudge_dm(
            owner_t,
            item=item,
            why=value.get("why", "stale"),
            manager_id=context.user_id,
            locale=owner_t.locale,
        ),
    )
    answer_privately(
        respond,
        body,
        client,
        context,
        ui_reminders.nudged_message(t, owner_id=deal.owner_id, deal=deal.name),
    )


# --- snooze -----------------------------------------------------------------------------

SNOOZE_DAYS = 7
MAX_SNOOZE = timedelta(days=366)


def snooze_open(*, body, action, context, client, respond) -> None:
    services, t = services_of(context), translator_of(context)
    with services.db.read() as s:
        deal = deal_store.get_deal(session=s, team_id=context.team_id, deal_id=int(action["value"]))
        ensure_can_change(actor_of(context, s), deal)
    profile = context.get("profile")
    today = local_date(services.now(), valid_timezone(profile.tz if profile else None))
    client.views_open(
        trigger_id=body["trigger_id"],
        view=ui_reminders.snooze_modal(
            t, deal_id=deal.id, deal_name=deal.name, initial=today + timedelta(days=SNOOZE_DAYS)
        ),
    )


def _input(view: dict, block: str) -> dict:
    return view.get("state", {}).get("values", {}).get(block, {}).get(ids.INPUT, {})


def snooze_submit(
    ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient
) -> None:
    services, t = services_of(context), translator_of(context)
    reason = (_input(view, ids.BLOCK_SNOOZE_REASON).get("value") or "").strip()
    picked = _input(view, ids.BLOCK_SNOOZE_UNTIL).get("selected_date")
    profile = context.get("profile")
    today = local_date(services.now(), valid_timezone(profile.tz if profile else None))
    errors = {}
    if not reason:
        errors[ids.BLOCK_SNOOZE_REASON] = t("Write why the deal waits, e.g. “Budget in January”.")
    until = date.fromisoformat(picked) if picked else None
    if until is None:
        errors[ids.BLOCK_SNOOZE_UNTIL] = t("Pick the date to resume on.")
    elif until <= today:
        errors[ids.BLOCK_SNOOZE_UNTIL] = t(
            "{day} is not in the future. Pick a date after today.", day=day_text(t, until)
        )
    elif until > today + MAX_SNOOZE:
        errors[ids.BLOCK_SNOOZE_UNTIL] = t("Snooze for a year at most.")
    if errors:
        return ack(response_action="errors", errors=errors)
    try:
        with services.db.transaction() as s:
            deal = deal_store.lock_deal(
                session=s, team_id=context.team_id, deal_id=int(view["private_metadata"])
            )
            ensure_can_change(actor_of(context, s), deal)
            store.snooze_deal(
                session=s,
                team_id=context.team_id,
                deal=deal,
                until=until,
                reason=reason,
                now=services.now(),
            )
    except DomainError as err:
        return ack(response_action="errors", errors={ids.BLOCK_SNOOZE_REASON: err.render(t)})
    ack()
    client.chat_postMessage(
        channel=context.user_id,
        **ui_reminders.snoozed_message(t, deal=deal.name, until=until, reason=reason),
    )


def register(app: App) -> None:
    app.action(ids.ACTION_NUDGE)(guard_action(nudge))
    app.action(re.compile(rf"^{ids.ACTION_DIGEST_CARD}_\d+$"))(guard_action(open_card))
    app.action(ids.ACTION_SNOOZE)(guard_action(snooze_open))
    app.view(ids.VIEW_SNOOZE)(snooze_submit)
