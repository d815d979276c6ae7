"""What Slack does when a user does something in its client: the playground's page says
"Rina clicked Advance on that message"; this module builds the request Slack would send (with
``SlackClient``, which signs it, as Slack's servers do) and applies the app's answer the way
Slack's client would (an ephemeral reply, field errors on the open modal, the next view).

The page never signs anything and never sees the signing secret.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from .client import Response, SlackClient, slack_escape
from .fake_slack import FakeSlack
from .forms import FormError, options_of, stateful_elements
from .manifest import AppSurface

__all__ = ["SLACKBOT", "Gestures", "answers_for"]

Json = dict[str, Any]
SLACKBOT = "USLACKBOT"
TROUBLE = "We had some trouble connecting. Try again?"
_MENTION = re.compile(r"(?<![<\w])@([\w.-]+)")


def answers_for(view: Json, values: Mapping[str, Mapping[str, Any]]) -> Json:
    """The page's ``{block_id: {action_id: value}}`` as ``state_for`` answers (an empty text
    field is ``None``, as Slack sends it)."""
    elements = list(stateful_elements(view))
    siblings = Counter(block.get("block_id") for block, _ in elements)
    answers: Json = {}
    for block, element in elements:
        block_id, action_id = block.get("block_id", ""), element.get("action_id", "")
        given = values.get(block_id) or {}
        if action_id not in given:
            continue
        value = None if given[action_id] == "" else given[action_id]
        if siblings[block_id] > 1:
            answers.setdefault(block_id, {})[action_id] = value
        else:
            answers[block_id] = value
    return answers


def _options(source: Json, request: Json, values: list[str]) -> list[Json]:
    """The element's own option objects for the chosen ``values``."""
    for block, element in stateful_elements(source):
        if (block.get("block_id"), element.get("action_id")) == (
            request.get("block_id"),
            request.get("action_id"),
        ):
            offered = {o.get("value"): o for o in options_of(element)}
            return [offered[v] for v in values if v in offered]
    return []


