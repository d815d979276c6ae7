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
- ``answer``: reply where the user acted (``handlers.kit.replies.Answer``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.core.deals import Actor
from bot.core.i18n import Translator
from bot.core.slots import local_date, valid_timezone
from bot.usecases import people
from handlers.kit.profiles import fetch_profile
from handlers.kit.replies import Answer

if TYPE_CHECKING:
    from bot.services import Services


def slack_text(text: str | None) -> str:
    """Text as the user typed it: Slack sends ``&``, ``<`` and ``>`` in slash commands and
    messages as ``&amp;``, ``&lt;`` and ``&gt;`` (mentions and links stay ``<…>``)."""
    return (text or "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def read_form(values: dict) -> dict[str, Any]:
    """``view.state.values`` → ``{block_id: value}``: the one reader of a modal's state (one
    element per block). Menus give their option's value, multi-selects and checkboxes a
    list of values, user pickers the user id, date pickers the ISO date."""
    out: dict[str, Any] = {}
    for block_id, elements in (values or {}).items():
        for el in elements.values():
            out[block_id] = _element_value(el)
    return out


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
        return el.get("selected_date")
    return el.get("value")


def request_key(body: dict) -> str | None:
    """Identity of a Slack request across retries (the same trigger for the same action)."""
    return body.get("trigger_id") or body.get("event_id")


def typed_text(body: dict) -> str:
    if "command" in body:
        return slack_text(body.get("text")).strip()
    if body.get("type") == "message_action":
        return slack_text((body.get("message") or {}).get("text"))
    return ""


def install(app: App, services: Services, quick: Callable[[str | None], WebClient]) -> None:
    """``quick(token)``: the client, with the request's bot token, for calls made before a
    listener answers Slack (``users.info``); it never waits out a rate limit, which would
    spend the 3-second trigger window."""

    @app.middleware
    def request_facts(context: BoltContext, body: dict, next) -> None:
        context["services"] = services
        context["answer"] = Answer(context, body)
        context["request_key"] = request_key(body)
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
        context["actor"] = acting(services, team_id, user_id, profile)
        context["t"] = Translator(context["actor"].language if context["actor"] else None)
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
