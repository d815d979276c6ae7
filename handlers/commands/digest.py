"""``/digest here [HH:MM] [timezone] [weekdays] [for @owners]``, ``status``, ``off``, ``now``:
a channel's daily pipeline digest. A change (by a manager or whoever subscribed the channel)
is announced in the channel; a channel shared with another organisation gets the pipeline
only after a manager confirms it (the confirmation runs the command again)."""

from dataclasses import dataclass

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.core import phrases
from bot.core.i18n import Translator
from bot.usecases import digest, settings, subscriptions
from bot.usecases.delivery import Outcome
from handlers.kit.replies import announce, reply
from handlers.kit.retry import confirm_value
from handlers.ui import digest as ui
from handlers.ui.common import message, problem_message, unknown_subcommand
from handlers.ui.usage import USAGE


def digest_command(ack: Ack, command, text, actor, t, services, context, client, act) -> None:
    word = text.partition(" ")[0]
    word, channel_id, db = word.lower(), command["channel_id"], services.db
    if word in phrases.DIGEST_HERE:
        return subscribe(ack, command, text, actor, t, services, context, client, act)
    if word in phrases.DIGEST_STATUS:
        result = subscriptions.status(db, actor, channel_id=channel_id, now=services.now())
        return reply(ack, ui.status_reply(t, result, channel_id=channel_id))
    if word in phrases.DIGEST_OFF:
        return stop(ack, command, actor, t, services, client, act)
    if word in phrases.DIGEST_NOW:
        return post_now(ack, command, text, actor, t, services, context, client)
    reply(ack, unknown_subcommand(t, USAGE[ids.CMD_DIGEST], text))


@dataclass(frozen=True)
class Channel:
    problem: str | None  # why the bot can't post here (None: it can)
    shared: bool = False  # Slack Connect: shared with another organisation


def channel_facts(t: Translator, client: WebClient, channel_id: str, bot_user_id) -> Channel:
    """Whether the bot can post in this channel, and whether it is shared."""
    if channel_id.startswith("D"):
        return Channel(ui.not_a_channel_problem(t))
    try:
        info = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as exc:
        if exc.response.get("error") in ("channel_not_found", "not_in_channel"):
            return Channel(ui.invite_problem(t, bot_user_id=bot_user_id))
        raise
    shared = bool(info.get("is_ext_shared"))
    if info.get("is_archived"):
        return Channel(t("This channel is archived. Run the command in a channel that's in use."))
    if not info.get("is_member", False) and not info.get("is_im"):
        return Channel(ui.invite_problem(t, bot_user_id=bot_user_id), shared)
    return Channel(None, shared)


def subscribe(ack: Ack, command, text, actor, t, services, context, client, act) -> None:
    channel_id = command["channel_id"]
    mentions = context.get("mentions") or frozenset()
    schedule, wins = ui.here_args(text.partition(" ")[2], default_tz=context["tz"], real=mentions)
    channel = channel_facts(t, client, channel_id, context.bot_user_id)
    if channel.problem:
        return refuse(ack, t, channel.problem, command, text)
    result = act(
        subscriptions.subscribe,
        channel_id=channel_id,
        schedule=schedule,
        shared=channel.shared,
        confirmed=context.get("confirmed") is True,
        wins=wins,
    )
    if isinstance(result, subscriptions.SharedChannel):
        return reply(ack, ui.shared_question(t, channel_id, confirm_value(command)))
    if services.scheduler is not None:
        services.scheduler.upsert(result.sub)
    reply(ack, ui.subscribed_reply(t, result, channel_id=channel_id))
    if result.fresh:
        announce(client, channel_id, ui.subscribed_announcement(t, result, by=actor.user_id))


def stop(ack: Ack, command, actor, t, services, client, act) -> None:
    channel_id = command["channel_id"]
    done = act(subscriptions.stop, channel_id=channel_id)
    if done.stopped and services.scheduler is not None:
        services.scheduler.remove(actor.team_id, channel_id)
    reply(ack, ui.stopped_message(t, channel_id=channel_id, stopped=done.stopped))
    if done.stopped and done.fresh:
        announce(client, channel_id, ui.stopped_announcement(t, by=actor.user_id))


def post_now(ack: Ack, command, text, actor, t, services, context, client) -> None:
    channel_id = command["channel_id"]
    channel = channel_facts(t, client, channel_id, context.bot_user_id)
    if channel.problem:
        return refuse(ack, t, channel.problem, command, text)
    sub = subscriptions.active(services.db, actor, channel_id=channel_id)
    shared = channel.shared and not (sub is not None and sub.shared_ok)
    confirmed = context.get("confirmed") is True
    if subscriptions.needs_confirmation(actor, shared=shared, confirmed=confirmed):
        return reply(ack, ui.shared_question(t, channel_id, confirm_value(command)))
    reply(ack, message(t("Posting the digest here…")))
    slot, first = digest.now_slot(
        services.db, team_id=actor.team_id, key=context.get("request_key"), now=services.now()
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


def refuse(ack: Ack, t: Translator, problem: str, command: dict, text: str) -> None:
    reply(ack, problem_message(t, problem, command=command["command"], text=text))


def register(app: App) -> None:
    app.command(ids.CMD_DIGEST)(digest_command)
