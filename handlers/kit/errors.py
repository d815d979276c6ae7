"""The one error path. Listeners raise; this answers.

- A ``DomainError`` (a problem the user can fix) becomes, for a slash command not yet
  answered, an ephemeral reply that says what was wrong and echoes the user's text; for a
  modal submission, ``response_action: errors`` under the fields it names (the modal's ui
  module maps domain field names to its block ids), so the modal stays open with everything
  typed; after the ack, an ephemeral answer where the user acted (or their DM, or the modal
  they are in).
- The database not answering says what is known: *nothing was saved* when it failed before
  the commit; *it may or may not have been saved* when the connection was lost during the
  commit (``OutcomeUnknown``) — then a command or a button gets a **Retry** button that
  runs the same request again under its first key, so it is never applied twice
  (``handlers.kit.retry``), and a modal is shown again with everything typed, to submit again
  under the same key. Their text is echoed; modals stay open with their values.
- After the deadline (``handlers.kit.deadline``: Slack was answered with a stand-in), the
  same answers are delivered late: through the command's ``response_url``, or by updating
  the modal (the form again, values in place, errors under their fields).
- Anything else is logged with an error id and answered with a short apology naming it.
"""

from __future__ import annotations

import json
import logging
import uuid

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.core.errors import DomainError, FieldErrors, OutcomeUnknown, WithUsage
from bot.core.i18n import Translator
from handlers.kit import retry
from handlers.kit.deadline import DeadlineAck
from handlers.kit.middleware import slack_text
from handlers.ui import fields
from handlers.ui.common import (
    apology,
    db_problem,
    message,
    problem_message,
    problem_text,
    trigger_expired_text,
)
from handlers.ui.forms import notice_modal
from handlers.ui.usage import USAGE

log = logging.getLogger("salespath.errors")

DOWN, UNKNOWN = "down", "unknown"
TRIGGER_GONE = frozenset({"expired_trigger_id", "exchanged_trigger_id", "invalid_trigger_id"})


def outage(err: Exception) -> str | None:
    """``UNKNOWN`` when a commit's outcome is unknown, ``DOWN`` when the database failed
    before any commit (nothing saved), ``None`` for any other error."""
    if isinstance(err, OutcomeUnknown):
        return UNKNOWN
    if isinstance(err, PoolTimeout):
        return DOWN
    if isinstance(err, DBAPIError) and (
        err.connection_invalidated or type(err).__name__ in ("OperationalError", "InterfaceError")
    ):
        return DOWN
    return None


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


def _modal_answer(t: Translator, err: Exception, error_id: str, body: dict, key) -> dict | None:
    view = body.get("view") or {}
    shown = input_blocks(view)
    if isinstance(err, DomainError) and not shown:
        # No field to put it under (a preview to confirm): the view itself says it.
        title = (view.get("title") or {}).get("text") or t("Salespath")
        text = ":warning: " + problem_text(t, err)
        return {"response_action": "update", "view": notice_modal(t, title=title, text=text)}
    if isinstance(err, DomainError):
        return {"response_action": "errors", "errors": view_errors(t, err, view)}
    if not shown:
        return None
    kind = outage(err)
    if kind == UNKNOWN and key:  # the form again, to submit under the same key
        text = db_problem(t, kind, modal=True)
        again = fields.restored(view, errors={shown[0]: text}, metadata=retry.keyed(view, key))
        return {"response_action": "update", "view": again}
    text = db_problem(t, kind, modal=True) if kind else apology(t, error_id)["text"]
    return {"response_action": "errors", "errors": {shown[0]: text}}


def _command_answer(t: Translator, err: Exception, error_id: str, body: dict, key) -> dict:
    typed = slack_text(body.get("text")).strip()
    kind = outage(err)
    if isinstance(err, DomainError):
        usage = USAGE.get(body["command"]) if isinstance(err, WithUsage) else None
        problem = problem_text(t, err)
        reply = problem_message(t, problem, command=body["command"], text=typed, usage=usage)
    elif kind:
        again = retry.command_button(t, body, key) if kind == UNKNOWN else None
        reply = problem_message(
            t, db_problem(t, kind), command=body["command"], text=typed, extra=again
        )
    else:
        reply = apology(t, error_id)
    return {"response_type": "ephemeral", **reply}


