"""One "today" for the user: the Home tab and the Snooze form agree on the user's local date.

At 18:00 UTC on Monday 30 November it is already Tuesday 1 December in Jakarta (UTC+7), the
fake Slack users' timezone. A deal snoozed until 1 December resumes today for them: the
Home tab lists it among quiet deals, and the Snooze form refuses 1 December as "not in the
future". The Home tab used to compare snoozes with the UTC date (still 30 November) and hid
the deal a day longer than the form promised."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from bot import ids
from slackkit import all_text
from storage.models import Deal
from tests.factories import make_deal

EVENING_UTC = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)  # Tue 1 Dec, 01:00 in Jakarta
RESUMES = date(2026, 12, 1)


def quiet_deal_snoozed_until(running, day: date) -> int:
    db = running.services.db
    deal_id = make_deal(db, name="Sleepy Co", now=EVENING_UTC - timedelta(days=40))
    with db.transaction() as s:
        deal = s.exec(select(Deal).where(Deal.id == deal_id)).one()
        deal.snoozed_until, deal.snooze_reason = day, "Budget in December"
        s.add(deal)
    running.services.now = lambda: EVENING_UTC
    return deal_id


def test_home_tab_counts_a_snooze_ending_today_by_the_users_date(slack, running, fake):
    quiet_deal_snoozed_until(running, RESUMES)
    slack.app_home_opened("U1")
    view = fake.last("views.publish").params["view"]
    shown = all_text(json.loads(view) if isinstance(view, str) else view)
    quiet = shown.split("Gone quiet")[1]
    assert "Sleepy Co" in quiet and "Quiet for 40 days." in quiet


def test_snooze_form_refuses_the_same_day_the_home_tab_calls_today(slack, running, fake):
    deal_id = quiet_deal_snoozed_until(running, RESUMES - timedelta(days=5))
    resp = slack.block_action(ids.ACTION_SNOOZE, value=str(deal_id))  # a reminder's button
    assert resp.status == 200
    view = fake.last("views.open").params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    sub = slack.view_submission(
        view,
        {ids.BLOCK_SNOOZE_REASON: "Waiting", ids.BLOCK_SNOOZE_UNTIL: RESUMES.isoformat()},
    )
    errors = sub.json["errors"]
    assert "not in the future" in errors[ids.BLOCK_SNOOZE_UNTIL]
