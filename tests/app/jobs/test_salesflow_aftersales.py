"""Issue 14 — after the close and the digest, end to end through signed requests, the jobs
and the fake Slack: the first digest's wording (item 4), "See all", whole paths, the chart's
legend (12), a win-back date that becomes a reminder and re-opens the deal (7), the Keep
check and a Grow deal linked to the won one (19), won deals announced in a channel (21)."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot import ids
from handlers.announcements import Wins
from handlers.jobs import Jobs
from slackkit import all_text
from storage.models import Deal
from storage.models_digest import DeliveryClaim
from tests.app.commands.test_deals import click
from tests.app.jobs.test_digest import NOW, add_deal, buttons, claims, dms, posted, wait_digest
from tests.conftest import BOT_TOKEN

DAY = timedelta(days=1)


def deal(running, name: str) -> Deal:
    with running.services.db.read() as s:
        return s.exec(select(Deal).where(Deal.name == name)).one()


def wait_posted(fake, count: int = 1, timeout: float = 10.0) -> list[dict]:
    """The channel's posts, waiting (generously) for ``count``: the app posts after its ack."""
    deadline = time.monotonic() + timeout
    while len(posted(fake)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return posted(fake)


def press(slack, payload: dict, label: str, **kw):
    b = next(b for b in buttons(payload) if b["text"]["text"] == label)
    return slack.block_action(b["action_id"], value=b.get("value"), message=payload, **kw)


# --- item 4 and 12: the digest ---------------------------------------------------------------


def test_first_digest_says_so_and_later_ones_since_the_last(slack, running, fake):
    running.services.now = lambda: NOW
    slack.command(ids.CMD_DIGEST, "here 09:00 Asia/Jakarta daily")
    jobs = Jobs(running.services, running.app.client)
    jobs.digest("T1", "C1", NOW)
    first = all_text(posted(fake)[0]["params"])
    assert "In the last 24 hours* (since Sun 22 Nov, 09:00; the first digest here)" in first
    assert "Since the last digest" not in first
    running.services.now = lambda: NOW + DAY
    jobs.digest("T1", "C1", NOW + DAY)
    assert "*Since the last digest* (Mon 23 Nov, 09:00)" in all_text(posted(fake)[1]["params"])


def test_moved_shows_the_whole_path_and_see_all_lists_everything(slack, running, fake):
    running.services.now = lambda: NOW
    db = running.services.db
    add_deal(
        db,
        "Runner",
        created=NOW - 3 * DAY,
        path=(
            ("approaching", NOW - timedelta(hours=6)),
            ("probing", NOW - timedelta(hours=5)),
            ("presentation", NOW - timedelta(hours=4)),
        ),
    )
    for i in range(7):
        add_deal(db, f"Quiet {i}", created=NOW - 40 * DAY)
    slack.command(ids.CMD_DIGEST, "now")
    wait_digest(fake)  # one message, its chart inside
    payload = posted(fake)[0]["params"]
    shown = all_text(payload)
    assert "Prospecting → Approaching → Probing → Presentation" in shown
    assert "Stale deals (7)" in shown and "…and 2 more" in shown
    fake.clear()
    press(slack, payload, "See all 7", channel_id="C1")
    [full] = fake.wait_for("response_url")
    listed = all_text(full.params)
    assert "Stale deals (7)" in listed and all(f"Quiet {i}" in listed for i in range(7))


def test_chart_explains_its_colours():
    from bot.core.i18n import Translator
    from handlers.ui.digest import chart_titles

    class D:
        today = date(2026, 11, 23)

    titles = chart_titles(Translator("en"), D())
    assert titles["headers"][2] == "went on" and "green 50% or more" in titles["legend"]


# --- item 7: win back --------------------------------------------------------------------------


def test_win_back_date_becomes_a_reminder_that_reopens_the_deal(slack, running, fake):
    running.services.now = lambda: NOW
    add_deal(running.services.db, "Mitra", created=NOW - 10 * DAY)
    lost = slack.command(ids.CMD_ADVANCE, "Mitra lost budget cut")
    fake.clear()
    press(slack, lost.json, "Set a win-back date")
    modal = fake.last("views.open").params["view"]
    past = slack.view_submission(modal, {ids.BLOCK_WIN_BACK_ON: "2026-11-01"})
    assert "not in the future" in past.json["errors"][ids.BLOCK_WIN_BACK_ON]
    ok = slack.view_submission(modal, {ids.BLOCK_WIN_BACK_ON: "2027-02-01"})
    assert ok.status == 200 and not ok.text.strip()
    assert "try *Mitra* again on Mon 1 Feb" in all_text(fake.last("chat.postMessage").params)
    assert deal(running, "Mitra").win_back_on == date(2027, 2, 1)
    assert "*Win back* — try again on Mon 1 Feb" in all_text(
        slack.command(ids.CMD_PIPELINE, "Mitra").json
    )
    # That morning (09:00 in Jakarta) the owner is reminded, with a way to re-open it.
    day = NOW.replace(year=2027, month=2, day=1)
    running.services.now = lambda: day
    fake.clear()
    Jobs(running.services, running.app.client).reminders()
    [dm] = dms(fake, "U1")
    shown = all_text(dm["params"])
    assert "Try again (1)" in shown and "Mitra" in shown and "Price — cut" in shown
    press(slack, dm["params"], "Re-open it", channel_id="DU1")
    fake.wait_for("response_url")
    mitra = deal(running, "Mitra")
    assert (mitra.status, mitra.win_back_on) == ("open", None)


# --- item 19: Keep, then Grow ------------------------------------------------------------------


def test_keep_check_weeks_after_the_win_then_a_grow_deal(slack, running, fake):
    running.services.now = lambda: NOW
    add_deal(running.services.db, "Bank BRI", 55_000_000, created=NOW - 10 * DAY)
    won = slack.command(ids.CMD_ADVANCE, "Bank BRI won")
    assert deal(running, "Bank BRI").keep_check_on == date(2026, 12, 21)
    assert "Start a Grow deal" in {b["text"]["text"] for b in buttons(won.json)}
    later = NOW + timedelta(weeks=4)
    running.services.now = lambda: later
    Jobs(running.services, running.app.client).reminders()
    [dm] = dms(fake, "U1")
    assert "Is Keep safe? (1)" in all_text(dm["params"])
    fake.clear()
    press(slack, dm["params"], "Not yet", channel_id="DU1")
    fake.wait_for("response_url")
    assert deal(running, "Bank BRI").keep_check_on == date(2027, 1, 4)
    fake.clear()
    press(slack, dm["params"], "Keep is safe: start a Grow deal", channel_id="DU1")
    form = fake.last("views.open").params["view"]
    assert form["title"]["text"] == "New Grow deal"
    assert deal(running, "Bank BRI").keep_check_on is None  # not asked again
    sub = slack.view_submission(
        form, {ids.BLOCK_NAME: "Bank BRI payroll", ids.BLOCK_OWNER: "U1", ids.BLOCK_VALUE: "20jt"}
    )
    assert sub.status == 200 and not sub.text.strip()
    grow = deal(running, "Bank BRI payroll")
    assert grow.grown_from_id == deal(running, "Bank BRI").id
    assert "*Grows* Bank BRI" in all_text(slack.command(ids.CMD_PIPELINE, "payroll").json)
    won_card = all_text(slack.command(ids.CMD_PIPELINE, "Bank BRI").json)
    assert "*Grow deals* Bank BRI payroll" in won_card


# --- item 21: won deals announced in the channel -----------------------------------------------


@pytest.fixture
def wins(running, fake):
    running.services.now = lambda: NOW
    return Wins(running.services, Jobs(running.services, running.app.client))


def test_wins_are_announced_once_when_the_channel_asks(slack, running, fake, wins):
    add_deal(running.services.db, "Before", 10_000_000, created=NOW - 10 * DAY)
    slack.command(ids.CMD_ADVANCE, "Before won")
    subscribed = all_text(slack.command(ids.CMD_DIGEST, "here 09:00 wins").json)
    assert "Won deals are announced here as they happen" in subscribed
    assert "Won deals are announced here" in all_text(slack.command(ids.CMD_DIGEST, "status").json)
    add_deal(running.services.db, "Bank BRI", created=NOW - 34 * DAY)
    running.services.now = lambda: NOW + timedelta(minutes=1)
    won = slack.command(ids.CMD_ADVANCE, "Bank BRI won 55jt")
    wins.sweep()
    assert not posted(fake)  # the rep may still say how it closed: not yet
    fake.clear()
    press(slack, won.json, "Summary of benefit")  # known now: announced at once
    [news] = wait_posted(fake)
    shown = all_text(news["params"])
    assert "*Bank BRI* is won by <@U1> — Rp55.000.000" in shown
    assert "closed with Summary of benefit · from Prospecting · 34 days" in shown
    assert "Before" not in shown  # won before the channel asked
    running.services.now = lambda: NOW + timedelta(minutes=30)
    wins.sweep()
    Wins(running.services, Jobs(running.services, running.app.client)).sweep()  # another process
    assert len(posted(fake)) == 1
    with running.services.db.read() as s:
        [claim] = s.exec(select(DeliveryClaim).where(DeliveryClaim.kind == "win")).all()
    assert claim.state == "posted"


def test_an_unanswered_win_is_announced_after_a_while_in_the_channels_language(
    slack, running, fake, wins
):
    slack.command(ids.CMD_DIGEST, "here wins bahasa id")  # the digest's language (issue 11)
    add_deal(running.services.db, "Mitra", created=NOW - 3 * DAY)
    running.services.now = lambda: NOW + timedelta(seconds=1)  # won after the channel asked
    slack.command(ids.CMD_ADVANCE, "Mitra won")
    running.services.now = lambda: NOW + timedelta(minutes=11)
    wins.sweep()
    [news] = posted(fake)
    shown = all_text(news["params"])
    assert "*Mitra*" in shown and "<@U1>" in shown
    assert "is won by" not in shown  # the subscriber's language: Indonesian


def test_no_wins_word_no_announcement(slack, running, fake, wins):
    slack.command(ids.CMD_DIGEST, "here")
    add_deal(running.services.db, "Mitra", created=NOW - 3 * DAY)
    running.services.now = lambda: NOW + timedelta(seconds=1)
    slack.command(ids.CMD_ADVANCE, "Mitra won")
    running.services.now = lambda: NOW + timedelta(hours=1)
    wins.sweep()
    assert not posted(fake)
    assert "Add `wins` to `/digest here`" in all_text(slack.command(ids.CMD_DIGEST, "status").json)


def win_claims(running) -> list[DeliveryClaim]:
    return [c for c in claims(running) if c.kind == "win"]


def test_a_win_answered_late_is_looked_for_not_posted_twice(slack, running, fake):
    """An announcement is a post like the digest: Slack accepts it but answers after the
    client gave up; the next sweep finds it in the channel by its metadata."""
    running.services.now = lambda: NOW
    client = WebClient(token=BOT_TOKEN, base_url=fake.base_url, timeout=1)
    wins = Wins(running.services, Jobs(running.services, client))
    slack.command(ids.CMD_DIGEST, "here wins")
    add_deal(running.services.db, "Mitra", created=NOW - 3 * DAY)
    running.services.now = lambda: NOW + timedelta(seconds=1)
    slack.command(ids.CMD_ADVANCE, "Mitra won")
    fake.answer_late("chat.postMessage", 3)
    running.services.now = lambda: NOW + timedelta(minutes=11)
    wins.sweep()
    [claim] = win_claims(running)
    assert claim.state == "claimed" and claim.post_started_at is not None
    assert len(posted(fake)) == 1  # Slack has it
    running.services.now = lambda: NOW + timedelta(minutes=14)  # past the 2-minute backoff
    wins.sweep()
    [claim] = win_claims(running)
    assert (claim.state, claim.message_ts) == ("posted", posted(fake)[0]["ts"])
    assert len(posted(fake)) == 1 and fake.calls_to("conversations.history")


def test_a_rate_limited_win_is_rescheduled_then_posted(slack, running, fake, wins):
    slack.command(ids.CMD_DIGEST, "here wins")
    add_deal(running.services.db, "Mitra", created=NOW - 3 * DAY)
    running.services.now = lambda: NOW + timedelta(seconds=1)
    slack.command(ids.CMD_ADVANCE, "Mitra won")
    fake.fail_next("chat.postMessage", status=429, retry_after=30)
    at = NOW + timedelta(minutes=11)
    running.services.now = lambda: at
    wins.sweep()
    [claim] = win_claims(running)
    assert claim.retry_at == at + timedelta(seconds=30) and not posted(fake)
    wins.sweep()  # not due yet
    assert not posted(fake)
    running.services.now = lambda: at + timedelta(seconds=31)
    wins.sweep()
    assert len(posted(fake)) == 1 and win_claims(running)[0].state == "posted"


def test_an_undone_win_is_not_announced(slack, running, fake, wins):
    slack.command(ids.CMD_DIGEST, "here wins")
    add_deal(running.services.db, "Oops", created=NOW - 3 * DAY)
    running.services.now = lambda: NOW + timedelta(seconds=1)
    won = slack.command(ids.CMD_ADVANCE, "Oops won")
    click(slack, won.json, "Undo")
    fake.wait_for("response_url")
    running.services.now = lambda: NOW + timedelta(hours=1)
    wins.sweep()
    assert not posted(fake)


def test_win_back_form_for_a_deal_that_is_not_lost_is_refused(slack, running, fake):
    add_deal(running.services.db, "Open Deal", created=NOW - 3 * DAY)
    slack.block_action(ids.ACTION_WIN_BACK, value=str(deal(running, "Open Deal").id))
    [note] = fake.wait_for("response_url")
    assert "is open now, so this no longer applies" in all_text(note.params)
    assert not fake.calls_to("views.open")


def test_the_grow_form_opens_from_a_won_card(slack, running, fake):
    add_deal(running.services.db, "Acme", 10_000_000, created=NOW - 3 * DAY, path=(("won", NOW),))
    card = slack.command(ids.CMD_PIPELINE, "Acme").json
    fake.clear()
    press(slack, card, "Start a Grow deal")
    form = fake.last("views.open").params["view"]
    assert form["title"]["text"] == "New Grow deal"
    assert '"initial_value": "Acme (Grow)"' in json.dumps(form)
