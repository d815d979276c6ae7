"""The digest end to end: /digest subscription commands, /digest now, content, the funnel
chart, nudges and deal cards — through signed requests and the fake Slack."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest
from sqlmodel import select

from bot import ids
from handlers.jobs import Jobs
from handlers.ui.digest import CHANGED_EVENT
from slackkit import all_text
from storage import deals as store
from storage.models import Deal
from storage.models_digest import DeliveryClaim, DigestSubscription
from tests import factories
from tests.factories import add_manager, edit_deal

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Jakarta (UTC+7)


add_deal = partial(factories.add_deal, created=NOW - timedelta(days=3))


@pytest.fixture
def clock(running):
    running.services.now = lambda: NOW
    return running


def digest_of(running, team_id: str = "T1"):
    with running.services.db.read() as s:
        return s.exec(select(DigestSubscription).where(DigestSubscription.team_id == team_id)).all()


def schedule_of(running) -> tuple:
    """The one digest subscription's schedule: at, timezone, weekdays, owners."""
    [sub] = digest_of(running)
    return sub.at, sub.tz, sub.weekdays, sub.owners


def claims(running) -> list[DeliveryClaim]:
    services = getattr(running, "services", running)  # a Running or its Services
    with services.db.read() as s:
        return list(s.exec(select(DeliveryClaim).order_by(DeliveryClaim.id)).all())


def wait_for_claims(running, state: str, count: int = 1, timeout: float = 10.0):
    """The work after an ack finishes in the background: wait (generously) for it."""
    deadline = time.monotonic() + timeout
    while True:
        found = [c for c in claims(running) if c.state == state]
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) >= count, [(c.kind, c.state, c.last_error) for c in claims(running)]
            return found
        time.sleep(0.05)


