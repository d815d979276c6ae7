"""Slack test kit: a fake Slack Web API, a signed-request client, a Socket Mode stub; the
browser playground (``slackkit.playground``) is the same fake with a Slack-like page on top."""

from .client import VERIFICATION_TOKEN, Response, SlackClient, command_fields, sign
from .fake_slack import Call, FakeSlack, Team, User, all_text, block_problems, view_problems
from .forms import FormError, state_for
from .socket_stub import SocketModeStub

__all__ = [
    "VERIFICATION_TOKEN",
    "Call",
    "FakeSlack",
    "FormError",
    "Response",
    "SlackClient",
    "SocketModeStub",
    "Team",
    "User",
    "all_text",
    "block_problems",
    "command_fields",
    "sign",
    "state_for",
    "view_problems",
]
