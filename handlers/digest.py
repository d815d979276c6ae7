"""/digest, /pipeline stats, /pipeline export, and the buttons of digests and reminders
(Nudge owner, deal cards, Snooze). Thin: parse → domain/storage → ``handlers/ui/digest``.

``register(app)`` also builds this app's scheduler (``services.scheduler``; ``bot.server``
starts it), wired to the posting jobs in ``handlers/digest_jobs``.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime, timedelta

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot import metrics as m
from bot.deals import ensure_can_change
from bot.delivery import Outcome
from bot.digest import CompletionHook, DealItem
from bot.errors import DomainError, InvalidInput, PermissionDenied
from bot.export import deals_csv, moves_csv
from bot.i18n import N_, Translator
from bot.scheduling import Scheduler
from bot.slots import local_date, next_slot, parse_schedule, trigger_for, valid_timezone
from bot.usage import USAGE
from handlers.common import actor_of, services_of, translator_of
from handlers.context import fetch_profile
from handlers.digest_jobs import DIGEST, Jobs, slack_error
from handlers.ui import digest as ui
from handlers.ui.common import message, problem_message, unknown_subcommand
from storage import deals as deal_store
from storage import digests as store

log = logging.getLogger("salespath.digest")

#: Checklist completion shown next to stale/overdue deals in the digest. ``None`` until the
#: checklists module provides one: ``(session, team_id, deal_ids) -> {deal_id: text}``.
COMPLETION: CompletionHook | None = None

HERE = {"here", "sini", "subscribe"}
STATUS = {"status"}
OFF = {"off", "stop", "berhenti", "unsubscribe"}
NOW = {"now", "sekarang"}
TEAM_WORDS = {"team", "tim", "all", "semua"}
MINE_WORDS = {"mine", "me", "my", "saya", "aku"}


def _reply(ack: Ack, msg: dict) -> None:
    ack(response_type="ephemeral", **msg)


def _problem(t: Translator, problem: str, command: dict, usage: bool = True) -> dict:
    return problem_message(
        t,
        problem,
        command=command["command"],
        text=command.get("text") or "",
        usage=USAGE[command["command"]] if usage else None,
    )


def _jobs(context: BoltContext, client: WebClient) -> Jobs:
    return Jobs(services_of(context), client, completion=COMPLETION)


def _channel_problem(context: BoltContext, client: WebClient, channel_id: str) -> str | None:
    """Why the bot can't post in this channel, or ``None`` when it can."""
    t = translator_of(context)
    if channel_id.startswith("D"):
        return ui.not_a_channel_problem(t)
    try:
        info = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as exc:
        if exc.response.get("error") in ("channel_not_found", "not_in_channel"):
            return ui.invite_problem(t, bot_user_id=context.bot_user_id)
        raise
    if info.get("is_archived"):
        return t("This channel is archived. Run the command in a channel that's in use.")
    if not info.get("is_member", False) and not info.get("is_im"):
        return ui.invite_problem(t, bot_user_id=context.bot_user_id)
    return None


# --- /digest ----------------------------------------------------------------------------


def digest_command(ack: Ack, command: dict, context: BoltContext, client: WebClient) -> None:
    from handlers.commands import answer_usage, is_help

    t = translator_of(context)
    text = (command.get("text") or "").strip()
    if not text or is_help(text):
        return answer_usage(ack, context, command)
    word, _, rest = text.partition(" ")
    word = word.lower()
    try:
        if word in HERE:
            return subscribe(ack, command, context, client, rest)
        if word in STATUS:
            return _reply(ack, status(context, command["channel_id"]))
        if word in OFF:
            return _reply(ack, stop(context, command["channel_id"]))
        if word in NOW:
            return post_now(ack, command, context, client)
        return _reply(ack, unknown_subcommand(t, USAGE[ids.CMD_DIGEST], text))
    except DomainError as err:
        return _reply(ack, _problem(t, err.render(t), command))


