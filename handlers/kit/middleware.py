"""Per-request facts, computed once, that listeners declare as parameters.

Bolt injects any key a middleware puts in ``context`` into a listener by parameter name, so
a listener writes ``def listener(ack, actor, t, today, form): …`` instead of working them
out again. What this puts in context:

- ``services``: the database, clock, settings and scheduler (``bot.services.Services``);
- ``profile``: the Slack user (``handlers.kit.profiles.Profile``), or ``None``;
- ``t``: a translator for the user's language (their choice in Salespath, see ``acting``);
- ``tz`` and ``today``: the user's timezone (a valid IANA name) and their local date;
- ``actor``: who acts (``bot.core.deals.Actor``: workspace, user, manager or not);
- ``text``: what the user typed — a slash command's text or a message shortcut's message —
  with Slack's ``&amp;``, ``&lt;``, ``&gt;`` undone once, here;
- ``form``: a submitted modal's (or a modal action's) values as ``{block_id: value}``;
- ``request_key``: the request's identity across Slack's retries (``run_once``'s key);
- ``act``: a use case that changes something, called with the database, the actor, the
  request's key and the time (``handlers.kit.act.Act``);
- ``answer``: reply where the user acted (``handlers.kit.replies.Answer``);
- ``mentions``: the people a command's text really mentions (Slack's ``<@U…>`` entities, not
  the same characters typed), who are members of this workspace.

Every request runs under the deadline runner (``handlers.kit.deadline``), installed here:
Slack gets its answer in time even when this middleware waits on the database or on Slack.
A profile already known is used at once and, when old, refreshed in the background.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.core.deals import Actor
from bot.core.i18n import Translator
from bot.core.slots import local_date, valid_timezone
from bot.usecases import people
from handlers.kit import deadline, retry
from handlers.kit.act import Act
from handlers.kit.profiles import fetch_profile, known_members
from handlers.kit.replies import Answer
from handlers.ui import seal

if TYPE_CHECKING:
    from bot.services import Services


def slack_text(text: str | None) -> str:
    """Text as the user typed it: Slack sends ``&``, ``<`` and ``>`` in slash commands and
    messages as ``&amp;``, ``&lt;`` and ``&gt;`` (mentions and links stay ``<…>``)."""
    return (text or "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def read_form(values: dict) -> dict[str, Any]:
    """``view.state.values`` → ``{block_id: value}``: the one reader of a modal's state (one
    element per block). Menus give their option's value, multi-selects and checkboxes a
    list of values, user pickers the user id, date pickers the ISO date. NUL characters,
    which no database text column takes, are dropped."""
    out: dict[str, Any] = {}
    for block_id, elements in (values or {}).items():
        for el in elements.values():
            out[block_id] = _without_nul(_element_value(el))
    return out


def _iso_date(value: Any) -> str | None:
    """A date picker's ISO date; anything else (Slack sends none, a forged payload might)
    reads as no date picked."""
    try:
        return date.fromisoformat(value).isoformat() if isinstance(value, str) else None
    except ValueError:
        return None


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def _element_value(el: dict) -> Any:
    if "selected_options" in el:
        return [o["value"] for o in el.get("selected_options") or []]
    if "selected_users" in el:
        return list(el.get("selected_users") or [])
    if "selected_option" in el:
        return (el.get("selected_option") or {}).get("value")
    if "selected_user" in el:
        return el.get("selected_user")
    if "selected_date" in el:
        return _iso_date(el.get("selected_date"))
    if "files" in el:  # a file_input: the files uploaded (each with its id)
        return list(el.get("files") or [])
    return el.get("value")


def request_key(body: dict) -> str | None:
    """Identity of a Slack request across retries (the same trigger for the same action); a
    modal shown again to be submitted under its first key (``handlers.kit.retry``) says so
    in its metadata."""
    if body.get("type") == "view_submission":
        again = retry.key_of_view(body.get("view") or {})
        if again:
            return again
    return body.get("trigger_id") or body.get("event_id")


def typed_text(body: dict) -> str:
    if "command" in body:
        return slack_text(body.get("text")).strip().replace("\x00", "")
    if body.get("type") == "message_action":
        return slack_text((body.get("message") or {}).get("text")).replace("\x00", "")
    return ""


MENTION = re.compile(r"<@([UW][A-Z0-9]{1,20})(?:\|[^<>]*)?>")


def mentioned(body: dict) -> list[str]:
    """User ids of the real mentions in a command's text, in order (typed characters reach
    the app as ``&lt;@U…&gt;`` and are not mentions)."""
    return list(dict.fromkeys(MENTION.findall(body.get("text") or ""))) if "command" in body else []


def install(app: App, services: Services, quick: Callable[[str | None], WebClient]) -> None:
    """``quick(token)``: the client, with the request's bot token, for calls made before a
    listener answers Slack (``users.info``); it never waits out a rate limit, which would
    spend the 3-second trigger window. A profile refreshed in the background after the
    request has gone on uses that same client: the request's own workspace token."""
    deadline.install(app, request_key)
    seal.use_secret(services.settings.slack_signing_secret.get_secret_value())
    install_mentions(app, services, quick)

    @app.middleware
    def request_facts(context: BoltContext, body: dict, next) -> None:
        context["services"] = services
        context["answer"] = Answer(context, body)
        context["request_key"] = context.get(retry.RETRY_KEY) or request_key(body)
        context["text"] = typed_text(body)
        view = body.get("view") or {}
        context["form"] = read_form((view.get("state") or {}).get("values") or {})
        team_id, user_id = context.team_id, context.user_id
        if team_id and team_id not in services.seeded:
            people.prepare_workspace(
                services.db, team_id=team_id, default_currency=services.settings.default_currency
            )
            services.seeded.add(team_id)
        client = quick(context.bot_token)  # the workspace's own token (OAuth: many workspaces)
        profile = fetch_profile(services, client, team_id, user_id) if team_id and user_id else None
        context["profile"] = profile
        context["tz"] = valid_timezone(profile.tz if profile else None)
        context["today"] = local_date(services.now(), context["tz"])
        # Slack's locale until the database says which language (an outage is answered in it)
        context["t"] = Translator(profile.locale if profile else None)
        context["actor"] = acting(services, team_id, user_id, profile)
        context["t"] = Translator(context["actor"].language if context["actor"] else None)
        context["act"] = Act(services, context["actor"], context["request_key"])
        next()


def install_mentions(
    app: App, services: Services, quick: Callable[[str | None], WebClient]
) -> None:
    @app.middleware
    def mentions(context: BoltContext, body: dict, next) -> None:
        ids, team_id = mentioned(body), context.team_id
        found: set[str] = set()
        if ids and team_id:  # users.info with the request's own workspace token
            found = known_members(services, quick(context.bot_token), team_id, ids)
        context["mentions"] = frozenset(found)
        next()


def acting(services: Services, team_id: str | None, user_id: str | None, profile) -> Actor | None:
    """Who acts, with the language they chose in Salespath (Slack's locale is only the first
    guess: Slack has no Indonesian): one query per request, no cache to go stale when another
    process saves a new choice."""
    if profile is None or not team_id or not user_id:
        return None
    return people.actor(
        services.db,
        team_id=team_id,
        user_id=user_id,
        workspace_admin=profile.is_workspace_admin,
        slack_locale=profile.locale,
    )
