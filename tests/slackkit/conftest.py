"""Fixtures the slackkit tests share (``fake``, the local Slack, is the root conftest's)."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from slackkit import FakeSlack
from tests.conftest import BOT_TOKEN


@pytest.fixture
def web(fake: FakeSlack) -> WebClient:
    """A Web API client of the bot, pointed at the local Slack."""
    return WebClient(token=BOT_TOKEN, base_url=fake.base_url)