def unanswered(t: Translator, err: Exception, error_id: str, body: dict, key) -> dict | None:
    """The answer to the request itself, when it was not acknowledged yet (``None``: none
    fits in an ack, tell the user where they acted instead)."""
    if body.get("type") == "view_submission":
        return _modal_answer(t, err, error_id, body, key)
    if body.get("command"):
        return _command_answer(t, err, error_id, body, key)
    return None


def _after(t: Translator, err: Exception, error_id: str, body: dict, key) -> dict:
    """What to say where the user acted, once Slack has been answered."""
    kind = outage(err)
    if isinstance(err, DomainError):
        return message(":warning: " + problem_text(t, err))
    if kind:
        again = None
        if kind == UNKNOWN and body.get("type") == "block_actions" and not body.get("view"):
            again = retry.action_button(t, body, key)
        return message(":warning: " + db_problem(t, kind), again)
    if _trigger_gone(err):
        return message(":hourglass: " + trigger_expired_text(t))
    return apology(t, error_id)


def _trigger_gone(err: Exception) -> bool:
    """Slack refused to open a modal because its trigger expired (or would have, by the time
    a rate limit let the app try again)."""
    if not isinstance(err, SlackApiError):
        return False
    opening = str(err.response.api_url or "").endswith(("/views.open", "/views.push"))
    return err.response.get("error") in TRIGGER_GONE or (
        opening and err.response.status_code == 429
    )


def _tell(
    t: Translator,
    client: WebClient,
    respond,
    body: dict,
    user_id: str | None,
    msg: dict,
    *,
    keep_form: bool = False,
) -> None:
    """After the ack: where the user acted (a message, a modal), else their DM.
    ``keep_form``: a modal's notice goes on top of it, so what was typed stays."""
    view = body.get("view")
    if view and body.get("type") == "block_actions" and view.get("type") == "modal":
        notice = notice_modal(t, title=t("Salespath"), text=msg["text"])
        try:
            if not keep_form:
                raise SlackApiError("the notice replaces the modal", {"ok": False})
            client.views_push(trigger_id=body.get("trigger_id"), view=notice)
        except SlackApiError:
            client.views_update(view_id=view["id"], view=notice)
    elif body.get("response_url") and respond is not None:
        respond(replace_original=False, response_type="ephemeral", **msg)
    elif user_id:
        client.chat_postMessage(channel=user_id, **msg)


def _log(error: Exception, error_id: str, body: dict) -> None:
    kind = body.get("type") or body.get("command") or "request"
    if isinstance(error, DomainError):
        return
    if outage(error):
        log.warning(
            "error id %s: database %s while handling %s: %s", error_id, outage(error), kind, error
        )
    else:
        log.error("error id %s while handling %s", error_id, kind, exc_info=error)


def install(app: App) -> None:
    @app.error
    def on_error(
        error: Exception, body: dict, context, response, client: WebClient, respond
    ) -> BoltResponse | None:
        error_id = uuid.uuid4().hex[:8]
        t = context.get("t") if context is not None else None
        t = t if isinstance(t, Translator) else Translator(None)
        key = context.get("request_key") if context is not None else None
        _log(error, error_id, body)
        ack = context.get("ack") if context is not None else None
        ack = ack if isinstance(ack, DeadlineAck) else None
        if response is not None or (ack is not None and ack.late and not ack.answered):
            answer = unanswered(t, error, error_id, body, key)
            if answer is not None:
                on_time = ack.settle(_json(answer)) if ack is not None else True
                return _json(answer) if on_time else BoltResponse(status=200, body="")
        msg = _after(t, error, error_id, body, key)
        try:
            user_id = context.user_id if context else None
            _tell(t, client, respond, body, user_id, msg, keep_form=outage(error) is not None)
        except SlackApiError as exc:
            log.error("error id %s: could not tell the user: %s", error_id, exc)
        return BoltResponse(status=200, body="")
