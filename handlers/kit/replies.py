"""The ways a listener answers: in the ack, where a button was pressed, privately in a
channel, in a modal opened at once and filled when ready, or by updating a modal."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import DomainError
from bot.core.i18n import Translator
from handlers.ui import forms

log = logging.getLogger(__name__)


def reply(ack: Ack, msg: dict) -> None:
    """Answer a slash command in the ack, visible only to the user."""
    ack(response_type="ephemeral", **msg)


class Answer:
    """Reply where the user pressed a button: in place of an ephemeral message
    (``replace``), or privately under it; from the Home tab (no response_url), in the app's
    DM. The middleware injects one per request as ``answer``."""

    def __init__(self, context: BoltContext, body: dict) -> None:
        self.context, self.body = context, body

    def __call__(self, msg: dict, *, replace: bool = False) -> None:
        if self.body.get("response_url"):
            self.context.respond(response_type="ephemeral", replace_original=replace, **msg)
        else:
            self.context.client.chat_postMessage(channel=self.context.user_id, **msg)


def post_privately(client: WebClient, user_id: str, channel: str | None, msg: dict) -> None:
    """An ephemeral note where a modal was opened from, or the app DM if that fails."""
    if channel:
        try:
            client.chat_postEphemeral(channel=channel, user=user_id, **msg)
            return
        except SlackApiError:
            pass  # e.g. the bot is not in that channel: fall back to the DM
    client.chat_postMessage(channel=user_id, **msg)


#: views.update answers that mean "nothing to do": the user closed the modal meanwhile, or
#: a newer update of it already happened (a quick second click).
GONE = frozenset({"not_found", "hash_conflict"})


def update_view(client: WebClient, *, view_id: str, hash: str | None, view: dict) -> bool:
    try:
        client.views_update(view_id=view_id, hash=hash, view=view)
        return True
    except SlackApiError as exc:
        if exc.response.get("error") not in GONE:
            raise
        log.info("views.update skipped: %s", exc.response.get("error"))
        return False


def open_then_fill(
    client: WebClient,
    t: Translator,
    trigger_id: str,
    build: Callable[[], dict],
    *,
    push: bool = False,
    problem: Callable[[DomainError], dict] | None = None,
) -> None:
    """Open (or push) a loading view while the trigger_id is fresh (it lives 3 seconds),
    then fill it in. A problem the user can fix is shown in the modal instead (``problem``
    draws it; by default a notice)."""
    opener = client.views_push if push else client.views_open
    opened = opener(trigger_id=trigger_id, view=forms.loading_modal(t))["view"]
    try:
        view = build()
    except DomainError as err:
        view = (
            problem(err)
            if problem
            else forms.notice_modal(t, title=t("Salespath"), text=":warning: " + err.render(t))
        )
    update_view(client, view_id=opened["id"], hash=opened["hash"], view=view)
