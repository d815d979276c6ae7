"""Scheduled posts in both languages (issue 11): a channel's digest and its funnel chart in the
language the subscription chose (/digest here … bahasa) or the workspace's default, which it
follows when a manager changes it; reminders and nudges in the recipient's own language."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot import ids
from handlers import jobs as jobs_module
from handlers.jobs import Jobs
from slackkit import all_text
from storage.models import Deal
from storage.models_digest import DigestSubscription
from tests.app.jobs.test_digest import NOW, add_deal, dms, posted

DAY = timedelta(days=1)
DEWI = "U3"


@pytest.fixture
def team(running, fake, slack):
    """Two channels the bot is in, deals in rupiah, Dewi (Indonesian) and Rep One (English)."""
    running.services.now = lambda: NOW
    fake.add_user(DEWI, name="dewi", real_name="Dewi Lestari")
    fake.bot_channels.add("C2")
    fake.channel_names["C2"] = "sales-en"
    slack.command(ids.CMD_PIPELINE, "bahasa id", user_id=DEWI)
    db = running.services.db
    add_deal(
        db,
        "Hotel Santika",
        304_100_000,
        owner=DEWI,
        created=NOW - 2 * DAY,
        next_step="Kirim proposal",
        next_step_due=date(2026, 11, 20),
    )
    add_deal(
        db,
        "Pabrik Besar",
        1_400_000_000,
        owner=DEWI,
        created=NOW - 3 * DAY,
        path=(("negotiation", NOW - 2 * DAY),),
    )
    add_deal(
        db,
        "Acme Corp",
        50_000_000,
        owner="U1",
        created=NOW - 20 * DAY,
        next_step="Call Budi",
        next_step_due=date(2026, 11, 23),
    )
    add_deal(
        db,
        "Menang Besar",
        2_000_000_000,
        owner=DEWI,
        created=NOW - 12 * DAY,
        path=(("won", NOW - 2 * DAY),),
    )
    return running


@pytest.fixture
def charts(monkeypatch):
    """The funnel chart's rows and titles as drawn (the PNG is still made and uploaded)."""
    drawn: list[dict] = []
    real = jobs_module.chart.funnel_png

    def funnel_png(rows, **titles):
        drawn.append({"rows": rows, **titles})
        return real(rows, **titles)

    monkeypatch.setattr(jobs_module.chart, "funnel_png", funnel_png)
    return drawn


def test_a_channel_digest_and_its_chart_in_the_language_chosen_for_it(team, slack, fake, charts):
    # Rep One reads English, and subscribes a channel in Indonesian for the team.
    said = all_text(slack.command(ids.CMD_DIGEST, "here 09:00 bahasa").json)
    assert "Written in Bahasa Indonesia" in said
    slack.command(ids.CMD_DIGEST, "here 09:00", channel_id="C2")
    jobs = Jobs(team.services, team.app.client)
    assert jobs.digest("T1", "C1", NOW).value == "posted"
    assert jobs.digest("T1", "C2", NOW).value == "posted"
    id_, en = all_text(posted(fake, "C1")[0]["params"]), all_text(posted(fake, "C2")[0]["params"])
    assert "Ringkasan pipeline · Sen 23 Nov" in id_ and "Pipeline digest · Mon 23 Nov" in en
    assert "*Negosiasi* · 1 deal · Rp1,4 M" in id_ and "*Negotiation* · 1 deal · Rp1.4bn" in en
    assert "*Prospecting* · 2 deal · Rp354,1 jt" in id_
    assert "*Prospecting* · 2 deals · Rp354.1m" in en
    assert "*Win rate*\n100% (1 menang, 0 kalah)" in id_
    assert "“Kirim proposal” jatuh tempo Jum 20 Nov · <@U3>" in id_
    assert "“Kirim proposal” was due Fri 20 Nov · <@U3>" in en
    titles = {file_id: c["files"][0]["title"] for file_id, _, _, c in fake.uploaded_files()}
    for channel, title in (
        ("C1", "Funnel pipeline · Sen 23 Nov"),
        ("C2", "Pipeline funnel · Mon 23 Nov"),
    ):
        [image] = [b for b in posted(fake, channel)[0]["params"]["blocks"] if b["type"] == "image"]
        assert titles[image["slack_file"]["id"]] == title  # one chart per language, shown inline
    id_chart, en_chart = charts
    assert id_chart["headers"] == ("deal", "nilai", "lanjut")
    assert en_chart["headers"] == ("deals", "value", "went on")  # issue 14: of those in a stage
    id_rows = {r.stage: r for r in id_chart["rows"]}
    en_rows = {r.stage: r for r in en_chart["rows"]}
    assert id_rows["Negosiasi"].value == "Rp1,4 M" and en_rows["Negotiation"].value == "Rp1.4bn"
    assert id_rows["Prospecting"].value == "Rp354,1 jt"


