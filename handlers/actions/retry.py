"""Retry, after the database lost a change's outcome: the same request again, under its first
key, so that it is applied once at most (``handlers.kit.retry``)."""

from slack_bolt import Ack, App

from bot import ids
from handlers.kit.deadline import payload_of
from handlers.kit.retry import run_again


def register(app: App) -> None:
    def retry_request(ack: Ack, body, action, respond) -> None:
        ack()
        answer = payload_of(run_again(app, body, action["value"]))
        if answer.get("text") or answer.get("blocks"):
            answer.pop("response_type", None)
            respond(replace_original=True, response_type="ephemeral", **answer)

    app.action(ids.ACTION_RETRY_REQUEST)(retry_request)