def dms(fake, user: str, count: int = 1, timeout: float = 10.0) -> list[dict]:
    """Messages the app posted to ``user``'s DM, waiting (generously) for ``count``."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in fake.messages("D" + user) if m["method"] == "chat.postMessage"]
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) >= count, f"{len(found)} DM(s) to {user}"
            return found
        time.sleep(0.05)


def posted(fake, channel: str = "C1") -> list[dict]:
    """Digests posted in the channel (not the announcements of a subscription change)."""
    return [
        m
        for m in fake.messages(channel)
        if m["method"] == "chat.postMessage"
        and (m["params"].get("metadata") or {}).get("event_type") != CHANGED_EVENT
    ]


def buttons(payload: dict) -> list[dict]:
    out = []
    for block in payload.get("blocks", []):
        out += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if (block.get("accessory") or {}).get("type") == "button":
            out.append(block["accessory"])
    return out


# --- /digest here, status, off ----------------------------------------------------------


def test_here_subscribes_with_defaults_and_schedules(slack, clock):
    resp = slack.command(ids.CMD_DIGEST, "here")
    shown = all_text(resp.json)
    assert resp.json["response_type"] == "ephemeral"
    assert "09:00 (Asia/Jakarta)" in shown and "Mon–Fri" in shown and "whole team" in shown
    assert "Mon 23 Nov, 09:00" in shown or "Tue 24 Nov, 09:00" in shown  # the next one
    [sub] = digest_of(clock)
    assert (sub.active, sub.created_by) == (True, "U1")
    assert schedule_of(clock) == ("09:00", "Asia/Jakarta", "mon,tue,wed,thu,fri", [])
    assert clock.services.scheduler.job_ids() == {"digest:T1:C1"}


def test_here_with_time_zone_days_and_owners_in_any_order(slack, clock):
    resp = slack.command(ids.CMD_DIGEST, "here mon,wed,fri Europe/London 7:30am for <@U2|rep.two>")
    assert "07:30 (Europe/London)" in all_text(resp.json)
    assert schedule_of(clock) == ("07:30", "Europe/London", "mon,wed,fri", ["U2"])
    again = slack.command(ids.CMD_DIGEST, "here 16.45 wib daily")
    assert "Changed" in all_text(again.json)
    assert schedule_of(clock) == ("16:45", "Asia/Jakarta", "mon,tue,wed,thu,fri,sat,sun", [])


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("here 25:00", "“25:00” is not a time of day"),
        ("here 9:75", "“9:75” is not a time of day"),
        ("here 13pm", "with am/pm the hour goes from 1 to 12"),
        ("here Mars/Olympus", "I don't know the timezone “Mars/Olympus”"),
        ("here Asia/Jakrta", "Asia/Jakarta"),  # the closest names
        ("here +07:00", "is an offset"),
        ("here mon-funday", "“mon-funday” is not a weekday"),
        ("here whenever", "I couldn't read “whenever”"),
        ("here 08:00 09:00", "Give one time"),
        ("here @maria", "is not a mention"),
        ("here 9", "“9” needs minutes to be a time: write 09:00"),
        ("here 9 EST", "“9” needs minutes"),
        ("here 09:00 EST", "Write the place instead, like America/New_York"),
    ],
)
def test_here_bad_text_says_what_was_wrong_with_examples(slack, clock, text, expect):
    resp = slack.command(ids.CMD_DIGEST, text)
    shown = all_text(resp.json)
    assert resp.status == 200 and resp.json["response_type"] == "ephemeral"
    assert expect in shown
    assert f"/digest {text}" in shown  # the user's text, echoed
    assert "/digest here 08:30 Asia/Jakarta mon-fri" in shown  # how to write it
    assert not digest_of(clock)


@pytest.mark.parametrize(
    "text",
    [
        "here 08:00, Asia/Jakarta, mon - fri",
        "here 8am; asia/jakarta; mon – fri",
        "here mon,tue, wed ,thu,fri 08:00 Asia/Jakarta,",
    ],
)
def test_here_reads_commas_and_spaced_ranges(slack, clock, text):
    resp = slack.command(ids.CMD_DIGEST, text)
    assert "Done" in all_text(resp.json), all_text(resp.json)
    [sub] = digest_of(clock)
    assert (sub.at, sub.tz, sub.weekdays) == ("08:00", "Asia/Jakarta", "mon,tue,wed,thu,fri")


def test_bot_not_in_channel_says_to_invite_it(slack, clock, fake):
    resp = slack.command(ids.CMD_DIGEST, "here 08:00", channel_id="C2")
    shown = all_text(resp.json)
    assert "/invite" in shown and "<@UBOT>" in shown
    assert "/digest here 08:00" in shown
    assert not digest_of(clock)
    now = all_text(slack.command(ids.CMD_DIGEST, "now", channel_id="C2").json)
    assert "/invite" in now
    fake.join_channel("C2")
    assert "Done" in all_text(slack.command(ids.CMD_DIGEST, "here", channel_id="C2").json)
    assert digest_of(clock)[0].channel_id == "C2"


def test_here_in_a_dm_asks_for_a_channel(slack, clock):
    resp = slack.command(ids.CMD_DIGEST, "here", channel_id="DU1")
    assert "goes to a channel" in all_text(resp.json)


def test_status_and_off(slack, clock):
    assert "has no digest" in all_text(slack.command(ids.CMD_DIGEST, "status").json)
    slack.command(ids.CMD_DIGEST, "here 08:30 asia/jakarta mon-fri")
    shown = all_text(slack.command(ids.CMD_DIGEST, "status").json)
    assert "08:30 (Asia/Jakarta)" in shown and "Not posted yet" in shown
    assert "Tue 24 Nov, 08:30" in shown  # Monday 08:30 has passed at 09:00
    assert "Stopped" in all_text(slack.command(ids.CMD_DIGEST, "off").json)
    assert clock.services.scheduler.job_ids() == set()
    assert "has no digest" in all_text(slack.command(ids.CMD_DIGEST, "status").json)
    assert "no digest to stop" in all_text(slack.command(ids.CMD_DIGEST, "off").json)
    [sub] = digest_of(clock)
    assert not sub.active


def test_unknown_word_and_help(slack, clock):
    assert "I don't know “later”" in all_text(slack.command(ids.CMD_DIGEST, "later").json)
    assert "/digest here" in all_text(slack.command(ids.CMD_DIGEST, "help").json)


# --- the digest's content ---------------------------------------------------------------


@pytest.fixture
def pipeline(clock):
    """Deals around NOW: new, moved, won, lost since yesterday; stale, overdue, slipped,
    snoozed; IDR and USD."""
    db = clock.services.db
    day = timedelta(days=1)
    add_deal(db, "Fresh Lead", 20_000_000, created=NOW - timedelta(hours=3))
    add_deal(
        db,
        "Moving Co",
        80_000_000,
        created=NOW - 10 * day,
        path=(("negotiation", NOW - timedelta(hours=5)),),
    )
    add_deal(
        db,
        "Winner Inc",
        5_000,
        currency="USD",
        created=NOW - 20 * day,
        path=(("won", NOW - timedelta(hours=2)),),
    )
    add_deal(
        db,
        "Loser Ltd",
        30_000_000,
        created=NOW - 40 * day,
        path=(("lost", NOW - timedelta(hours=1), "price"),),
    )
    add_deal(db, "Quiet Corp", 40_000_000, owner="U2", created=NOW - 30 * day)
    add_deal(
        db,
        "Late Step",
        15_000_000,
        created=NOW - 2 * day,
        next_step="Send the proposal",
        next_step_due=date(2026, 11, 20),
    )
    add_deal(db, "Sleepy", 10_000_000, owner="U2", created=NOW - 30 * day)
    add_deal(
        db,
        "Other Workspace",
        99_000_000,
        team="T2",
        created=NOW - 30 * day,
        next_step="Theirs",
        next_step_due=date(2026, 11, 1),
    )
    add_deal(db, "Other New", team="T2", created=NOW - timedelta(hours=1))
    slipping = add_deal(
        db, "Slipping", 60_000_000, created=NOW - 5 * day, expected_close=date(2026, 11, 30)
    )
    edit_deal(db, slipping, now=NOW - timedelta(hours=4), expected_close=date(2026, 12, 15))
    with db.transaction() as s:
        sleepy = s.exec(select(store.Deal).where(store.Deal.name == "Sleepy")).one()
        sleepy.snoozed_until, sleepy.snooze_reason = date(2026, 12, 1), "Budget in December"
        s.add(sleepy)
    return clock


def wait_digest(fake, count: int = 1) -> None:
    """The digest is one message (its chart inside): wait for the post after the ack."""
    deadline = time.monotonic() + 10
    while len(posted(fake)) < count:
        assert time.monotonic() < deadline, f"{len(posted(fake))} digest(s) posted"
        time.sleep(0.05)


def chart_of(payload: dict) -> dict:
    """The image block showing the funnel chart (the message's last block)."""
    [image] = [b for b in payload["blocks"] if b["type"] == "image"]
    assert payload["blocks"][-1] == image
    return image


def digest_payload(fake) -> dict:
    [msg] = posted(fake)
    return msg["params"]


def test_digest_now_posts_numbers_changes_attention_and_chart(slack, pipeline, fake):
    resp = slack.command(ids.CMD_DIGEST, "now")
    assert "Posting" in all_text(resp.json)
    wait_digest(fake)
    shown = all_text(digest_payload(fake))
    # Open deals and value per stage; totals per currency, never added up.
    assert "*Prospecting* · 5 deals" in shown
    assert "*Negotiation* · 1 deal · Rp80m" in shown
    assert "Rp225.000.000" in shown  # 20 + 80 + 40 + 15 + 10 + 60 jt open, IDR
    assert "$" not in shown.split("*Total value*")[1].split("\n")[1]  # USD deal is closed
    # Weighted: 80jt × 70% + (20 + 40 + 15 + 10 + 60)jt × 10% = 56 + 14.5 = 70.5jt
    assert "Rp70.500.000" in shown
    # Last 30 days: Winner won, Loser lost.
    assert "50% (1 won, 1 lost)" in shown and "$5,000" in shown
    # Changes since the last digest, with names.
    assert ":new: *New (1)*" in shown and "Fresh Lead" in shown
    assert "*Moved (1)*" in shown and "Prospecting → Negotiation" in shown
    assert "*Won (1)*" in shown and "Winner Inc" in shown
    assert "*Lost (1)*" in shown and "Loser Ltd" in shown and "Price" in shown
    # Slipped close date, stale (owner mentioned), overdue step, snoozed with its reason.
    assert "Close dates slipped (1)" in shown and "Mon 30 Nov → Tue 15 Dec" in shown
    assert "Stale deals (1)" in shown and "Quiet Corp" in shown and "<@U2>" in shown
    assert "no activity for 30 days · <@U2> · SPIN — · BATNA —" in shown  # checklists
    assert "Overdue next steps (1)" in shown and "“Send the proposal” was due Fri 20 Nov" in shown
    assert "Snoozed (1)" in shown and "Sleepy" in shown and "Budget in December" in shown
    assert "Other" not in shown  # another workspace's deals never show
    labels = [b["text"]["text"] for b in buttons(digest_payload(fake))]
    assert labels.count("Nudge owner") == 2
    assert {"Fresh Lead", "Moving Co", "Quiet Corp", "Late Step", "Slipping"} <= set(labels)
    # The chart is in the same message: uploaded unshared, shown through slack_file.
    [(file_id, filename, data, complete)] = fake.uploaded_files()
    assert filename == "pipeline-funnel.png" and data.startswith(b"\x89PNG")
    assert "channel_id" not in complete and "channels" not in complete
    image = chart_of(digest_payload(fake))
    assert image["slack_file"] == {"id": file_id}
    # Issue 15 item 9: the alt text is the funnel in words, every stage and its conversion.
    assert image["alt_text"] == (
        "Funnel: Prospecting 5 deals (Rp145m); Approaching 0 deals; Probing 0 deals; "
        "Presentation 0 deals; Negotiation 1 deal (Rp80m); Closing 0 deals. Went on to a "
        "later stage or won: Prospecting 2 of 8 (25%); Negotiation 0 of 1 (0%)."
    )
    assert fake.uploaded_files() and len(image["alt_text"]) <= 2000
    [claim] = wait_for_claims(pipeline, "posted")
    assert claim.kind == "digest_now" and claim.message_ts == posted(fake)[0]["ts"]
    assert claim.file_id == file_id
    meta = digest_payload(fake)["metadata"]
    assert meta["event_type"] == "salespath_digest"
    assert meta["event_payload"]["claim"] == claim.id


def test_digest_now_twice_in_a_minute_posts_once(slack, pipeline, fake):
    slack.command(ids.CMD_DIGEST, "now")
    wait_digest(fake)
    slack.command(ids.CMD_DIGEST, "now")
    [note] = fake.wait_for("response_url")
    assert "a moment ago" in all_text(note.params)
    assert len(posted(fake)) == 1


def test_scoped_digest_lists_only_those_owners(slack, pipeline, fake):
    slack.command(ids.CMD_DIGEST, "here for <@U2|rep.two>")
    Jobs(pipeline.services, pipeline.app.client).digest("T1", "C1", NOW)
    shown = all_text(digest_payload(fake))
    assert "deals of <@U2>" in shown
    assert "Quiet Corp" in shown and "Fresh Lead" not in shown and "Late Step" not in shown


def test_long_lists_show_the_top_and_a_count_within_block_limits(slack, clock, fake):
    db = clock.services.db
    for i in range(40):
        add_deal(
            db,
            f"Stale {i:02d} " + "x" * 150,
            1_000_000 * (i + 1),
            created=NOW - timedelta(days=60),
            next_step="Call back " * 20,
            next_step_due=date(2026, 11, 1),
        )
        add_deal(db, f"New {i:02d}", created=NOW - timedelta(hours=1))
    slack.command(ids.CMD_DIGEST, "now")
    wait_digest(fake)
    payload = digest_payload(fake)  # the fake refuses blocks over Slack's limits
    assert len(payload["blocks"]) <= 50
    shown = all_text(payload)
    assert "Stale deals (40)" in shown and "…and 35 more" in shown
    assert "*New (40)*" in shown


def test_empty_workspace_digest(slack, clock, fake):
    slack.command(ids.CMD_DIGEST, "now")
    wait_digest(fake)
    shown = all_text(digest_payload(fake))
    assert "No open deals yet" in shown and "No stale deals" in shown


def test_changes_are_since_the_previous_digest(slack, clock, fake):
    db = clock.services.db
    slack.command(ids.CMD_DIGEST, "here 09:00 Asia/Jakarta daily")
    jobs = Jobs(clock.services, clock.app.client)
    add_deal(db, "Before First", created=NOW - timedelta(hours=2))
    assert jobs.digest("T1", "C1", NOW).value == "posted"
    add_deal(db, "Between", created=NOW + timedelta(hours=5))
    tomorrow = NOW + timedelta(days=1)
    clock.services.now = lambda: tomorrow
    assert jobs.digest("T1", "C1", tomorrow).value == "posted"
    first, second = (all_text(m["params"]) for m in posted(fake))
    assert "Before First" in first and "Between" not in first
    assert "Between" in second and "Before First" not in second


# --- buttons: nudge, cards ----------------------------------------------------------------


def test_manager_nudges_the_owner_who_gets_a_dm_with_one_click(slack, pipeline, fake):
    slack.command(ids.CMD_DIGEST, "now")
    wait_digest(fake)
    payload = digest_payload(fake)
    nudge = next(b for b in buttons(payload) if b["action_id"] == ids.ACTION_NUDGE)
    resp = slack.block_action(
        ids.ACTION_NUDGE, value=nudge["value"], message=payload, user_id="UADMIN"
    )
    assert resp.status == 200
    [dm] = dms(fake, "U2")
    assert "<@UADMIN> asks for an update on *Quiet Corp*" in all_text(dm["params"])
    assert "no activity for 30 days" in all_text(dm["params"])
    log = next(b for b in buttons(dm["params"]) if b["action_id"] == ids.ACTION_LOG_MEETING)
    assert log["text"]["text"] == "Log meeting / set next step"
    with pipeline.services.db.read() as s:
        quiet = s.exec(select(store.Deal).where(store.Deal.name == "Quiet Corp")).one()
    assert log["value"] == str(quiet.id)
    [ack] = fake.wait_for("response_url")
    assert "Nudged <@U2>" in all_text(ack.params)


def test_only_managers_nudge(slack, pipeline, fake):
    slack.command(ids.CMD_DIGEST, "now")
    wait_digest(fake)
    payload = digest_payload(fake)
    nudge = next(b for b in buttons(payload) if b["action_id"] == ids.ACTION_NUDGE)
    slack.block_action(ids.ACTION_NUDGE, value=nudge["value"], message=payload, user_id="U1")
    [answer] = fake.wait_for("response_url")
    assert "Only a manager can nudge" in all_text(answer.params)
    assert not fake.messages("DU2")
    add_manager(pipeline.services.db, "U1")
    slack.block_action(ids.ACTION_NUDGE, value=nudge["value"], message=payload, user_id="U1")
    assert dms(fake, "U2")


def test_deal_name_button_opens_its_card(slack, pipeline, fake):
    slack.command(ids.CMD_DIGEST, "now")
    wait_digest(fake)
    payload = digest_payload(fake)
    card = next(b for b in buttons(payload) if b["text"]["text"] == "Slipping")
    slack.block_action(card["action_id"], value=card["value"], message=payload, user_id="U2")
    [answer] = fake.wait_for("response_url")
    assert "Slipping" in all_text(answer.params) and answer.params["response_type"] == "ephemeral"


# --- the funnel chart -------------------------------------------------------------------


def test_funnel_chart_is_a_readable_png(pipeline, tmp_path):
    from PIL import Image

    from bot.core.i18n import Translator
    from bot.usecases.digest import gather_digest
    from handlers.ui import digest as ui
    from handlers.ui.chart import funnel_png

    t = Translator("en")
    with pipeline.services.db.read() as s:
        d = gather_digest(
            s, team_id="T1", now=NOW, since=NOW - timedelta(days=1), until=NOW, tz="Asia/Jakarta"
        )
    rows = ui.funnel_rows(t, d, "en")
    assert [(r.stage, r.count) for r in rows][:2] == [("Prospecting", 5), ("Approaching", 0)]
    # Went on (issue 14): the share, and of how many that were in the stage.
    assert rows[0].value == "Rp145m" and rows[0].conversion == "25% (2/8)"
    assert rows[1].conversion == "—"  # nobody was ever in Approaching: not 100%
    png = funnel_png(rows, **ui.chart_titles(t, d))
    path = tmp_path / "funnel.png"
    path.write_bytes(png)
    with Image.open(path) as image:
        assert image.size == (1200, 675)  # 8 × 4.5 in at 150 dpi: legible at preview size
        assert image.getbbox() is not None


def test_digest_shows_time_to_close_velocity_and_filled_checklists(slack, pipeline, fake):
    from bot.core import checklists as cl
    from storage import checklists as cstore

    db = pipeline.services.db
    with db.transaction() as s:
        late = s.exec(select(Deal).where(Deal.team_id == "T1", Deal.name == "Late Step")).one()
        cstore.save_checklist(
            session=s,
            team_id="T1",
            deal=late,
            kind=cl.SPIN,
            data={"awareness": "unaware", "fields": {"problem_learned": "Orders get lost"}},
            filled=2,
            parts=5,
            by="U1",
            now=NOW - timedelta(days=1),
        )
    add_deal(db, "Open Dollars", 2_000, currency="USD", created=NOW - timedelta(days=2))
    slack.command(ids.CMD_DIGEST, "now")
    wait_digest(fake)
    shown = all_text(digest_payload(fake))
    # Winner Inc: created 20 days before NOW, won 2 hours before it: 19.9 days.
    assert "*Time to close*\n19.9 days (median 19.9 days)" in shown
    # 1 open USD deal × 50% × $5,000 ÷ 19.917 days = $125.52 a day; no IDR deal won: none.
    assert "*Velocity*\n$125.52 a day" in shown, shown
    assert "“Send the proposal” was due Fri 20 Nov · <@U1> · SPIN 2/5 · BATNA —" in shown


def test_a_close_date_that_passed_unmoved_since_the_last_digest_is_listed(slack, clock, fake):
    db = clock.services.db
    add_deal(db, "Past Due", created=NOW - timedelta(days=10), expected_close=date(2026, 11, 22))
    add_deal(db, "Long Past", created=NOW - timedelta(days=40), expected_close=date(2026, 11, 1))
    add_deal(db, "Due Today", created=NOW - timedelta(days=3), expected_close=date(2026, 11, 23))
    slack.command(ids.CMD_DIGEST, "here 09:00 Asia/Jakarta")
    slack.command(ids.CMD_DIGEST, "now")
    wait_digest(fake)
    [slipped] = [
        b["text"]["text"]
        for b in digest_payload(fake)["blocks"]
        if "Close dates slipped" in (b.get("text") or {}).get("text", "")
    ]
    assert "Close dates slipped (1)" in slipped
    assert "*Past Due* · Sun 22 Nov passed, still open · <@U1>" in slipped
    assert "Long Past" not in slipped and "Due Today" not in slipped
