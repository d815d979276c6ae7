"""/digest: subscribe a channel, status, stop, post now. Thin: parse → domain/storage →
``handlers/ui/digest``. ``/pipeline stats`` and ``export`` live in ``handlers/stats`` and the
digest's and reminders' buttons in ``handlers/digest_actions`` (both wired from here).

``register(app)`` also builds this app's scheduler (``services.scheduler``; ``bot.server``
starts it), wired to the posting jobs in ``handlers/digest_jobs``.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.core.errors import DomainError
from bot.core.i18n import Translator
from bot.core.slots import parse_schedule, trigger_for, valid_timezone
from bot.scheduling import Scheduler, upcoming_slot
from bot.usecases.delivery import Outcome
from bot.usecases.digest import CompletionHook
from handlers import digest_actions
from handlers.checklists import digest_completion
from handlers.common import command_text, reply, services_of, translator_of
from handlers.digest_jobs import DIGEST, Jobs, slack_error
from handlers.stats import pipeline_export, pipeline_stats
from handlers.ui import digest as ui
from handlers.ui.common import message, problem_message, unknown_subcommand
from handlers.ui.usage import USAGE
from storage import digests as store

log = logging.getLogger("salespath.digest")

#: Checklist completion shown next to stale/overdue deals in the digest:
#: ``(session, team_id, deal_ids) -> {deal_id: "SPIN 3/5 · BATNA —"}``.
COMPLETION: CompletionHook | None = digest_completion

HERE = {"here", "sini", "subscribe"}
STATUS = {"status"}
OFF = {"off", "stop", "berhenti", "unsubscribe"}
NOW = {"now", "sekarang"}


def _problem(t: Translator, problem: str, command: dict, usage: bool = True) -> dict:
    return problem_message(
        t,
        problem,
        command=command["command"],
        text=command_text(command),
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
    text = command_text(command)
    if not text or is_help(text):
        return answer_usage(ack, context, command)
    word, _, rest = text.partition(" ")
    word = word.lower()
    try:
        if word in HERE:
            return subscribe(ack, command, context, client, rest)
        if word in STATUS:
            return reply(ack, status(context, command["channel_id"]))
        if word in OFF:
            return reply(ack, stop(context, command["channel_id"]))
        if word in NOW:
            return post_now(ack, command, context, client)
        return reply(ack, unknown_subcommand(t, USAGE[ids.CMD_DIGEST], text))
    except DomainError as err:
        return reply(ack, _problem(t, err.render(t), command))


def subscribe(ack: Ack, command: dict, context: BoltContext, client: WebClient, rest: str):
    services, t = services_of(context), translator_of(context)
    profile = context.get("profile")
    schedule = parse_schedule(rest, default_tz=valid_timezone(profile.tz if profile else None))
    channel_id = command["channel_id"]
    problem = _channel_problem(context, client, channel_id)
    if problem:
        return reply(ack, _problem(t, problem, command, usage=False))
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
    nxt = upcoming_slot(trigger_for(sub.at, sub.tz, sub.weekdays), services.now())
    reply(
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
        next_at=upcoming_slot(trigger_for(sub.at, sub.tz, sub.weekdays), services.now()),
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
        return reply(ack, _problem(t, problem, command, usage=False))
    reply(ack, message(t("Posting the digest here…")))
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
    digest_actions.register(app)  # deal cards, Nudge owner, Snooze


__all__ = ["pipeline_export", "pipeline_stats", "register", "register_commands"]