def subscribe(ack: Ack, command: dict, context: BoltContext, client: WebClient, rest: str):
    services, t = services_of(context), translator_of(context)
    profile = context.get("profile")
    schedule = parse_schedule(rest, default_tz=valid_timezone(profile.tz if profile else None))
    channel_id = command["channel_id"]
    problem = _channel_problem(context, client, channel_id)
    if problem:
        return _reply(ack, _problem(t, problem, command, usage=False))
    with services.db.transaction() as s:
        before = store.get_subscription(session=s, team_id=context.team_id, channel_id=channel_id)
        changed = before is not None and before.active
        sub = store.save_subscription(
            session=s,
            team_id=context.team_id,
            channel_id=channel_id,
            at=schedule.at,
            tz=schedule.tz,
            weekdays=schedule.cron_days,
            owners=list(schedule.owners),
            locale=profile.locale if profile else "en",
            by=context.user_id,
            now=services.now(),
        )
    if services.scheduler is not None:
        services.scheduler.upsert(sub)
    nxt = next_slot(trigger_for(sub.at, sub.tz, sub.weekdays), services.now())
    _reply(
        ack,
        ui.subscribed_message(
            t,
            channel_id=channel_id,
            at=sub.at,
            tz=sub.tz,
            weekdays=sub.weekdays,
            owners=sub.owners,
            next_at=nxt,
            changed=changed,
        ),
    )


def status(context: BoltContext, channel_id: str) -> dict:
    services, t = services_of(context), translator_of(context)
    with services.db.read() as s:
        sub = store.get_subscription(session=s, team_id=context.team_id, channel_id=channel_id)
        last = store.last_posted(session=s, team_id=context.team_id, kind=DIGEST, target=channel_id)
    if sub is None or not sub.active:
        return ui.status_message(t, channel_id=channel_id, at=None, tz=None)
    return ui.status_message(
        t,
        channel_id=channel_id,
        at=sub.at,
        tz=sub.tz,
        weekdays=sub.weekdays,
        owners=sub.owners,
        next_at=next_slot(trigger_for(sub.at, sub.tz, sub.weekdays), services.now()),
        last_at=last.posted_at if last else None,
    )


def stop(context: BoltContext, channel_id: str) -> dict:
    services, t = services_of(context), translator_of(context)
    with services.db.transaction() as s:
        sub = store.stop_subscription(
            session=s, team_id=context.team_id, channel_id=channel_id, now=services.now()
        )
    if sub is not None and services.scheduler is not None:
        services.scheduler.remove(context.team_id, channel_id)
    return ui.stopped_message(t, channel_id=channel_id, stopped=sub is not None)


def post_now(ack: Ack, command: dict, context: BoltContext, client: WebClient) -> None:
    services, t = services_of(context), translator_of(context)
    channel_id = command["channel_id"]
    problem = _channel_problem(context, client, channel_id)
    if problem:
        return _reply(ack, _problem(t, problem, command, usage=False))
    _reply(ack, message(t("Posting the digest here…")))
    with services.db.read() as s:
        sub = store.get_subscription(session=s, team_id=context.team_id, channel_id=channel_id)
    profile = context.get("profile")
    use_sub = sub is not None and sub.active
    now = services.now()
    outcome, error = _jobs(context, client).digest_now(
        team_id=context.team_id,
        channel_id=channel_id,
        owners=tuple(sub.owners) if use_sub else (),
        tz=sub.tz if use_sub else valid_timezone(profile.tz if profile else None),
        locale=sub.locale if use_sub else (profile.locale if profile else "en"),
        slot=now.replace(second=0, microsecond=0),
    )
    if outcome in (Outcome.POSTED,):
        return
    if outcome in (Outcome.ALREADY_POSTED, Outcome.BUSY):
        text = t("A digest was posted here a moment ago. Try again in a minute.")
    elif slack_error(error) in ("not_in_channel", "channel_not_found"):
        text = ui.invite_problem(t, bot_user_id=context.bot_user_id)
    else:
        text = t(
            "I couldn't post the digest: Slack answered “{error}”. Please try again.",
            error=slack_error(error),
        )
    context.respond(response_type="ephemeral", replace_original=False, **message(text))


# --- /pipeline stats and export ---------------------------------------------------------


def _stats_args(text: str) -> tuple[str, bool]:
    """``stats [7d|30d|90d|quarter] [team|mine]`` in any order."""
    period, team = "30d", False
    for token in text.split()[1:]:
        low = token.lower()
        if low in TEAM_WORDS:
            team = True
        elif low in MINE_WORDS:
            team = False
        else:
            period = m.parse_period(token)
    return period, team


def pipeline_stats(
    *, ack: Ack, body: dict, text: str, context: BoltContext, client: WebClient, command: dict
) -> None:
    services, t = services_of(context), translator_of(context)
    try:
        key, team = _stats_args(text)
    except InvalidInput as err:
        return _reply(ack, _problem(t, err.render(t), command))
    profile = context.get("profile")
    tz = valid_timezone(profile.tz if profile else None)
    period = m.period_bounds(key, now=services.now(), tz=tz)
    scope = m.Scope(context.team_id, () if team else (context.user_id,))
    with services.db.read() as s:
        pm = m.period_metrics(s, scope, period)
        conversion = m.stage_conversion(s, scope, created_from=period.start)
        lost = m.lost_breakdown(s, scope, period)
        weighted = m.weighted_pipeline(s, scope)
    _reply(
        ack,
        ui.stats_message(
            t,
            pm=pm,
            team=team,
            conversion=conversion,
            lost=lost,
            weighted=weighted,
            locale=t.locale,
        ),
    )


