"""Reps' daily reminders (one DM a day at 09:00 their time, exactly once) and snoozing a deal
from it — through the fake Slack."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot import ids
from bot.usecases.delivery import Outcome
from handlers.jobs import Jobs
from slackkit import all_text
from storage import deals as store
from tests.app.jobs.test_digest import NOW, add_deal, buttons, claims, dms, posted, wait_digest
from tests.factories import add_manager

# NOW is Monday 23 Nov 2026, 02:00 UTC = 09:00 in Jakarta (the fake's default timezone).
DAY = timedelta(days=1)


@pytest.fixture
def reps(running, fake):
    running.services.now = lambda: NOW
    db = running.services.db
    add_deal(db, "Due Today", next_step="Call Budi", next_step_due=date(2026, 11, 23))
    add_deal(db, "Overdue", next_step="Send the proposal", next_step_due=date(2026, 11, 18))
    add_deal(db, "Later", next_step="Demo", next_step_due=date(2026, 11, 30))
    add_deal(db, "Gone Quiet", created=NOW - 20 * DAY)
    add_deal(db, "Fine", created=NOW - DAY)
    add_deal(db, "Theirs", owner="U2", created=NOW - 20 * DAY)
    fake.add_user("U2", tz="America/New_York", name="rep.two", real_name="Rep Two")
    return Jobs(running.services, running.app.client)


def test_one_dm_per_rep_at_their_nine_oclock(reps, fake, running):
    reps.reminders()
    [dm] = dms(fake, "U1")
    shown = all_text(dm["params"])
    assert "Your deals for Mon 23 Nov" in shown
    assert "Next steps due (2)" in shown and "Due Today" in shown and "due today" in shown
    assert "Overdue" in shown and "overdue since Wed 18 Nov" in shown
    assert (
        "Gone quiet (1)" in shown and "Gone Quiet" in shown and "no activity for 20 days" in shown
    )
    assert "Later" not in shown and "Fine" not in shown
    labels = {b["text"]["text"] for b in buttons(dm["params"])}
    assert labels == {"Advance", "Log meeting", "Snooze"}
    log = next(b for b in buttons(dm["params"]) if b["action_id"] == ids.ACTION_LOG_MEETING)
    assert log["value"].isdigit()
    # U2 is in New York, where it is 21:00 on Sunday: not yet.
    assert not [m for m in fake.messages("DU2") if m["method"] == "chat.postMessage"]
    # The sweep runs every 15 minutes, and in every process: still one DM today.
    running.services.now = lambda: NOW + timedelta(minutes=15)
    reps.reminders()
    Jobs(running.services, running.app.client).reminders()
    assert len(dms(fake, "U1")) == 1
    # New York's 09:00 comes (14:00 UTC).
    running.services.now = lambda: datetime(2026, 11, 23, 14, 0, 5, tzinfo=UTC)
    reps.reminders()
    [theirs] = dms(fake, "U2")
    assert "Theirs" in all_text(theirs["params"]) and "Mon 23 Nov" in all_text(theirs["params"])
    # The next day, a new reminder.
    running.services.now = lambda: NOW + DAY
    reps.reminders()
    assert len(dms(fake, "U1", count=2)) == 2


def test_missed_reminders_run_within_the_grace_window_only(reps, fake, running):
    running.services.now = lambda: NOW + timedelta(hours=2, minutes=30)  # back up at 11:30
    reps.reminders()
    assert len(dms(fake, "U1")) == 1
    running.services.now = lambda: NOW + DAY + timedelta(hours=4)  # down until 13:00
    reps.reminders()
    assert len(posted(fake, "DU1")) == 1


def test_nothing_due_means_no_dm_and_no_claim(running, fake):
    running.services.now = lambda: NOW
    add_deal(running.services.db, "Fine", created=NOW - DAY)
    Jobs(running.services, running.app.client).reminders()
    assert not posted(fake, "DU1") and not claims(running)


def test_rate_limited_reminder_is_rescheduled_and_sent_once(reps, fake, running):
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    assert reps.remind("T1", "U1", now=NOW) == Outcome.RESCHEDULED  # no sleep in the thread
    [claim] = claims(running)
    assert (claim.state, claim.retry_at) == ("claimed", NOW + timedelta(seconds=7))
    assert reps.remind("T1", "U1", now=NOW) == Outcome.WAITING  # not before Retry-After
    running.services.now = lambda: NOW + timedelta(seconds=7)
    reps.retries()
    assert reps.remind("T1", "U1", now=NOW) == Outcome.ALREADY_POSTED
    assert len(posted(fake, "DU1")) == 1
    [claim] = claims(running)
    assert (claim.kind, claim.target, claim.state) == ("reminder", "U1", "posted")


def test_a_failed_reminder_is_retried_by_the_sweep(reps, fake, running):
    fake.fail_next("chat.postMessage", status=500)  # the jobs' client never re-sends a post
    assert reps.remind("T1", "U1", now=NOW) == Outcome.RETRYING
    running.services.now = lambda: NOW + timedelta(minutes=2)
    reps.retries()
    assert len(posted(fake, "DU1")) == 1 and claims(running)[0].state == "posted"


# --- snooze -----------------------------------------------------------------------------


def _snooze_button(fake, deal_id: int) -> tuple[dict, dict]:
    [dm] = dms(fake, "U1")
    for b in buttons(dm["params"]):
        if b["action_id"] == ids.ACTION_SNOOZE and b["value"] == str(deal_id):
            return dm["params"], b
    raise AssertionError("no Snooze button for that deal")


def _deal(running, name: str):
    with running.services.db.read() as s:
        return s.exec(select(store.Deal).where(store.Deal.name == name)).one()


def test_snooze_asks_reason_and_date_then_the_deal_rests(reps, fake, running, slack):
    reps.reminders()
    quiet = _deal(running, "Gone Quiet")
    payload, snooze = _snooze_button(fake, quiet.id)
    slack.block_action(
        snooze["action_id"], value=snooze["value"], message=payload, channel_id="DU1"
    )
    view = fake.last("views.open").params["view"]
    assert view["callback_id"] == ids.VIEW_SNOOZE and "Gone Quiet" in all_text(view)
    bad = slack.view_submission(
        view, {ids.BLOCK_SNOOZE_REASON: "Budget", ids.BLOCK_SNOOZE_UNTIL: "2026-11-20"}
    )
    assert bad.json["response_action"] == "errors"
    assert "Fri 20 Nov is not in the future" in bad.json["errors"][ids.BLOCK_SNOOZE_UNTIL]
    ok = slack.view_submission(
        view,
        {
            ids.BLOCK_SNOOZE_REASON: "Budget decision in January",
            ids.BLOCK_SNOOZE_UNTIL: "2027-01-10",
        },
    )
    assert ok.status == 200 and not ok.text.strip()
    quiet = _deal(running, "Gone Quiet")
    assert (quiet.snoozed_until, quiet.snooze_reason) == (
        date(2027, 1, 10),
        "Budget decision in January",
    )
    assert "Snoozed *Gone Quiet* until Sun 10 Jan" in all_text(
        dms(fake, "U1", count=2)[1]["params"]
    )
    # Not stale until then: the next reminder leaves it out; the digest shows it as snoozed.
    running.services.now = lambda: NOW + DAY
    reps.reminders()
    assert "Gone Quiet" not in all_text(dms(fake, "U1", count=3)[2]["params"])
    slack.command(ids.CMD_DIGEST, "now")
    wait_digest(fake)
    digest = all_text(posted(fake, "C1")[0]["params"])
    assert "Snoozed (1)" in digest and "Budget decision in January" in digest
    assert "Stale deals (1)" in digest  # only U2's "Theirs"
    # Stale again once the date has come.
    running.services.now = lambda: datetime(2027, 1, 10, 2, 0, tzinfo=UTC)
    reps.reminders()
    assert "Gone Quiet" in all_text(dms(fake, "U1", count=4)[3]["params"])


def test_only_the_owner_or_a_manager_snoozes(reps, fake, running, slack):
    quiet = _deal(running, "Gone Quiet")  # owned by U1
    slack.block_action(ids.ACTION_SNOOZE, value=str(quiet.id), user_id="U2", channel_id="DU2")
    [answer] = fake.wait_for("response_url")
    assert "Only the deal's owner (<@U1>) or a manager" in all_text(answer.params)
    assert not fake.calls_to("views.open")
    add_manager(running.services.db, "U2")
    slack.block_action(ids.ACTION_SNOOZE, value=str(quiet.id), user_id="U2", channel_id="DU2")
    view = fake.last("views.open").params["view"]
    slack.view_submission(
        view,
        {ids.BLOCK_SNOOZE_REASON: "On holiday", ids.BLOCK_SNOOZE_UNTIL: "2026-12-01"},
        user_id="U2",
    )
    assert _deal(running, "Gone Quiet").snoozed_until == date(2026, 12, 1)