def test_digests_without_a_language_follow_the_workspace_default(team, slack, fake):
    slack.command(ids.CMD_DIGEST, "here 09:00 bahasa en")  # chosen: stays English
    slack.command(ids.CMD_DIGEST, "here 09:00", channel_id="C2")  # follows the default
    fake.add_user("U9", is_admin=True, name="boss")
    slack.command(ids.CMD_PIPELINE, "settings", user_id="U9")
    view = fake.last("views.open").params["view"]
    slack.view_submission(view, {ids.BLOCK_LANGUAGE: "id", ids.BLOCK_CURRENCY: "IDR"}, user_id="U9")
    saved = all_text(fake.wait_for("chat.postEphemeral")[0].params)
    assert "Saved the workspace's settings: Bahasa Indonesia" in saved
    assert "1 channel digest follows the default language." in saved
    with team.services.db.read() as s:
        subs = {d.channel_id: d.locale for d in s.exec(select(DigestSubscription)).all()}
    assert subs == {"C1": "en", "C2": "id"}
    jobs = Jobs(team.services, team.app.client)
    jobs.digest("T1", "C2", NOW)
    assert "Ringkasan pipeline" in all_text(posted(fake, "C2")[0]["params"])
    status = all_text(slack.command(ids.CMD_DIGEST, "status", channel_id="C2").json)
    assert "Ditulis dalam bahasa Indonesia" in status  # U1 reads the default now too


def test_reminders_are_in_each_recipients_language(team, fake):
    jobs = Jobs(team.services, team.app.client)
    jobs.reminders()
    [dewi] = dms(fake, DEWI)
    shown = all_text(dewi["params"])
    assert "Deal Anda untuk Sen 23 Nov" in shown
    assert "*Hotel Santika* · Prospecting · Rp304,1 jt" in shown
    assert "lewat tenggat sejak Jum 20 Nov" in shown
    labels = {
        e["text"]["text"]
        for b in dewi["params"]["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    }
    assert labels == {"Majukan", "Catat pertemuan", "Tunda"}
    [rep] = dms(fake, "U1")
    english = all_text(rep["params"])
    assert "Your deals for Mon 23 Nov" in english and "*Acme Corp* · Prospecting · Rp50m" in english


def test_a_nudge_reaches_the_owner_in_their_language(team, slack, fake):
    fake.add_user("U9", is_admin=True, name="boss")
    with team.services.db.read() as s:
        deal = s.exec(select(Deal).where(Deal.name == "Hotel Santika")).one()
    slack.block_action(
        ids.ACTION_NUDGE, value=json.dumps({"deal": deal.id, "why": "overdue"}), user_id="U9"
    )
    [dm] = dms(fake, DEWI)
    shown = all_text(dm["params"])
    assert "<@U9> minta kabar terbaru soal *Hotel Santika* · Prospecting · Rp304,1 jt" in shown
    assert "Jum 20 Nov" in shown
    [note] = fake.wait_for("response_url")
    assert "Nudged <@U3> about *Hotel Santika*." in all_text(note.params)  # the manager's words
