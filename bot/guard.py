"""The door in front of Bolt: every ``POST /slack/events`` is checked here before Bolt reads it.

1. **Who sent it** — Slack's v0 signature (HMAC-SHA256 of ``v0:<timestamp>:<raw body>``) over
   the raw bytes, with the request timestamp less than five minutes away. Anything unsigned,
   badly signed or stale gets ``401`` before a single byte of it is parsed. (slack_sdk's
   ``SignatureVerifier`` decodes the body as UTF-8 first, so it cannot sign-check raw bytes.)
2. **What it is** — a signed request must still be one Slack sends: UTF-8; a slash command
   (form fields ``command``, ``team_id``, ``user_id``, ``channel_id``), an interactivity
   ``payload`` (a JSON object of a kind the app handles, with the fields its listeners read:
   a non-empty ``actions`` list, a ``view`` with ``type``, ``id`` and ``state``…), or an Events
   API envelope. Anything else gets ``400`` and a log line, never a traceback.
3. **What broke** — should anything below raise all the same, the answer is a plain ``500``
   and the error is logged; the body never carries a traceback.

One repair on the way: Bolt (``slack_bolt.request.internals.parse_body``) reads any form
body in which the letters ``payload`` appear as an interactivity payload, so a command like
``/prospect payload corp`` went unanswered (404). A command's body with those letters in it
is handed to Bolt with one of them percent-encoded (the same text once decoded) and signed
again, with the app's own secret and the request's timestamp, after it was verified here.

Why hand-written: Bolt parses the body before it verifies the signature and raises on bodies
it cannot parse (``payload=%7Bnot-json``, ``payload=[]``, raw ``\\xff`` bytes), which the WSGI
server turns into a 500 — even for unsigned requests. The shape rules are the few facts the
listeners rely on; a JSON-schema validator would be a run-time dependency for a dozen checks.
Wired into ``bot.server`` with one line.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

log = logging.getLogger("salespath.guard")

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]

#: Slack's own payloads stay far below this (a full modal's state is a few hundred KB at most).
MAX_BODY = 2_000_000
REPLAY_WINDOW = 5 * 60  # seconds: Slack's own rule for a request's timestamp
EVENT_TYPES = frozenset({"event_callback", "url_verification", "app_rate_limited"})


class Malformed(ValueError):
    """A signed request that is not one Slack sends (the reason is logged, not shown)."""


def _need(ok: bool, why: str) -> None:
    if not ok:
        raise Malformed(why)


def _str(obj: Any, key: str) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get(key), str) and bool(obj.get(key))


def _user_and_team(payload: dict) -> None:
    user, team = payload.get("user"), payload.get("team")
    _need(_str(user, "id"), "payload.user.id")
    _need(_str(team, "id") or _str(user, "team_id"), "payload.team.id")


def _state(view: dict) -> None:
    state = view.get("state", {"values": {}})
    values = state.get("values") if isinstance(state, dict) else None
    _need(isinstance(values, dict), "view.state.values")
    for elements in values.values():
        _need(isinstance(elements, dict), "view.state.values.<block>")
        _need(all(isinstance(el, dict) for el in elements.values()), "view.state.values.<el>")


def _view(view: Any, *, submitted: bool) -> None:
    _need(isinstance(view, dict), "view")
    _need(_str(view, "type") and _str(view, "id"), "view.type and view.id")
    _need(isinstance(view.get("private_metadata", ""), str), "view.private_metadata")
    _need(isinstance(view.get("blocks", []), list), "view.blocks")
    if submitted:
        _need(isinstance(view.get("callback_id"), str), "view.callback_id")
    _state(view)


def _actions(payload: dict) -> None:
    actions = payload.get("actions")
    _need(isinstance(actions, list) and bool(actions), "actions: a non-empty list")
    for action in actions:
        _need(_str(action, "action_id"), "actions[].action_id")
        _need(isinstance(action.get("value", ""), str), "actions[].value")
        chosen = action.get("selected_option", {})
        _need(chosen is None or isinstance(chosen, dict), "actions[].selected_option")
    if "view" in payload:
        _view(payload["view"], submitted=False)
    for key in ("channel", "message", "container"):
        _need(isinstance(payload.get(key, {}), dict | None), key)


def check_payload(payload: Any) -> None:
    """An interactivity payload the listeners can read, else ``Malformed``."""
    _need(isinstance(payload, dict) and _str(payload, "type"), "payload: an object with a type")
    kind = payload["type"]
    _user_and_team(payload)
    if kind == "block_actions":
        _actions(payload)
    elif kind in ("view_submission", "view_closed"):
        _view(payload.get("view"), submitted=True)
    elif kind == "shortcut":
        _need(_str(payload, "callback_id") and _str(payload, "trigger_id"), "shortcut ids")
    elif kind == "message_action":
        _need(_str(payload, "callback_id") and _str(payload, "trigger_id"), "shortcut ids")
        _need(isinstance(payload.get("message"), dict), "message")
        _need(_str(payload.get("channel"), "id"), "channel.id")
    elif kind == "block_suggestion":
        _need(_str(payload, "action_id"), "action_id")
        _need(isinstance(payload.get("value", ""), str), "value")
        if "view" in payload:
            _view(payload["view"], submitted=False)
    else:
        raise Malformed(f"payload type {kind!r}")


def check_command(form: dict[str, list[str]]) -> None:
    def one(key: str) -> str:
        values = form.get(key) or [""]
        _need(len(values) == 1, f"{key} given twice")
        return values[0]

    _need(one("command").startswith("/"), "command")
    for key in ("team_id", "user_id", "channel_id"):
        _need(bool(one(key)), key)
    one("text")


def check_event(envelope: Any) -> None:
    _need(isinstance(envelope, dict) and envelope.get("type") in EVENT_TYPES, "event envelope")
    if envelope["type"] == "event_callback":
        _need(_str(envelope.get("event"), "type"), "event.type")
        _need(_str(envelope, "team_id") or bool(envelope.get("authorizations")), "team_id")


def check_body(body: bytes, content_type: str) -> str:
    """A signed body Slack could have sent, else ``Malformed`` (the reason in its text);
    what it is: ``event``, ``payload``, ``ssl_check`` or ``command``."""
    try:
        text = body.decode("utf-8")
        if content_type.split(";")[0].strip().lower() == "application/json":
            check_event(json.loads(text))
            return "event"
        form = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise Malformed(f"unreadable body: {type(exc).__name__}") from None
    if "payload" in form:
        _need(len(form["payload"]) == 1, "payload given twice")
        try:
            payload = json.loads(form["payload"][0])
        except ValueError:
            raise Malformed("payload is not JSON") from None
        check_payload(payload)
        return "payload"
    if form.get("ssl_check") == ["1"]:
        return "ssl_check"
    check_command(form)
    return "command"


def _reply(start_response: Callable, status: str, text: str) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode()]


def _header(environ: dict, name: str) -> str | None:
    return environ.get("HTTP_" + name.upper().replace("-", "_"))


def signed(secret: bytes, environ: dict, body: bytes, now: float) -> bool:
    """Slack's v0 signature of ``body``, made less than five minutes from ``now``."""
    stamp = _header(environ, "X-Slack-Request-Timestamp") or ""
    signature = _header(environ, "X-Slack-Signature") or ""
    if not (stamp.isascii() and stamp.isdigit()) or abs(now - int(stamp)) > REPLAY_WINDOW:
        return False
    base = b"v0:" + stamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def _payload_word_hidden(environ: dict, secret: bytes, body: bytes) -> dict:
    """A command's body with ``payload`` written ``p%61yload`` (see the module docstring)."""
    body = body.replace(b"payload", b"p%61yload")
    stamp = _header(environ, "X-Slack-Request-Timestamp") or ""
    base = b"v0:" + stamp.encode() + b":" + body
    signature = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return {
        **environ,
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_SLACK_SIGNATURE": signature,
    }


def protect(slack: WsgiApp, signing_secret: str) -> WsgiApp:
    """``slack`` (Bolt's WSGI handler) behind the checks above; requests other than POST
    (OAuth's GET routes, say) pass straight through."""
    secret = signing_secret.encode()

    def guarded(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return slack(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _reply(start_response, "400 Bad Request", "bad content length")
        if length > MAX_BODY:
            return _reply(start_response, "413 Content Too Large", "request too large")
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        if not signed(secret, environ, body, time.time()):
            return _reply(start_response, "401 Unauthorized", "invalid request signature")
        try:
            kind = check_body(body, environ.get("CONTENT_TYPE") or "")
        except Malformed as why:
            log.warning("refused a signed but malformed request: %s", why)
            return _reply(start_response, "400 Bad Request", "malformed request")
        environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        if kind == "command" and b"payload" in body:
            environ = _payload_word_hidden(environ, secret, body)
        try:
            return slack(environ, start_response)
        except Exception:  # logged with its traceback; the answer carries none
            log.exception("unhandled error behind the guard")
            return _reply(start_response, "500 Internal Server Error", "internal error")

    return guarded
