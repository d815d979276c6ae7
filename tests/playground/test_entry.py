"""``python -m bot playground`` in-process: the sample pipeline, the app served against the
local Slack, and the page's clock button running the real scheduled jobs (no browser)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from slackkit import all_text
from tests.playground.test_entry_data import playground


@pytest.fixture
def started(tmp_path):
    with playground(tmp_path / "pg.db") as started:
        yield started


def post(pg, gesture: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{pg.root_url}/pg/{gesture}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    return json.loads(urllib.request.urlopen(request, timeout=30).read())


def test_the_sample_pipeline_answers_commands(started):
    pg, _ = started
    reply = pg.client.command("/pipeline", "team", user_id="UADMIN")
    assert "Team pipeline" in all_text(reply.json)
    assert "Rp" in all_text(reply.json) and "$" in all_text(reply.json)  # two currencies


def test_the_clock_button_posts_the_digest_and_the_reminders(started):
    pg, services = started
    before = services.now()
    answer = post(pg, "run-jobs", {"user": "UADMIN"})
    assert answer["ok"] and "It is now" in answer["note"]
    assert services.now() > before  # the playground's clock moved on to 09:00
    digests = [m for m in pg.messages("C2") if "Pipeline digest" in all_text(m)]
    assert len(digests) == 1
    assert pg.wait_for("chat.postMessage", count=2)  # the digest and at least one reminder
    assert any("Your deals for" in all_text(m) for m in pg.messages("DU1") + pg.messages("U1"))
