"""Issue 15, items 2 and 6, end to end through signed requests and the fake Slack:
``/pipeline forecast`` (mine, team, a quarter, Indonesian words), targets set by managers
(``/pipeline target`` and the settings modal's Targets), attainment in the forecast, stats,
the Home tab and the digest; and the workspace setting for who sees the team's figures.

Monday 23 November 2026, Jakarta. Rep One (U1): Nov Deal 50jt closing 28 Nov in
Negotiation (70%), Dec Deal 100jt closing 10 Dec in Prospecting (10%), Dollar Deal $5,000
closing 1 Dec (10%), Jan Deal 200jt closing 15 Jan in Probing (30%), Late Deal 30jt whose
close date (5 Oct) has passed (10%), No Date 40jt (10%), and Won Nov: 120jt won on 10 Nov.
Rep Two (U2): Other Rep 70jt closing 20 Dec in Presentation (50%)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from bot import ids
from bot.usecases import subscriptions
from slackkit import all_text
from tests.factories import add_deal

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Jakarta
BOSS, DEWI = "U9", "U3"


@pytest.fixture
def book(running, fake):
    running.services.now = lambda: NOW
    fake.add_user("U1", name="rep.one", real_name="Rep One")
    fake.add_user("U2", name="rep.two", real_name="Rep Two")
    fake.add_user(BOSS, is_admin=True, name="boss", real_name="The Boss")
    db, made = running.services.db, NOW - timedelta(days=30)

    def deal(name, value, *, at=None, close=None, owner="U1", currency="IDR", won=None):
        path = ((at, made),) if at else ()
        path += (("won", won),) if won else ()
        add_deal(
            db,
            name,
            value,
            created=made,
            owner=owner,
            currency=currency,
            path=path,
            expected_close=close,
        )

    deal("Nov Deal", 50_000_000, at="negotiation", close=date(2026, 11, 28))
    deal("Dec Deal", 100_000_000, close=date(2026, 12, 10))
    deal("Dollar Deal", 5_000, currency="USD", close=date(2026, 12, 1))
    deal("Jan Deal", 200_000_000, at="probing", close=date(2027, 1, 15))
    deal("Late Deal", 30_000_000, close=date(2026, 10, 5))
    deal("No Date", 40_000_000)
    deal("Won Nov", 120_000_000, won=datetime(2026, 11, 10, 5, tzinfo=UTC))
    deal("Other Rep", 70_000_000, at="presentation", close=date(2026, 12, 20), owner="U2")
    return running


def say(slack, text: str, user: str = "U1") -> str:
    resp = slack.command(ids.CMD_PIPELINE, text, user_id=user)
    assert resp.status == 200
    assert resp.json["response_type"] == "ephemeral"
    return all_text(resp.json)


def test_forecast_of_this_quarter_by_month_weighted_and_apart(slack, book):
    shown = say(slack, "forecast")
    assert "Forecast · Q4 2026 · my deals" in shown
    assert "*October 2026* — no deals" in shown
    assert "*November 2026* — 1 deal · Rp50m · weighted Rp35m" in shown
    # December: two currencies side by side, never added up.
    assert "*December 2026* — 2 deals · Rp100m + $5k · weighted Rp10m + $500" in shown
    assert "Rp150.000.000 + $5,000" in shown and "Rp45.000.000 + $500" in shown
    assert "*No close date*: 1 deal · Rp40m · weighted Rp4m" in shown
    assert "*Overdue* (close date before November 2026): 1 deal · Rp30m · weighted Rp3m" in shown
    assert "Jan Deal" not in shown and "Rp70m" not in shown  # next quarter; U2's deal
    assert "No targets for Q4 2026 yet" in shown


def test_forecast_of_a_named_quarter_and_of_the_team(slack, book):
    q1 = say(slack, "forecast Q1")
    assert "Forecast · Q1 2027 · my deals" in q1
    assert "*January 2027* — 1 deal · Rp200m · weighted Rp60m" in q1
    assert "*March 2027* — no deals" in q1
    team = say(slack, "forecast team 2026Q4")
    assert "Forecast · Q4 2026 · team" in team
    assert "*December 2026* — 3 deals · Rp170m + $5k · weighted Rp45m + $500" in team


def test_forecast_in_indonesian_words(running, slack, book, fake):
    fake.add_user(DEWI, name="dewi", real_name="Dewi Lestari")
    say(slack, "bahasa id", user=DEWI)
    shown = say(slack, "prakiraan kuartal depan", user=DEWI)
    assert "K1 2027" in shown and "Januari 2027" in shown and "tanpa tanggal" in shown.lower()
    month = say(slack, "forecast bulan depan", user=DEWI)
    assert "Desember 2026" in month


def test_a_period_that_cannot_be_read_is_answered_with_how_to_write_it(slack, book):
    shown = say(slack, "forecast someday")
    assert "“someday” is not a period I know" in shown and "next quarter" in shown
    assert "/pipeline forecast" in shown  # the usage, and the user's own text echoed


def test_only_managers_set_targets(slack, book):
    refused = say(slack, "target <@U1> 500jt")
    assert "Only a manager" in refused and "set targets" in refused
    assert "No targets for" in say(slack, "forecast")


def test_a_target_set_by_a_manager_shows_attainment_everywhere(running, slack, book, fake):
    done = say(slack, "target <@U1> 500jt", user=BOSS)
    assert "Target for <@U1> in Q4 2026: Rp500.000.000." in done
    again = say(slack, "target <@U1> 600jt Q4 2026", user=BOSS)
    assert "Rp600.000.000" in again and "(It was Rp500.000.000.)" in again
    say(slack, "target <@U1> 200jt month", user=BOSS)
    say(slack, "target <@U2> 100jt", user=BOSS)
    # Won 120jt of 600jt; the gap 480jt; the weighted pipeline closing in Q4 (35 + 10 + 3jt
    # overdue in October: its close date is still in the quarter) covers 10% of it.
    line = "<@U1> · Q4 2026: won Rp120m of Rp600m (20%) · gap Rp480m; the weighted pipeline"
    mine = say(slack, "forecast")
    assert line in mine and "closing in it (Rp48m) covers 10%" in mine
    assert "<@U2>" not in mine
    stats = say(slack, "stats")
    assert "*Targets*" in stats and "<@U1> · November 2026: won Rp120m of Rp200m (60%)" in stats
    assert line in stats and "<@U2>" not in stats
    team = say(slack, "stats team", user=BOSS)
    assert "<@U2> · Q4 2026: won Rp0 of Rp100m (0%)" in team and line in team
    # The Home tab: a rep's own; a manager's, the team's.
    slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    home = all_text(fake.last("views.publish").params["view"])
    assert line in home and "<@U2> ·" not in home
    slack.event({"type": "app_home_opened", "user": BOSS, "tab": "home"})
    deadline = time.monotonic() + 5
    while len(fake.calls_to("views.publish")) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    boss_home = all_text(fake.calls_to("views.publish")[-1].params["view"])
    assert line in boss_home and "<@U2> · Q4 2026" in boss_home


def test_a_target_reached_says_so_and_can_be_removed(slack, book):
    say(slack, "target <@U1> 100jt bulan ini", user=BOSS)
    assert "November 2026: won Rp120m of Rp100m (120%) · :tada: target reached" in say(
        slack, "forecast month"
    )
    gone = say(slack, "target <@U1> off month", user=BOSS)
    assert "Removed <@U1>'s target for November 2026 (Rp100.000.000)" in gone
    assert "had no target" in say(slack, "target <@U1> hapus month", user=BOSS)


def test_a_target_without_an_amount_or_a_rep_says_how_to_write_it(slack, book):
    assert "couldn't find the target's amount" in say(slack, "target <@U1> Q1", user=BOSS)
    assert "Name the rep with a mention" in say(slack, "target <@U1> <@U2> 5jt", user=BOSS)


def test_targets_from_the_settings_modal(running, slack, book, fake):
    assert slack.command(ids.CMD_PIPELINE, "settings", user_id=BOSS).status == 200
    settings = fake.last("views.open").params["view"]
    assert "Who sees the team's pipeline" in all_text(settings)
    clicked = slack.block_action(ids.ACTION_OPEN_TARGETS, view=settings, user_id=BOSS)
    assert clicked.status == 200
    targets = fake.last("views.push").params["view"]
    assert targets["callback_id"] == ids.VIEW_TARGETS
    assert "Q1 2027" in all_text(targets) and "March 2027" in all_text(targets)
    answers = {
        ids.BLOCK_TARGET_REP: "U2",
        ids.BLOCK_TARGET_PERIOD: "2027-Q1",
        ids.BLOCK_VALUE: "lots",
        ids.BLOCK_CURRENCY: "IDR",
    }
    bad = slack.view_submission(targets, answers, user_id=BOSS)
    assert bad.json["response_action"] == "errors"
    assert ids.BLOCK_VALUE in bad.json["errors"]
    good = slack.view_submission(targets, {**answers, ids.BLOCK_VALUE: "1.5bn"}, user_id=BOSS)
    assert good.status == 200 and not good.text.strip()
    note = all_text(fake.last("chat.postEphemeral").params)
    assert "Target for <@U2> in Q1 2027: Rp1.500.000.000." in note
    assert "<@U2> · Q1 2027: won Rp0 of Rp1.5bn" in say(slack, "forecast Q1", user="U2")


def test_reps_see_the_team_until_a_manager_says_managers_only(running, slack, book, fake):
    assert "Other Rep" in say(slack, "team")  # today's behaviour: everyone sees the team
    assert slack.command(ids.CMD_PIPELINE, "settings", user_id=BOSS).status == 200
    view = fake.last("views.open").params["view"]
    sub = slack.view_submission(
        view,
        {ids.BLOCK_LANGUAGE: "en", ids.BLOCK_CURRENCY: "IDR", ids.BLOCK_TEAM_VIEW: "managers"},
        user_id=BOSS,
    )
    assert sub.status == 200
    saved = all_text(fake.last("chat.postEphemeral").params)
    assert "Who sees the team's pipeline: Managers only (reps see their own)." in saved
    for text, yours in (
        ("team", "`/pipeline` shows your own deals"),
        ("stats team", "`/pipeline stats` shows yours"),
        ("forecast team", "`/pipeline forecast` shows yours"),
    ):
        refused = say(slack, text)
        assert "only managers see the team's" in refused and yours in refused
        assert "Other Rep" not in refused
    assert "Nov Deal" in say(slack, "")  # their own pipeline, stats and forecast still work
    assert "my deals" in say(slack, "stats") and "my deals" in say(slack, "forecast")
    assert "Other Rep" in say(slack, "team", user=BOSS)
    assert "Forecast · Q4 2026 · team" in say(slack, "forecast team", user=BOSS)
    assert "export" in say(slack, "export team").lower()  # already managers' only
    # Indonesian: the refusal in the reader's words.
    fake.add_user(DEWI, name="dewi")
    say(slack, "bahasa id", user=DEWI)
    assert "manajer" in say(slack, "tim", user=DEWI).lower()


def test_managers_only_also_keeps_the_teams_digest_to_managers(running, slack, book, fake):
    """A rep can't send the whole team's pipeline to a channel once a manager chose
    "managers only"; a digest of their own deals, and a manager's team digest, still work."""
    assert slack.command(ids.CMD_PIPELINE, "settings", user_id=BOSS).status == 200
    view = fake.last("views.open").params["view"]
    choice = {ids.BLOCK_LANGUAGE: "en", ids.BLOCK_CURRENCY: "IDR", ids.BLOCK_TEAM_VIEW: "managers"}
    assert slack.view_submission(view, choice, user_id=BOSS).status == 200
    fake.join_channel("C7", "rep-one")
    fake.join_channel("C8", "sales")

    def digest_here(text: str, user: str, channel: str) -> str:
        resp = slack.command(ids.CMD_DIGEST, text, user_id=user, channel_id=channel, as_sent=True)
        assert resp.status == 200
        return all_text(resp.json)

    for text in ("here 09:00 Asia/Jakarta", "here 09:00 Asia/Jakarta for <@U2|rep.two>"):
        refused = digest_here(text, "U1", "C7")
        assert "only a manager can send the team's digest" in refused
        assert "/digest here for <@U1>" in refused
        escaped = text.replace("<", "&lt;").replace(">", "&gt;")  # mrkdwn shows it as typed
        assert f"You wrote: `/digest {escaped}`" in refused
    mine = digest_here("here 09:00 Asia/Jakarta for <@U1|rep.one>", "U1", "C7")
    assert "only a manager" not in mine
    team = digest_here("here 09:00 Asia/Jakarta", BOSS, "C8")
    assert "only a manager" not in team
    db = running.services.db
    assert subscriptions.of_channel(db, team_id="T1", channel_id="C7").owners == ["U1"]
    assert subscriptions.of_channel(db, team_id="T1", channel_id="C8").owners == []


def test_the_digest_has_a_short_targets_section(running, slack, book, fake):
    say(slack, "target <@U1> 600jt", user=BOSS)
    slack.command(ids.CMD_DIGEST, "now")
    deadline = time.monotonic() + 10
    while not [c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == "C1"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    [post] = [c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == "C1"]
    shown = all_text(post.params)
    assert "*Targets*" in shown and "<@U1> · Q4 2026: won Rp120m of Rp600m (20%)" in shown
    image = [b for b in post.params["blocks"] if b["type"] == "image"]
    assert image and image[0]["alt_text"].startswith("Funnel: Prospecting")


def test_help_lists_forecast_and_target_in_both_languages(slack, book, fake):
    shown = say(slack, "help")
    assert "/pipeline forecast [Q1|next quarter|March] [team]" in shown
    assert "/pipeline target @rep 500jt [Q1|month]" in shown
    fake.add_user(DEWI, name="dewi")
    say(slack, "bahasa id", user=DEWI)
    dewi = say(slack, "bantuan", user=DEWI)
    assert "/pipeline prakiraan [K1|kuartal depan|Maret] [tim]" in dewi
    assert "/pipeline target @sales 500jt [K1|bulan]" in dewi
