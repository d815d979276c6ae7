"""Signed requests to the app's HTTP endpoint, in the shapes Slack really sends.

Slash commands are form-encoded, interactivity is a ``payload=`` JSON form field, events are a
JSON ``event_callback`` envelope; every request carries a v0 signature. Trigger ids and
response_urls come from the ``FakeSlack`` so the app can use them against it.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import re
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack
from urllib.parse import urlencode

from .fake_slack import APP_ID, FakeSlack
from .forms import STATEFUL_TYPES, options_of, state_for

__all__ = ["VERIFICATION_TOKEN", "Response", "SlackClient", "command_fields", "sign"]

VERIFICATION_TOKEN = "verification-token"
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
ACK_DEADLINE = 3.0

Json = dict[str, Any]
_event_ids = itertools.count(1)


@dataclass
class Response:
    """What the app answered, and what was sent (for ``SlackClient.resend``)."""

    status: int
    text: str
    headers: dict[str, str]
    elapsed: float
    body: bytes = b""
    request_headers: dict[str, str] = field(default_factory=dict)
    trigger_id: str | None = None
    response_url: str | None = None

    @property
    def json(self) -> Any:
        """The body parsed as JSON, or ``None`` (empty ack, plain text)."""
        if not self.text.strip():
            return None
        try:
            return json.loads(self.text)
        except ValueError:
            return None

    @property
    def timed_out(self) -> bool:
        """Slack gives up on an ack after 3 seconds (the user sees an error)."""
        return self.elapsed > ACK_DEADLINE


def sign(signing_secret: str, body: bytes | str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature headers for ``body``."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    raw = body.encode() if isinstance(body, str) else body
    base = b"v0:" + str(ts).encode() + b":" + raw
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}


def _channel_name(fake: FakeSlack | None, channel_id: str) -> str:
    if channel_id.startswith("D"):
        return "directmessage"
    if fake is not None and channel_id in fake.channel_names:
        return fake.channel_names[channel_id]
    return channel_id.lower()


def command_fields(
    command: str,
    text: str = "",
    *,
    fake: FakeSlack | None = None,
    user_id: str = "U1",
    team_id: str = "T1",
    channel_id: str = "C1",
    as_sent: bool = False,
) -> dict[str, str]:
    """A slash command's fields, as Slack posts them (and as Socket Mode's payload).
    ``as_sent``: ``text`` is already as Slack sends it (``&lt;@U1&gt;`` is what typing the
    characters ``<@U1>`` gives), so it is not escaped again."""
    enterprise: dict[str, str] = {}
    if fake is not None:
        team = fake.team(team_id)
        domain = team.domain
        if team.enterprise_id:  # a workspace in an Enterprise Grid says which
            enterprise = {
                "enterprise_id": team.enterprise_id,
                "enterprise_name": team.enterprise_name or team.enterprise_id,
            }
        user = fake.users.get(user_id)
        user_name = user.name if user else user_id.lower()
        trigger_id = fake.new_trigger_id(user_id=user_id)
        response_url = fake.new_response_url(
            team_id=team_id, channel_id=channel_id, user_id=user_id
        )
    else:
        domain, user_name = f"{team_id.lower()}-ws", user_id.lower()
        trigger_id = f"0.0.{secrets.token_hex(16)}"
        response_url = f"https://hooks.slack.com/commands/{team_id}/0/{secrets.token_hex(12)}"
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": domain,
        **enterprise,
        "channel_id": channel_id,
        "channel_name": _channel_name(fake, channel_id),
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text if as_sent else slack_escape(text),
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


_ENTITY = re.compile(r"<[@#!][^<>]*>|<(?:https?|mailto):[^<>]*>")


def slack_escape(text: str) -> str:
    """What Slack does to typed text before sending it: ``&``, ``<``, ``>`` become
    ``&amp;``, ``&lt;``, ``&gt;``; mentions, channels and links (``<@U1|x>``,
    ``<#C1|x>``, ``<https://…|…>``), which Slack itself formats, stay as they are."""
    out, at = [], 0
    for m in _ENTITY.finditer(text):
        out.append(_escape_plain(text[at : m.start()]))
        out.append(m.group(0))
        at = m.end()
    out.append(_escape_plain(text[at:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _find_element(blocks: Any, action_id: str, value: Any = None) -> tuple[Json, Json] | None:
    """The (block, element) with ``action_id`` (and ``value`` when several match)."""
    matches: list[tuple[Json, Json]] = []
    for block in blocks or []:
        if not isinstance(block, dict):
            continue
        candidates = [block.get("accessory"), block.get("element"), *(block.get("elements") or [])]
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                matches.append((block, element))
    for block, element in matches:
        if value is None or element.get("value") == value:
            return block, element
    return matches[0] if matches else None


class SubmissionArgs(TypedDict, total=False):
    """The keywords of a modal's submission (``SlackClient.view_submission_payload`` has the
    defaults)."""

    user_id: str
    team_id: str | None
    validate: bool


class BlockActionArgs(TypedDict, total=False):
    """The keywords of a block action (``SlackClient.block_action_payload`` has the defaults)."""

    value: str | None
    selected_option: str | Json | None
    selected_user: str | None
    block_id: str | None
    user_id: str
    team_id: str | None
    channel_id: str
    message: Mapping[str, Any] | None
    view: Mapping[str, Any] | None
    answers: Mapping[str, Any] | None
    action_type: str | None
    action: Mapping[str, Any] | None
    ephemeral: bool


class SlackClient:
    """Slack, calling the app: signed slash commands, interactivity and events."""

    timeout: float = 30.0

    def __init__(self, url: str, signing_secret: str, fake: FakeSlack, *, team_id: str = "T1"):
        self.url = url
        self.signing_secret = signing_secret
        self.fake = fake
        self.team_id = team_id
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # --- transport ------------------------------------------------------------------------

    def sign(self, body: bytes | str, timestamp: int | None = None) -> dict[str, str]:
        """Signature headers for ``body`` (now, or at ``timestamp``)."""
        return sign(self.signing_secret, body, timestamp)

    def raw(self, body: bytes | str, headers: Mapping[str, str]) -> Response:
        """POST ``body`` with exactly ``headers`` (for signature tests)."""
        data = body.encode() if isinstance(body, str) else body
        return self._send(data, dict(headers))

    def resend(
        self, response: Response, *, retry_num: int = 1, retry_reason: str = "http_timeout"
    ) -> Response:
        """Replay the identical body with Slack's retry headers and a fresh signature."""
        headers = {
            "Content-Type": response.request_headers.get("Content-Type", FORM),
            "User-Agent": USER_AGENT,
            "X-Slack-Retry-Num": str(retry_num),
            "X-Slack-Retry-Reason": retry_reason,
            **self.sign(response.body),
        }
        sent = self._send(response.body, headers)
        sent.trigger_id, sent.response_url = response.trigger_id, response.response_url
        return sent

    def _send(self, body: bytes, headers: dict[str, str]) -> Response:
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        started = time.perf_counter()
        try:
            with self._opener.open(request, timeout=self.timeout) as reply:
                status, reply_headers, data = reply.status, reply.headers, reply.read()
        except urllib.error.HTTPError as error:
            status, reply_headers, data = error.code, error.headers, error.read()
        elapsed = time.perf_counter() - started
        return Response(
            status=status,
            text=data.decode("utf-8", errors="replace"),
            headers=dict(reply_headers.items()),
            elapsed=elapsed,
            body=body,
            request_headers=headers,
        )

    def _post(
        self,
        body: str,
        content_type: str,
        *,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> Response:
        data = body.encode()
        headers = {"Content-Type": content_type, "User-Agent": USER_AGENT, **self.sign(data)}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self._send(data, headers)

    def interactive(
        self, payload: Json, *, trigger_id: str | None = None, response_url: str | None = None
    ) -> Response:
        """POST any interactivity payload (``payload=<json>`` form field)."""
        resp = self._post(urlencode({"payload": json.dumps(payload)}), FORM)
        resp.trigger_id, resp.response_url = trigger_id, response_url
        return resp

    # --- shared payload parts -------------------------------------------------------------

    def _team(self, team_id: str | None) -> Json:
        team = self.fake.team(team_id or self.team_id)
        found = {"id": team.id, "domain": team.domain}
        if team.enterprise_id:
            found["enterprise_id"] = team.enterprise_id
            found["enterprise_name"] = team.enterprise_name or team.enterprise_id
        return found

    def _enterprise(self, team_id: str | None) -> Json | None:
        team = self.fake.team(team_id or self.team_id)
        if not team.enterprise_id:
            return None
        return {"id": team.enterprise_id, "name": team.enterprise_name or team.enterprise_id}

    def _user(self, user_id: str, team_id: str | None) -> Json:
        known = self.fake.users.get(user_id)
        name = known.name if known else user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": team_id or self.team_id}

    def _channel(self, channel_id: str) -> Json:
        return {"id": channel_id, "name": _channel_name(self.fake, channel_id)}

    def _base(self, kind: str, user_id: str, team_id: str | None) -> Json:
        return {
            "type": kind,
            "team": self._team(team_id),
            "user": self._user(user_id, team_id),
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "is_enterprise_install": False,
            "enterprise": self._enterprise(team_id),
        }

    def _as_posted(self, message: Json, team_id: str | None) -> Json:
        """A reply body (e.g. an ack's JSON) as Slack shows it: a bot message with a ts."""
        for key in ("response_type", "replace_original", "delete_original"):
            message.pop(key, None)
        team = self.fake.team(team_id or self.team_id)
        message.setdefault("type", "message")
        message.setdefault("user", team.bot_user_id)
        message.setdefault("bot_id", team.bot_id)
        message.setdefault("ts", f"{time.time():.6f}")
        return message

    def _response_url(
        self, team_id: str | None, channel_id: str, user_id: str, message_ts: str | None = None
    ) -> str:
        return self.fake.new_response_url(
            team_id=team_id or self.team_id,
            channel_id=channel_id,
            user_id=user_id,
            message_ts=message_ts,
        )

    # --- slash commands -------------------------------------------------------------------

    def command(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str = "U1",
        team_id: str | None = None,
        channel_id: str = "C1",
        retry_num: int | None = None,
        retry_reason: str | None = None,
        as_sent: bool = False,
    ) -> Response:
        """Run ``/command text`` as ``user_id`` in ``channel_id``. ``text`` is what the user
        typed, escaped the way Slack does (mentions written ``<@U1>`` stay mentions);
        ``as_sent=True`` sends it exactly as given (``&lt;@U1&gt;``: characters typed)."""
        fields = command_fields(
            command,
            text,
            fake=self.fake,
            user_id=user_id,
            team_id=team_id or self.team_id,
            channel_id=channel_id,
            as_sent=as_sent,
        )
        resp = self._post(urlencode(fields), FORM, retry_num=retry_num, retry_reason=retry_reason)
        resp.trigger_id, resp.response_url = fields["trigger_id"], fields["response_url"]
        if resp.status == 200:
            self.fake.after_command(channel_id, user_id, f"{command} {text}".strip(), resp.json)
        return resp

    # --- modals ---------------------------------------------------------------------------

    def view_submission_payload(
        self,
        view: Mapping[str, Any],
        answers: Mapping[str, Any] | None = None,
        *,
        user_id: str = "U1",
        team_id: str | None = None,
        validate: bool = True,
    ) -> Json:
        """The ``view_submission`` payload for ``view`` filled with ``answers``."""
        stored = self.fake.find_view(view)
        stored["state"] = state_for(stored, answers, validate=validate)
        payload = self._base("view_submission", user_id, team_id)
        payload["trigger_id"] = self.fake.new_trigger_id(user_id=user_id, view_id=stored["id"])
        payload["view"] = stored
        payload["response_urls"] = []
        return payload

    def view_submission(
        self,
        view: Mapping[str, Any],
        answers: Mapping[str, Any] | None = None,
        **kw: Unpack[SubmissionArgs],
    ) -> Response:
        """Submit a modal the app opened (``view`` as sent to views.open/push/update).

        ``validate=False`` lets through what Slack's client would refuse (empty required
        inputs, bad numbers). The fake's modal stack follows the app's answer. The keywords
        (and their defaults) are ``view_submission_payload``'s.
        """
        payload = self.view_submission_payload(view, answers, **kw)
        resp = self.interactive(payload, trigger_id=payload["trigger_id"])
        if resp.status == 200:
            self.fake.after_view_submission(payload["view"]["id"], resp.json)
        return resp

    def view_closed(
        self,
        view: Mapping[str, Any],
        *,
        user_id: str = "U1",
        team_id: str | None = None,
        is_cleared: bool = False,
    ) -> Response:
        """The user closed a modal (sent only when the view has ``notify_on_close``)."""
        stored = self.fake.find_view(view)
        stored["state"] = state_for(stored, {}, validate=False)
        payload = self._base("view_closed", user_id, team_id)
        payload.update({"view": stored, "is_cleared": is_cleared})
        resp = self.interactive(payload)
        self.fake.close_view(stored["id"])
        return resp

    # --- block actions --------------------------------------------------------------------

    def block_action_payload(
        self,
        action_id: str,
        *,
        value: str | None = None,
        selected_option: str | Json | None = None,
        selected_user: str | None = None,
        block_id: str | None = None,
        user_id: str = "U1",
        team_id: str | None = None,
        channel_id: str = "C1",
        message: Mapping[str, Any] | None = None,
        view: Mapping[str, Any] | None = None,
        answers: Mapping[str, Any] | None = None,
        action_type: str | None = None,
        action: Mapping[str, Any] | None = None,
        ephemeral: bool = False,
    ) -> Json:
        """The ``block_actions`` payload (see ``block_action``)."""
        stored = self.fake.find_view(view) if view is not None else None
        shown = copy.deepcopy(dict(message)) if message is not None else None
        source = stored if stored is not None else shown
        found = _find_element((source or {}).get("blocks"), action_id, value)
        block, element = found if found else ({}, {})
        kind = action_type or element.get("type")
        if kind is None:
            kind = (
                "users_select"
                if selected_user
                else "static_select"
                if selected_option
                else "button"
            )
        act: Json = {
            "type": kind,
            "action_id": action_id,
            "block_id": block_id or block.get("block_id", "b"),
        }
        if kind == "button":
            act["text"] = element.get("text") or {"type": "plain_text", "text": action_id}
            value = element.get("value") if value is None else value
            if element.get("style"):
                act["style"] = element["style"]
        if value is not None:
            act["value"] = value
        chosen: Any = None
        if selected_option is not None:
            act["selected_option"] = self._option(element, selected_option)
            chosen = act["selected_option"]
        if selected_user is not None:
            act["selected_user"] = selected_user
            chosen = selected_user
        act.update(action or {})
        act["action_ts"] = f"{time.time():.6f}"

        state_answers = dict(answers or {})
        if kind in STATEFUL_TYPES and chosen is not None and block:
            state_answers.setdefault(act["block_id"], chosen)
        payload = self._base("block_actions", user_id, team_id)
        if stored is not None:
            stored["state"] = state_for(stored, state_answers, validate=False)
            payload["container"] = {"type": "view", "view_id": stored["id"]}
            payload["trigger_id"] = self.fake.new_trigger_id(user_id=user_id, view_id=stored["id"])
            payload["view"] = stored
        else:
            shown = self._as_posted(shown or {"text": "", "blocks": []}, team_id)
            payload["container"] = {
                "type": "message",
                "message_ts": shown["ts"],
                "channel_id": channel_id,
                "is_ephemeral": ephemeral,
            }
            payload["trigger_id"] = self.fake.new_trigger_id(user_id=user_id)
            payload["channel"] = self._channel(channel_id)
            if not ephemeral:
                payload["message"] = shown
            payload["state"] = state_for(shown, state_answers, validate=False)
            payload["response_url"] = self._response_url(team_id, channel_id, user_id, shown["ts"])
        payload["actions"] = [act]
        return payload

    def block_action(self, action_id: str, **kw: Unpack[BlockActionArgs]) -> Response:
        """Click a button / pick an option in a message (default) or in ``view``.

        The element is looked up in the message/view blocks to fill the real ``type``,
        ``block_id``, button ``text`` and ``value``; ``block_id`` falls back to "b".
        ``answers`` fills a view's other inputs; ``action`` adds fields (e.g. selected_date).
        ``ephemeral=True`` mimics a click on an ephemeral message: Slack then sends no
        ``message``. The keywords (and their defaults) are ``block_action_payload``'s.
        """
        payload = self.block_action_payload(action_id, **kw)
        return self.interactive(
            payload, trigger_id=payload["trigger_id"], response_url=payload.get("response_url")
        )

    @staticmethod
    def _option(element: Mapping[str, Any], chosen: str | Json) -> Json:
        if isinstance(chosen, Mapping):
            return dict(chosen)
        for option in options_of(element):
            if option.get("value") == chosen:
                return option
        return {"text": {"type": "plain_text", "text": str(chosen), "emoji": True}, "value": chosen}

    def block_suggestion(
        self,
        action_id: str,
        value: str,
        view: Mapping[str, Any] | None = None,
        *,
        block_id: str | None = None,
        user_id: str = "U1",
        team_id: str | None = None,
        channel_id: str = "C1",
        message: Mapping[str, Any] | None = None,
    ) -> Response:
        """Type ``value`` into an external_select: the app answers ``{"options": [...]}``."""
        payload = self._base("block_suggestion", user_id, team_id)
        source: Mapping[str, Any] = {}
        if view is not None:
            stored = self.fake.find_view(view)
            stored["state"] = state_for(stored, {}, validate=False)
            payload.update(container={"type": "view", "view_id": stored["id"]}, view=stored)
            source = stored
        else:
            shown = self._as_posted(copy.deepcopy(dict(message or {"text": ""})), team_id)
            payload["container"] = {
                "type": "message",
                "message_ts": shown["ts"],
                "channel_id": channel_id,
                "is_ephemeral": False,
            }
            payload.update(channel=self._channel(channel_id), message=shown)
            source = shown
        found = _find_element(source.get("blocks"), action_id)
        payload["action_id"] = action_id
        payload["block_id"] = block_id or (found[0].get("block_id") if found else "b")
        payload["value"] = value
        return self.interactive(payload)

    # --- shortcuts ------------------------------------------------------------------------

    def global_shortcut(
        self, callback_id: str, *, user_id: str = "U1", team_id: str | None = None
    ) -> Response:
        """Run a global shortcut (from the ⚡ menu or search)."""
        payload = self._base("shortcut", user_id, team_id)
        payload["user"] = {k: payload["user"][k] for k in ("id", "username", "team_id")}
        trigger_id = self.fake.new_trigger_id(user_id=user_id)
        payload.update(
            callback_id=callback_id, trigger_id=trigger_id, action_ts=f"{time.time():.6f}"
        )
        return self.interactive(payload, trigger_id=trigger_id)

    def message_shortcut(
        self,
        callback_id: str,
        *,
        message: Mapping[str, Any],
        channel_id: str = "C1",
        user_id: str = "U1",
        team_id: str | None = None,
    ) -> Response:
        """Run a message shortcut on ``message`` (its ``ts`` is filled in when missing)."""
        shown = self._as_posted(copy.deepcopy(dict(message)), team_id)
        trigger_id = self.fake.new_trigger_id(user_id=user_id)
        response_url = self._response_url(team_id, channel_id, user_id)
        payload = self._base("message_action", user_id, team_id)
        payload.update(
            callback_id=callback_id,
            trigger_id=trigger_id,
            response_url=response_url,
            action_ts=f"{time.time():.6f}",
            message_ts=shown["ts"],
            message=shown,
            channel=self._channel(channel_id),
        )
        return self.interactive(payload, trigger_id=trigger_id, response_url=response_url)

    # --- Events API -----------------------------------------------------------------------

    def event_envelope(
        self, event: Mapping[str, Any], *, team_id: str | None = None, event_id: str | None = None
    ) -> Json:
        """The ``event_callback`` envelope around ``event``."""
        team_id = team_id or self.team_id
        enterprise_id = self.fake.team(team_id).enterprise_id
        body = dict(event)
        now = time.time()
        body.setdefault("event_ts", f"{now:.6f}")
        authorization = {
            "enterprise_id": enterprise_id,
            "team_id": team_id,
            "user_id": self.fake.team(team_id).bot_user_id,
            "is_bot": True,
            "is_enterprise_install": False,
        }
        return {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "enterprise_id": enterprise_id,
            "api_app_id": APP_ID,
            "event": body,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_event_ids):04d}{secrets.token_hex(4).upper()}",
            "event_time": int(now),
            "authorizations": [authorization],
            "is_ext_shared_channel": False,
            "event_context": f"4-{secrets.token_urlsafe(24)}",
        }

    def event(
        self,
        event: Mapping[str, Any],
        *,
        team_id: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> Response:
        """Deliver one Events API event."""
        envelope = self.event_envelope(event, team_id=team_id, event_id=event_id)
        return self._post(
            json.dumps(envelope), JSON_TYPE, retry_num=retry_num, retry_reason=retry_reason
        )

    def app_home_opened(
        self, user_id: str = "U1", *, tab: str = "home", team_id: str | None = None
    ) -> Response:
        """The user opened the app's Home tab (with the last published view, if any)."""
        event: Json = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": "D" + user_id,
            "tab": tab,
        }
        home = self.fake.home_view(user_id)
        if home is not None:
            event["view"] = home
        return self.event(event, team_id=team_id)

    def message(
        self,
        text: str,
        *,
        channel_id: str = "C1",
        user_id: str = "U1",
        team_id: str | None = None,
        thread_ts: str | None = None,
    ) -> Response:
        """A user's ``message`` event."""
        ts = f"{time.time():.6f}"
        event: Json = {
            "type": "message",
            "channel": channel_id,
            "user": user_id,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": "im" if channel_id.startswith("D") else "channel",
            "team": team_id or self.team_id,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return self.event(event, team_id=team_id)

    def app_uninstalled(self, *, team_id: str | None = None) -> Response:
        """The workspace removed the app (``app_uninstalled``)."""
        return self.event({"type": "app_uninstalled"}, team_id=team_id)

    def tokens_revoked(
        self, *, bot: Sequence[str] = (), oauth: Sequence[str] = (), team_id: str | None = None
    ) -> Response:
        """Tokens were revoked (``tokens_revoked``): bot user ids and user ids."""
        tokens = {"oauth": list(oauth), "bot": list(bot)}
        return self.event({"type": "tokens_revoked", "tokens": tokens}, team_id=team_id)

    def uninstall(self, *, team_id: str | None = None) -> list[Response]:
        """What Slack does when a workspace uninstalls the app: the bot token stops
        working, then ``tokens_revoked`` and ``app_uninstalled`` arrive."""
        team = self.fake.team(team_id or self.team_id)
        self.fake.revoke(team.id)
        return [
            self.tokens_revoked(bot=[team.bot_user_id], team_id=team.id),
            self.app_uninstalled(team_id=team.id),
        ]

    def user_change(
        self,
        user_id: str,
        *,
        deleted: bool = True,
        team_id: str | None = None,
        event_id: str | None = None,
    ) -> Response:
        """A member deactivated (``deleted``) or reactivated by an admin: Slack's
        ``user_change`` with the whole user object."""
        user = self.fake.set_deleted(user_id, deleted, team_id=team_id or self.team_id)
        event = {"type": "user_change", "user": user.to_api(include_locale=True)}
        return self.event(event, team_id=team_id, event_id=event_id)

    def url_verification(self, challenge: str = "challenge-token") -> Response:
        """Slack's check of the Request URL (the app echoes ``challenge``)."""
        body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return self._post(json.dumps(body), JSON_TYPE)
