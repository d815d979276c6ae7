"""Any action no other listener took: acked, so Slack shows no error."""

import logging
import re

from slack_bolt import Ack, App

from handlers.ui.common import message

log = logging.getLogger("salespath")


def unknown_action(ack: Ack, action, t, answer) -> None:
    """A button from an older version of the app, or a menu that only matters on submit.
    For a button, say what to do instead."""
    ack()
    log.info("no listener for action %r", action.get("action_id"))
    if action.get("type") == "button":
        text = t(
            ":information_source: That button belongs to an older message and no longer "
            "works. Run the command again (e.g. `/pipeline`) for fresh buttons."
        )
        answer(message(text))


def register(app: App) -> None:
    """Registered after every other listener: Bolt runs the first that matches."""
    app.action(re.compile(".*"))(unknown_action)
