"""``/digest here [HH:MM] [timezone] [weekdays] [for @owners]``, ``status``, ``off``, ``now``:
a channel's daily pipeline digest."""

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.core import phrases
from bot.core.i18n import Translator
from bot.usecases import digest, settings, subscriptions
from bot.usecases.delivery import Outcome
from handlers.kit.replies import reply
from handlers.ui import digest as ui
from handlers.ui.common import message, problem_message, unknown_subcommand
from handlers.ui.usage import USAGE


def digest_command(ack: Ack, command, text, actor, t, services, context, client) -> None:
    word = text.partition(" ")[0]
    word, channel_id, db = word.lower(), command["channel_id"], services.db
    if word in phrases.DIGEST_HERE:
        return subscribe(ack, command, text, actor, t, services, context, client)
    if word in phrases.DIGEST_STATUS:
        result = subscriptions.status(db, actor, channel_id=channel_id, now=services.now())
        return reply(ack, ui.status_reply(t, result, channel_id=channel_id))
    if word in phrases.DIGEST_OFF:
        stopped = subscriptions.stop(db, actor, channel_id=channel_id, now=services.now())
        if stopped and services.scheduler is not None:
            services.scheduler.remove(actor.team_id, channel_id)
        return reply(ack, ui.stopped_message(t, channel_id=channel_id, stopped=stopped))
    if word in phrases.DIGEST_NOW:
        return post_now(ack, command, text, actor, t, services, context, client)
    reply(ack, unknown_subcommand(t, USAGE[ids.CMD_DIGEST], text))


def channel_problem(t: Translator, client: WebClient, channel_id: str, bot_user_id) -> str | None:
    """Why the bot can't post in this channel, or ``None`` when it can."""
    if channel_id.startswith("D"):
        return ui.not_a_channel_problem(t)
    try:
        info = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as exc:
        if exc.response.get("error") in ("channel_not_found", "not_in_channel"):
            return ui.invite_problem(t, bot_user_id=bot_user_id)
        raise
    if info.get("is_archived"):
        return t("This channel is archived. Run the command in a channel that's in use.")
    if not info.get("is_member", False) and not info.get("is_im"):
        return ui.invite_problem(t, bot_user_id=bot_user_id)
    return None


def subscribe(ack: Ack, command, text, actor, t, services, context, client) -> None:
    channel_id = command["channel_id"]
    schedule = ui.schedule_args(text.partition(" ")[2], default_tz=context["tz"])
    problem = channel_problem(t, client, channel_id, context.bot_user_id)
    if problem:
        return reply(ack, problem_message(t, problem, command=command["command"], text=text))
    result = subscriptions.subscribe(
        services.db,
        actor,
        channel_id=channel_id,
        schedule=schedule,
        now=services.now(),
    )
    if services.scheduler is not None:
        services.scheduler.upsert(result.sub)
    reply(ack, ui.subscribed_reply(t, result, channel_id=channel_id))


def post_now(ack: Ack, command, text, actor, t, services, context, client) -> None:
    channel_id = command["channel_id"]
    problem = channel_problem(t, client, channel_id, context.bot_user_id)
    if problem:
        return reply(ack, problem_message(t, problem, command=command["command"], text=text))
    reply(ack, message(t("Posting the digest here…")))
    sub = subscriptions.active(services.db, actor, channel_id=channel_id)
    now = services.now()
    slot, first = digest.now_slot(
        services.db, team_id=actor.team_id, key=context.get("request_key"), now=now
    )
    outcome, error = services.jobs.digest_now(
        team_id=actor.team_id,
        channel_id=channel_id,
        owners=tuple(sub.owners) if sub else (),
        tz=sub.tz if sub else context["tz"],
        locale=sub.locale if sub else settings.channel_language(services.db, team_id=actor.team_id),
        slot=slot,
        user_id=actor.user_id,
    )
    quiet = {Outcome.POSTED} | ({Outcome.ALREADY_POSTED, Outcome.BUSY} if not first else set())
    if outcome not in quiet:  # a replay of this request says nothing more: the first does
        text = ui.digest_now_problem(t, outcome, error, bot_user_id=context.bot_user_id)
        context.respond(response_type="ephemeral", replace_original=False, **message(text))


def register(app: App) -> None:
    app.command(ids.CMD_DIGEST)(digest_command)
