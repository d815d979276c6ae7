"""The one error handler: an unexpected failure becomes a short apology with an error id."""

from __future__ import annotations

import json
import logging
import uuid

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.i18n import Translator
from handlers.ui.common import apology

log = logging.getLogger("salespath.errors")


def first_input_block(view: dict) -> str | None:
    for block in view.get("blocks", []):
        if block.get("type") == "input" and block.get("block_id"):
            return block["block_id"]
    return None


def _json(payload: dict) -> BoltResponse:
    return BoltResponse(
        status=200, body=json.dumps(payload), headers={"content-type": ["application/json"]}
    )


def install(app: App) -> None:
    @app.error
    def on_error(
        error: Exception,
        body: dict,
        context,
        response: BoltResponse | None,
        client: WebClient,
        respond,
    ) -> BoltResponse | None:
        error_id = uuid.uuid4().hex[:8]
        kind = body.get("type") or body.get("command") or "request"
        log.error("error id %s while handling %s", error_id, kind, exc_info=error)
        t = context.get("t") if context is not None else None
        t = t if isinstance(t, Translator) else Translator(None)
        reply = apology(t, error_id)
        if response is not None:
            # Not acknowledged yet: the apology is the answer to this very request.
            if body.get("type") == "view_submission":
                block_id = first_input_block(body.get("view", {}))
                if block_id:  # keep the modal (and everything typed in it) open
                    return _json({"response_action": "errors", "errors": {block_id: reply["text"]}})
            if body.get("command"):
                return _json({"response_type": "ephemeral", **reply})
        # Already acknowledged (or nothing to answer with): tell the user another way.
        try:
            if body.get("response_url") and respond is not None:
                respond(replace_original=False, response_type="ephemeral", **reply)
            elif context is not None and context.user_id:
                client.chat_postMessage(channel=context.user_id, **reply)
        except SlackApiError as exc:
            log.error("error id %s: could not tell the user: %s", error_id, exc)
        return BoltResponse(status=200, body="")
