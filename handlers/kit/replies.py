"""The ways a listener answers: in the ack, where a button was pressed, privately in a
channel, in a modal opened at once and filled when ready, or by updating a modal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import DomainError
from bot.core.i18n import Translator
from handlers.kit.deadline import late_ack
from handlers.ui import forms
from handlers.ui.common import problem_text

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

    def privately(self, msg: dict, *, channel: str | None = None) -> None:
        """A submitted modal's result: an ephemeral note where the modal was opened from
        (or the DM). When the save ran past Slack's deadline, the modal (showing "Saving…")
        becomes the result instead, unless the user closed it."""
        late = late_ack(self.context)
        if late is not None:
            title = (self.body.get("view") or {}).get("title") or {}
            view = forms.result_modal(
                late.translator, title=title.get("text") or "Salespath", msg=msg
            )
            if late.update_modal(view):
                return
        post_privately(self.context.client, self.context.user_id, channel, msg)


def announce(client: WebClient, channel_id: str, msg: dict) -> bool:
    """Post ``msg`` in the channel for everyone (a change to the channel's digest). A channel
    the bot can't post in is logged, not raised: the change itself is done."""
    try:
        client.chat_postMessage(channel=channel_id, **msg)
        return True
    except SlackApiError as exc:
        log.warning("could not announce in %s: %s", channel_id, exc.response.get("error"))
        return False


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
    draws it; by default a notice). Should Slack refuse the filled view (a 5xx that
    outlasted the retries), the modal says so rather than stay on "Loading…"."""
    opener = client.views_push if push else client.views_open
    opened = opener(trigger_id=trigger_id, view=forms.loading_modal(t))["view"]
    try:
        view = build()
    except DomainError as err:
        view = (
            problem(err)
            if problem
            else forms.notice_modal(
                t, title=t("Salespath"), text=":warning: " + problem_text(t, err)
            )
        )
    except Exception:
        _say_in(client, t, opened, forms.failed_modal(t))
        raise
    try:
        update_view(client, view_id=opened["id"], hash=opened["hash"], view=view)
    except SlackApiError:
        _say_in(client, t, opened, forms.failed_modal(t))
        raise


def _say_in(client: WebClient, t: Translator, opened: dict, view: dict) -> None:
    """Replace a loading view with ``view``; if even that fails, the error path says the
    rest (logged)."""
    try:
        client.views_update(view_id=opened["id"], view=view)
    except SlackApiError as exc:
        log.warning("the loading view could not be replaced either: %s", exc)


def response_url_allowed(url: str, api_url: str) -> bool:
    """Only Slack's own response_urls are ever called: ``https://hooks.slack.com/…`` (and
    GovSlack's), or the host of the configured Slack API (a local Slack in tests)."""
    parts, api = urlsplit(url or ""), urlsplit(api_url or "")
    if parts.scheme == "https" and parts.hostname in SLACK_HOOK_HOSTS:
        return True
    return bool(parts.netloc) and (parts.scheme, parts.netloc) == (api.scheme, api.netloc)


SLACK_HOOK_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})