def pipeline_export(
    *, ack: Ack, body: dict, text: str, context: BoltContext, client: WebClient, command: dict
) -> None:
    services, t = services_of(context), translator_of(context)
    words = [w.lower() for w in text.split()[1:]]
    unknown = [w for w in words if w not in TEAM_WORDS | MINE_WORDS]
    if unknown:
        problem = t(
            "I don't know “{word}” for /pipeline export. Write `/pipeline export` for your "
            "deals or `/pipeline export team` for everyone's (managers).",
            word=unknown[0],
        )
        return _reply(ack, _problem(t, problem, command))
    team = any(w in TEAM_WORDS for w in words)
    if team:
        with services.db.read() as s:
            if not actor_of(context, s).is_manager:
                raise PermissionDenied(
                    N_(
                        "Only a manager can export the whole team's deals. `/pipeline export` "
                        "sends yours."
                    )
                )
    _reply(ack, ui.export_started_message(t, team=team))
    owners = () if team else (context.user_id,)
    with services.db.read() as s:
        deals, n_deals = deals_csv(
            store.iter_deals_for_export(session=s, team_id=context.team_id, owners=owners)
        )
        moves, n_moves = moves_csv(
            store.iter_moves_for_export(session=s, team_id=context.team_id, owners=owners)
        )
    day = services.now().date().isoformat()
    dm = client.conversations_open(users=context.user_id)["channel"]["id"]
    client.files_upload_v2(
        channel=dm,
        initial_comment=ui.export_comment(t, deals=n_deals, moves=n_moves, team=team),
        file_uploads=[
            {"file": deals, "filename": f"deals-{day}.csv", "title": t("Deals")},
            {"file": moves, "filename": f"stage-history-{day}.csv", "title": t("Stage history")},
        ],
    )


# --- buttons: deal cards, nudges --------------------------------------------------------


def _answer(respond, body: dict, client: WebClient, context: BoltContext, msg: dict) -> None:
    if body.get("response_url"):
        respond(response_type="ephemeral", replace_original=False, **msg)
    else:
        client.chat_postMessage(channel=context.user_id, **msg)


def _guarded(fn):
    def listener(
        ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient, respond
    ) -> None:
        ack()
        try:
            fn(body=body, action=action, context=context, client=client, respond=respond)
        except DomainError as err:
            t = translator_of(context)
            _answer(respond, body, client, context, message(":warning: " + err.render(t)))

    listener.__name__ = fn.__name__
    return listener


def open_card(*, body, action, context, client, respond) -> None:
    from handlers import flows

    msg = flows.card(context=context, deal_id=int(action["value"]))
    _answer(respond, body, client, context, msg)


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
        **ui.nudge_dm(
            owner_t,
            item=item,
            why=value.get("why", "stale"),
            manager_id=context.user_id,
            locale=owner_t.locale,
        ),
    )
    _answer(
        respond, body, client, context, ui.nudged_message(t, owner_id=deal.owner_id, deal=deal.name)
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
        view=ui.snooze_modal(
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
            "{day} is not in the future. Pick a date after today.", day=ui.day_text(t, until)
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
        **ui.snoozed_message(t, deal=deal.name, until=until, reason=reason),
    )


# --- wiring -----------------------------------------------------------------------------


def register_commands(app: App) -> None:
    app.command(ids.CMD_DIGEST)(digest_command)


def register(app: App) -> None:
    services = app.services  # type: ignore[attr-defined]
    jobs = Jobs(services, app.client, completion=COMPLETION)
    services.scheduler = Scheduler(
        db=services.db,
        now=lambda: services.now(),  # read at each call: tests swap the clock
        on_digest=jobs.digest,
        on_reminders=jobs.reminders,
        on_retries=jobs.retries,
    )
    app.action(ids.ACTION_NUDGE)(_guarded(nudge))
    app.action(re.compile(rf"^{ids.ACTION_DIGEST_CARD}_\d+$"))(_guarded(open_card))
    app.action(ids.ACTION_SNOOZE)(_guarded(snooze_open))
    app.view(ids.VIEW_SNOOZE)(snooze_submit)


__all__ = ["pipeline_export", "pipeline_stats", "register", "register_commands"]
