"""A run that loses its claim mid-post stops at once: two deliverers (two app processes on
one database, SQLite file and PostgreSQL), the first stalled past its lease while the second
takes the claim over and finishes — one message, one chart upload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk import WebClient

from bot.usecases.delivery import LEASE, Outcome, deliver
from handlers.ui import chart
from handlers.ui import digest as ui
from storage import claims as claim_store
from storage.db import Database
from tests.app.jobs.test_digest import NOW, claims, posted
from tests.app.jobs.test_scheduling import SLOT, two_processes, uploads  # noqa: F401 - a fixture
from tests.conftest import BOT_TOKEN

LATER = NOW + LEASE + timedelta(seconds=1)  # the first run's lease has run out


@pytest.mark.parametrize(
    ("module", "name", "uploaded_by_first"),
    [(chart, "funnel_png", False), (ui, "with_chart", True)],
    ids=["stalled-before-the-upload", "stalled-before-the-post"],
)
def test_a_run_stalled_past_its_lease_stops_when_another_took_over(
    two_processes,  # noqa: F811 - the fixture imported above
    fake,
    monkeypatch,
    module,
    name,
    uploaded_by_first,
):
    first, second = two_processes
    real = getattr(module, name)
    took_over: list[Outcome] = []
    posted_before_stall: list[int] = []

    def stall(*args, **kwargs):
        """The first run hangs here (drawing the chart, or after uploading it) until its
        lease has run out and the second process has taken the slot over and finished."""
        if not posted_before_stall:  # the first run's call (the second's runs through)
            posted_before_stall.append((len(posted(fake)), len(uploads(fake))))
            for jobs in two_processes:
                jobs.services.now = lambda: LATER
            took_over.append(second.digest("T1", "C1", SLOT))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, stall)
    assert first.digest("T1", "C1", SLOT) == Outcome.BUSY  # it lost the claim: stopped
    assert took_over == [Outcome.POSTED]
    assert len(posted(fake)) == 1 and len(uploads(fake)) == 1
    [claim] = claims(first.services)
    assert (claim.state, claim.attempt, claim.posted_at) == ("posted", 2, LATER)
    assert claim.message_ts == posted(fake)[0]["ts"]
    assert claim.file_id == uploads(fake)[0][0]
    assert posted_before_stall == [(0, 1 if uploaded_by_first else 0)]
    # Nothing left to do for anyone.
    for jobs in two_processes:
        assert jobs.digest("T1", "C1", SLOT) == Outcome.ALREADY_POSTED
    assert len(posted(fake)) == 1 and len(uploads(fake)) == 1


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_run_that_lost_its_claim_before_marking_it_posted_does_not_say_posted(
    request, fake, kind
):
    url = request.getfixturevalue("db_url" if kind == "sqlite" else "pg_url")
    dbs = [Database(url), Database(url)]  # two processes
    clock = [NOW]
    client = WebClient(token=BOT_TOKEN, base_url=fake.base_url)
    second: list[Outcome] = []

    def sender(then=None):
        def send(progress, record):  # one step recorded, not the last (marking is apart)
            if progress.file_id is None:
                record.hold()
                record.file_uploaded(client.chat_postMessage(channel="C1", text="hi")["ts"])
            if then is not None:
                then()

        return send

    def second_takes_over():  # the first run stalls after posting, before marking it
        clock[0] = LATER
        second.append(deliver(dbs[1], **slot_of(clock), send=sender()))

    try:
        assert deliver(dbs[0], **slot_of(clock), send=sender(second_takes_over)) == Outcome.BUSY
        assert second == [Outcome.POSTED]  # it found the step recorded: posted nothing
        assert len(posted(fake)) == 1
        with dbs[0].read() as s:
            row = claim_store.get_claim(
                session=s, team_id="T1", kind="digest", target="C1", slot=SLOT
            )
        assert (row.state, row.attempt, row.posted_at) == ("posted", 2, LATER)
    finally:
        for db in dbs:
            db.dispose()


def slot_of(clock: list) -> dict:
    return {
        "team_id": "T1",
        "kind": "digest",
        "target": "C1",
        "slot": SLOT,
        "now": lambda: clock[0],
    }
