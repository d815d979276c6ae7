"""The one error path. Listeners raise; this answers.

- A ``DomainError`` (a problem the user can fix) becomes, for a slash command not yet
  answered, an ephemeral reply that says what was wrong and echoes the user's text; for a
  modal submission, ``response_action: errors`` under the fields it names (the modal's ui
  module maps domain field names to its block ids), so the modal stays open with everything
  typed; after the ack, an ephemeral answer where the user acted (or their DM, or the modal
  they are in).
- Anything else is logged with an error id and answered with a short apology naming it.
"""

from __future__ import annotations

import json
import logging
import uuid

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import DomainError, FieldErrors, WithUsage
from bot.core.i18n import Translator
from handlers.kit.middleware import slack_text
from handlers.ui import fields
from handlers.ui.common import apology, message, problem_message
from handlers.ui.forms import notice_modal
from handlers.ui.usage import USAGE

log = logging.getLogger("salespath.errors")


def input_blocks(view: dict) -> list[str]:
    return [
        b["block_id"]
        for b in view.get("blocks") or []
        if b.get("type") == "input" and b.get("block_id")
    ]


def view_errors(t: Translator, err: DomainError, view: dict) -> dict[str, str]:
    """``{block_id: text}`` for a submitted modal: each error under its field's block when
    that block is in the view (Slack refuses any other key), else under the first input."""
    shown = input_blocks(view)
    if not shown:
        return {}
    parts = err.errors if isinstance(err, FieldErrors) else {getattr(err, "field", None): err}
    out: dict[str, str] = {}
    for field, problem in parts.items():
        block = fields.block_for(view.get("callback_id") or "", field)
        key = block if block in shown else shown[0]
        text = problem.render(t)
        out[key] = f"{out[key]} {text}" if key in out else text
    return out


def _json(payload: dict) -> BoltResponse:
    return BoltResponse(
        status=200, body=json.dumps(payload), headers={"content-type": ["application/json"]}
    )


def _unanswered(t: Translator, err: Exception, error_id: str, body: dict) -> BoltResponse | None:
    """The answer to the request itself, when it was not acknowledged yet."""
    domain = isinstance(err, DomainError)
    if body.get("type") == "view_submission":
        view = body.get("view") or {}
        if domain:
            return _json({"response_action": "errors", "errors": view_errors(t, err, view)})
        shown = input_blocks(view)
        if shown:  # keep the modal (and everything typed in it) open
            text = apology(t, error_id)["text"]
            return _json({"response_action": "errors", "errors": {shown[0]: text}})
    if body.get("command"):
        if domain:
            typed = slack_text(body.get("text")).strip()
            usage = USAGE.get(body["command"]) if isinstance(err, WithUsage) else None
            reply = problem_message(
                t, err.render(t), command=body["command"], text=typed, usage=usage
            )
            return _json({"response_type": "ephemeral", **reply})
        return _json({"response_type": "ephemeral", **apology(t, error_id)})
    return None


def _tell(
    t: Translator, client: WebClient, respond, body: dict, user_id: str | None, msg: dict
) -> None:
    """After the ack: where the user acted (a message, a modal), else their DM."""
    view = body.get("view")
    if view and body.get("type") == "block_actions" and view.get("type") == "modal":
        client.views_update(
            view_id=view["id"], view=notice_modal(t, title=t("Salespath"), text=msg["text"])
        )
    elif body.get("response_url") and respond is not None:
        respond(replace_original=False, response_type="ephemeral", **msg)
    elif user_id:
        client.chat_postMessage(channel=user_id, **msg)


def install(app: App) -> None:
    @app.error
    def on_error(
        error: Exception, body: dict, context, response, client: WebClient, respond
    ) -> BoltResponse | None:
        error_id = uuid.uuid4().hex[:8]
        t = context.get("t") if context is not None else None
        t = t if isinstance(t, Translator) else Translator(None)
        if not isinstance(error, DomainError):
            kind = body.get("type") or body.get("command") or "request"
            log.error("error id %s while handling %s", error_id, kind, exc_info=error)
        if response is not None:
            answer = _unanswered(t, error, error_id, body)
            if answer is not None:
                return answer
        if isinstance(error, DomainError):
            msg = message(":warning: " + error.render(t))
        else:
            msg = apology(t, error_id)
        try:
            _tell(t, client, respond, body, context.user_id if context else None, msg)
        except SlackApiError as exc:
            log.error("error id %s: could not tell the user: %s", error_id, exc)
        return BoltResponse(status=200, body="")
