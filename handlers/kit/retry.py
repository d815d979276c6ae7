"""Retry after the database lost a commit's outcome: the same request, under its first key.

Every change runs through ``run_once(key, …)``, so running a request again under the key it
first had either applies it (the first try did not land) or answers with what the first one
did (it landed) — never twice. What makes that possible from Slack:

- a slash command or a button (not in a modal): the answer carries a **Retry** button whose
  value is the request — the command and its text, or the action and its value — and its key,
  sealed (``handlers.ui.seal``) so that only the app's own values are run; the user who
  presses it and the workspace come from the click, never from the value. Pressing it
  dispatches that request again through the app (Bolt's ``dispatch``, as Socket Mode does),
  answering where the button was;
- a modal: shown again with everything typed and the key in its (sealed) metadata; the next
  submission of that form runs under the same key (``key_of_view``).
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING

from slack_bolt import App, BoltRequest

from bot.core.errors import InvalidInput
from bot.core.i18n import Translator
from handlers.kit.deadline import RETRY_KEY
from handlers.ui.common import STALE_FORM, compact_json, read_meta, retry_blocks, write_meta
from handlers.ui.seal import seal, unseal

if TYPE_CHECKING:
    from slack_bolt import BoltResponse

log = logging.getLogger("salespath.retry")

VALUE_LIMIT = 2000  # Slack's limit for a button's value
META_KEY = "_k"  # a modal's metadata: the key its next submission runs under


def _button(t: Translator, request: dict) -> list | None:
    value = seal(compact_json(request))
    return retry_blocks(t, value) if len(value) <= VALUE_LIMIT else None


def command_button(t: Translator, body: dict, key: str | None) -> list | None:
    """A Retry button for a slash command (``None``: no key, or too long to carry)."""
    if not key:
        return None
    request = {"c": body["command"], "x": body.get("text") or "", "ch": body.get("channel_id")}
    return _button(t, {**request, "k": key})


def action_button(t: Translator, body: dict, key: str | None) -> list | None:
    """A Retry button for a button or menu pressed in a message or on the Home tab."""
    actions = body.get("actions") or []
    if not key or not actions:
        return None
    action = actions[0]
    picked = (action.get("selected_option") or {}).get("value")
    request = {"a": action["action_id"], "t": action.get("type") or "button", "k": key}
    request.update({"o": picked} if picked is not None else {"v": action.get("value")})
    request["ch"] = (body.get("channel") or {}).get("id")
    return _button(t, request)


def confirm_value(command: dict) -> str:
    """A confirmation button's value: the command to run again once confirmed (sealed)."""
    request = {"c": command["command"], "x": command.get("text") or ""}
    return seal(compact_json({**request, "ch": command.get("channel_id")}))


def keyed(view: dict, key: str) -> str:
    """A submitted modal's metadata with ``key``: its next submission runs under it."""
    try:
        meta = read_meta(view)
    except InvalidInput:
        meta = {}
    return write_meta({**meta, META_KEY: key})


def key_of_view(view: dict) -> str | None:
    """The key a re-shown modal asks its submission to run under, if any."""
    try:
        key = read_meta(view).get(META_KEY)
    except InvalidInput:
        return None
    return key if isinstance(key, str) else None


def read_value(value: str) -> dict:
    text = unseal(value or "")
    request = json.loads(text) if text else None
    if not isinstance(request, dict) or not isinstance(request.get("k", ""), str):
        raise InvalidInput(STALE_FORM)
    if not isinstance(request.get("c"), str) and not isinstance(request.get("a"), str):
        raise InvalidInput(STALE_FORM)
    return request


def _command_body(click: dict, request: dict) -> dict:
    user, team = click.get("user") or {}, click.get("team") or {}
    enterprise = click.get("enterprise") or {}
    grid = {"enterprise_id": enterprise["id"]} if enterprise.get("id") else {}
    return {
        "token": click.get("token", ""),
        **grid,  # OAuth: a Grid workspace's installation is found by its enterprise too
        "is_enterprise_install": str(bool(click.get("is_enterprise_install"))).lower(),
        "team_id": team.get("id") or user.get("team_id"),
        "user_id": user.get("id"),
        "user_name": user.get("username") or user.get("name") or "",
        "channel_id": request.get("ch") or (click.get("channel") or {}).get("id") or "",
        "command": request["c"],
        "text": request.get("x") or "",
        "api_app_id": click.get("api_app_id", ""),
        "response_url": click.get("response_url"),
        "trigger_id": click.get("trigger_id"),
    }


def _action_body(click: dict, request: dict) -> dict:
    action = {"type": request.get("t") or "button", "action_id": request["a"], "block_id": "r"}
    if "o" in request:
        action["selected_option"] = {
            "text": {"type": "plain_text", "text": str(request["o"])},
            "value": request["o"],
        }
    elif request.get("v") is not None:
        action["value"] = request["v"]
    action["action_ts"] = f"{time.time():.6f}"
    keep = ("type", "team", "user", "api_app_id", "token", "container", "channel")
    keep += ("enterprise", "is_enterprise_install")  # OAuth: how the click was authorized
    body = {k: click[k] for k in keep if k in click}
    body.update(trigger_id=click.get("trigger_id"), response_url=click.get("response_url"))
    return {**body, "actions": [action]}


CONFIRMED = "confirmed"  # context: the user confirmed the command this runs again


def run_again(app: App, click: dict, value: str, *, confirmed: bool = False) -> BoltResponse:
    """Dispatch the request a button carries, as the user who pressed it: a Retry under the
    request's first key, a confirmation (``confirmed``) as a new request; the answer goes
    where the button was (its ``response_url``)."""
    request = read_value(value)
    body = _command_body(click, request) if "c" in request else _action_body(click, request)
    req = BoltRequest(body=body, mode="socket_mode")  # already verified: the click was signed
    if request.get("k"):
        req.context[RETRY_KEY] = request["k"]
        log.info("retrying request %s", request["k"])
    if confirmed:
        req.context[CONFIRMED] = True
    return app.dispatch(req)
