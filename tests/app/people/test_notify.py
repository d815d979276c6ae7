"""Issue 15, item 7: each person's notification preferences — reminder days and time, quiet
weekends, nudges, stale alerts — set in a modal (``/pipeline notify``, the Home tab's
Notifications button) and respected by every DM: the reminder moves to the next allowed
day and time in the person's timezone, stale deals leave it, nudges are not sent."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot import ids
from handlers.jobs import Jobs
from slackkit import all_text
from storage.models import Deal
from tests.app.jobs.test_digest import NOW, add_deal, dms
from tests.app.people.test_leavers import deactivate

DAY = timedelta(days=1)
TUESDAY_10 = datetime(2026, 11, 24, 3, 0, 5, tzinfo=UTC)  # 10:00 in Jakarta
SATURDAY_9 = datetime(2026, 11, 28, 2, 0, 5, tzinfo=UTC)
MONDAY_9 = datetime(2026, 11, 30, 2, 0, 5, tzinfo=UTC)


@pytest.fixture
def team(running, fake):
    running.services.now = lambda: NOW  # Monday 23 Nov, 09:00 in Jakarta
    db = running.services.db
    add_deal(db, "Due Deal", next_step="Call Budi", next_step_due=date(2026, 11, 23))
    add_deal(db, "Gone Quiet", created=NOW - 20 * DAY)
    return running


def notify_modal(slack, fake, user: str = "U1", text: str = "notify") -> dict:
    before = len(fake.calls_to("views.open"))
    resp = slack.command(ids.CMD_PIPELINE, text, user_id=user)
    assert resp.status == 200
    fake.wait_for("views.open", before + 1)
    return [v for v in fake.open_views(user) if v["callback_id"] == ids.VIEW_NOTIFY][-1]


def initial(view: dict, block_id: str):
    [block] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    element = block["element"]
    if "initial_options" in element:
        return sorted(o["value"] for o in element["initial_options"])
    return element.get("initial_value")


def save(slack, fake, answers: dict, user: str = "U1"):
    view = notify_modal(slack, fake, user)
    resp = slack.view_submission(view, answers, user_id=user)
    assert resp.status == 200
    return resp


def reminders(running, fake, when: datetime) -> list[dict]:
    running.services.now = lambda: when
    Jobs(running.services, running.app.client).reminders()
    return [m for m in fake.messages("DU1") if m["method"] == "chat.postMessage"]


def nudge(slack, fake, running) -> str:
    with running.services.db.read() as s:
        deal = s.exec(select(Deal).where(Deal.name == "Due Deal")).one()
    before = len(fake.calls_to("response_url"))
    value = json.dumps({"deal": deal.id, "why": "overdue"})
    slack.block_action(ids.ACTION_NUDGE, value=value, user_id="UADMIN")
    return all_text(fake.wait_for("response_url", before + 1)[-1].params)


def test_the_modal_is_prefilled_and_a_bad_time_is_a_field_error(slack, fake, team):
    view = notify_modal(slack, fake)
    assert initial(view, ids.BLOCK_NOTIFY_DAYS) == sorted(
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    )
    assert initial(view, ids.BLOCK_NOTIFY_AT) == "09:00"
    assert initial(view, ids.BLOCK_NOTIFY_OPTIONS) == ["nudges", "stale_alerts"]
    bad = slack.view_submission(view, {ids.BLOCK_NOTIFY_AT: "25:99"})
    assert bad.json["response_action"] == "errors"
    assert "not a time of day" in bad.json["errors"][ids.BLOCK_NOTIFY_AT]
    words = slack.view_submission(view, {ids.BLOCK_NOTIFY_AT: "soon"})
    assert "Write hours and minutes" in words.json["errors"][ids.BLOCK_NOTIFY_AT]
    none = slack.view_submission(view, {ids.BLOCK_NOTIFY_DAYS: []}, validate=False)
    assert "at least one day" in none.json["errors"][ids.BLOCK_NOTIFY_DAYS]


def test_reminder_moves_to_the_next_chosen_day_and_time_without_stale_deals(slack, fake, team):
    save(
        slack,
        fake,
        {
            ids.BLOCK_NOTIFY_DAYS: ["tue"],
            ids.BLOCK_NOTIFY_AT: "10:00",
            ids.BLOCK_NOTIFY_OPTIONS: [],
        },
    )
    saved = [m for m in dms(fake, "U1") if "Saved" in all_text(m["params"])]
    assert "Reminders: Tuesday at 10:00. Nudges off, stale alerts off." in all_text(
        saved[0]["params"]
    )
    assert not [m for m in reminders(team, fake, NOW) if "Your deals" in all_text(m["params"])]
    got = [m for m in reminders(team, fake, TUESDAY_10) if "Your deals" in all_text(m["params"])]
    [dm] = got
    shown = all_text(dm["params"])
    assert "Due Deal" in shown and "overdue since Mon 23 Nov" in shown  # Monday's, moved
    assert "Gone Quiet" not in shown  # stale alerts off
    # Reopened, the modal shows what was saved.
    view = notify_modal(slack, fake)
    assert initial(view, ids.BLOCK_NOTIFY_DAYS) == ["tue"]
    assert initial(view, ids.BLOCK_NOTIFY_AT) == "10:00"
    assert initial(view, ids.BLOCK_NOTIFY_OPTIONS) is None


def test_nudges_off_means_no_nudge_dm(slack, fake, team):
    save(slack, fake, {ids.BLOCK_NOTIFY_OPTIONS: ["stale_alerts"]})
    assert "<@U1> turned nudges off, so I sent no DM" in nudge(slack, fake, team)
    assert not [m for m in fake.messages("DU1") if "asks for an update" in all_text(m["params"])]


def test_quiet_weekends_hold_reminders_and_nudges_until_monday(slack, fake, team):
    save(slack, fake, {ids.BLOCK_NOTIFY_OPTIONS: ["quiet_weekends", "nudges", "stale_alerts"]})
    assert not [
        m for m in reminders(team, fake, SATURDAY_9) if "Your deals" in all_text(m["params"])
    ]
    assert "<@U1> keeps weekends quiet" in nudge(slack, fake, team)
    got = [m for m in reminders(team, fake, MONDAY_9) if "Your deals" in all_text(m["params"])]
    assert len(got) == 1 and "Gone Quiet" in all_text(got[0]["params"])
    assert "asks for an update" in all_text(_nudged(slack, fake, team))


def _nudged(slack, fake, team) -> dict:
    nudge(slack, fake, team)  # Monday now: sent
    [dm] = [m for m in fake.messages("DU1") if "asks for an update" in all_text(m["params"])]
    return dm["params"]


def test_the_home_tab_button_opens_the_same_modal_in_indonesian(slack, fake, team):
    slack.command(ids.CMD_PIPELINE, "bahasa id")
    slack.app_home_opened("U1")
    fake.wait_for("views.publish")
    home = fake.home_view("U1")
    slack.block_action(ids.ACTION_OPEN_NOTIFY, view=home, user_id="U1")
    fake.wait_for("views.open")
    [view] = [v for v in fake.open_views("U1") if v["callback_id"] == ids.VIEW_NOTIFY]
    assert view["title"]["text"] == "Notifikasi"
    again = notify_modal(slack, fake, text="notifikasi")
    assert again["callback_id"] == ids.VIEW_NOTIFY


def _win_back(running, name: str, owner: str) -> None:
    add_deal(running.services.db, name, owner=owner, path=(("lost", NOW - 30 * DAY, "price"),))
    with running.services.db.transaction() as s:
        deal = s.exec(select(Deal).where(Deal.name == name)).one()
        deal.win_back_on = date(2026, 11, 23)  # Monday: today
        s.add(deal)


def test_win_back_reminders_follow_the_days_and_skip_the_deactivated(slack, fake, running):
    running.services.now = lambda: NOW
    _win_back(running, "Mitra", "U1")
    _win_back(running, "Karya", "U2")
    save(slack, fake, {ids.BLOCK_NOTIFY_DAYS: ["tue"]})
    deactivate(slack, running, "U2")
    Jobs(running.services, running.app.client).reminders()
    assert not [m for m in fake.messages("DU1") if "Try again" in all_text(m["params"])]
    assert not [m for m in fake.messages("DU2") if m["method"] == "chat.postMessage"]
    tuesday = [m for m in reminders(running, fake, TUESDAY_10 - timedelta(hours=1))]
    [dm] = [m for m in tuesday if "Try again" in all_text(m["params"])]
    assert "Mitra" in all_text(dm["params"])
    assert not [m for m in fake.messages("DU2") if m["method"] == "chat.postMessage"]