class Gestures:
    """A user's gestures in the client, turned into Slack's requests to the app."""

    def __init__(self, client: SlackClient, fake: FakeSlack, surface: AppSurface) -> None:
        self.client = client
        self.fake = fake
        self.surface = surface

    # --- the composer -------------------------------------------------------------------

    def send(self, user: str, channel: str, text: str) -> Json:
        """Enter in the composer: a slash command, or a message posted as the user."""
        text = self._mentions(text.strip())
        if not text:
            return {"ok": True}
        if not text.startswith("/"):
            self.fake.add_message(channel, user, slack_escape(text))
            return {"ok": True}
        command, _, rest = text.partition(" ")
        known = {c.command for c in self.surface.commands}
        if known and command not in known:
            self._slackbot(
                channel,
                user,
                f"`{command}` is not a valid command. In Slack, all messages that start with "
                'the "/" character are interpreted as commands.',
            )
            return {"ok": True}
        resp = self.client.command(command, rest.strip(), user_id=user, channel_id=channel)
        self._check_ack(resp, channel, user, command)
        return {"ok": True}

    def _mentions(self, text: str) -> str:
        """``@rina`` as Slack's autocomplete writes it: ``<@U1|rina>``."""
        by_name = {u.name: u.id for u in self.fake.users.values()}

        def one(m: re.Match[str]) -> str:
            found = by_name.get(m.group(1))
            return f"<@{found}|{m.group(1)}>" if found else m.group(0)

        return _MENTION.sub(one, text)

    def _check_ack(self, resp: Response, channel: str, user: str, command: str) -> None:
        """Slack tells the user when the app failed to answer in time or at all."""
        if resp.timed_out:
            self._slackbot(channel, user, f'{command} failed with the error "operation_timeout"')
        elif resp.status != 200:
            self._slackbot(channel, user, f'{command} failed with the error "dispatch_failed"')

    def _slackbot(self, channel: str, user: str, text: str) -> None:
        self.fake.add_message(channel, SLACKBOT, text, visible_to=user)

    # --- Block Kit actions --------------------------------------------------------------

    def act(self, user: str, request: Json) -> Json:
        """A click or a pick on an interactive element of a message, modal or Home tab."""
        where = self._container(user, request)
        action = dict(request.get("action") or {})
        if "selected_values" in request:  # checkboxes, multi_static_select: Slack sends options
            source = where.get("view") or where.get("message") or {}
            action["selected_options"] = _options(source, request, request["selected_values"])
        self.client.block_action(
            str(request["action_id"]),
            block_id=request.get("block_id"),
            user_id=user,
            action_type=request.get("type"),
            value=request.get("value"),
            selected_option=request.get("selected_option"),
            selected_user=request.get("selected_user"),
            action=action,
            **where,
        )
        return {"ok": True}

    def _container(self, user: str, request: Json) -> Json:
        """Where the element is: ``message=…`` (and channel) or ``view=…`` with its state."""
        if request.get("view_id"):
            view = self._view(user, str(request["view_id"]))
            return {"view": view, "answers": answers_for(view, request.get("values") or {})}
        channel = str(request.get("channel", ""))
        found = self.fake.conversations.find(channel, str(request.get("ts", "")))
        if found is None:
            raise LookupError("that message is gone")
        return {"message": found.message, "channel_id": channel, "ephemeral": found.ephemeral}

    def _view(self, user: str, view_id: str) -> Json:
        home = self.fake.home_view(user)
        if home is not None and home.get("id") == view_id:
            return home
        return self.fake.find_view({"id": view_id})

    def suggest(self, user: str, request: Json) -> Json:
        """Typing in an external_select: the app's options (``block_suggestion``)."""
        where = self._container(user, request)
        resp = self.client.block_suggestion(
            str(request["action_id"]),
            str(request.get("value", "")),
            where.get("view"),
            block_id=request.get("block_id"),
            user_id=user,
            channel_id=where.get("channel_id", "C1"),
            message=where.get("message"),
        )
        body = resp.json if resp.status == 200 and isinstance(resp.json, dict) else {}
        options = list(body.get("options") or [])
        for group in body.get("option_groups") or []:
            options.extend(group.get("options") or [])
        return {"options": options}

    # --- modals -------------------------------------------------------------------------

    def submit(self, user: str, request: Json) -> Json:
        """Submit the top modal; answer with field errors if the app sent any."""
        view = self._view(user, str(request["view_id"]))
        try:
            answers = answers_for(view, request.get("values") or {})
            resp = self.client.view_submission(view, answers, user_id=user)
        except FormError as error:
            return {"error": str(error)}
        if resp.status != 200 or resp.timed_out:
            return {"error": TROUBLE}
        body = resp.json if isinstance(resp.json, dict) else {}
        if body.get("response_action") == "errors":
            return {"errors": body.get("errors") or {}}
        return {"ok": True}

    def close(self, user: str, request: Json) -> Json:
        """Cancel (one view back) or × (the whole stack); ``view_closed`` if the view asks."""
        view = self._view(user, str(request["view_id"]))
        whole = bool(request.get("all")) or bool(view.get("clear_on_close"))
        if view.get("notify_on_close"):
            self.client.view_closed(view, user_id=user, is_cleared=whole)
        self.fake.close_view(view["id"], whole_stack=whole)
        return {"ok": True}

    # --- shortcuts and the Home tab -----------------------------------------------------

    def shortcut(self, user: str, request: Json) -> Json:
        """A global shortcut from the ⚡ menu."""
        self.client.global_shortcut(str(request["callback_id"]), user_id=user)
        return {"ok": True}

    def message_shortcut(self, user: str, request: Json) -> Json:
        """A message shortcut from a message's ⋯ menu."""
        channel = str(request.get("channel", ""))
        found = self.fake.conversations.find(channel, str(request.get("ts", "")))
        if found is None:
            raise LookupError("that message is gone")
        self.client.message_shortcut(
            str(request["callback_id"]), message=found.message, channel_id=channel, user_id=user
        )
        return {"ok": True}

    def open_home(self, user: str, request: Json) -> Json:
        """The user opened the app's Home (or Messages) tab: ``app_home_opened``."""
        self.client.app_home_opened(user, tab=str(request.get("tab", "home")))
        return {"ok": True}
