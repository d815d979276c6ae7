"""Fixtures the scheduled-job tests share."""

from __future__ import annotations

import pytest

from handlers.jobs import Jobs
from tests.app.jobs.test_digest import NOW, add_deal
from tests.factories import subscribe


@pytest.fixture
def jobs(running) -> Jobs:
    """C1 subscribed by U1 to a daily 09:00 Jakarta digest; the clock at today's slot."""
    running.services.now = lambda: NOW
    add_deal(running.services.db, "Acme Corp", 50_000_000)
    subscribe(running.services.db, now=NOW)
    return Jobs(running.services, running.app.client)
