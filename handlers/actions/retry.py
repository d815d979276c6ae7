"""Buttons that run a request again as the user who pressed them (``handlers.kit.retry``):
**Retry**, after the database lost a change's outcome (the same request under its first key,
so it is applied once at most), and a manager's confirmation (the command again, confirmed:
posting the pipeline in a channel shared with another organisation)."""

from slack_bolt import Ack, App

from bot import ids
from handlers.kit.deadline import payload_of
from handlers.kit.retry import run_again


def register(app: App) -> None:
    def again(ack: Ack, body, action, respond) -> None:
        ack()
        confirmed = action["action_id"] == ids.ACTION_CONFIRM_SHARED_DIGEST
        answer = payload_of(run_again(app, body, action["value"], confirmed=confirmed))
        if answer.get("text") or answer.get("blocks"):
            answer.pop("response_type", None)
            respond(replace_original=True, response_type="ephemeral", **answer)

    app.action(ids.ACTION_RETRY_REQUEST)(again)
    app.action(ids.ACTION_CONFIRM_SHARED_DIGEST)(again)
