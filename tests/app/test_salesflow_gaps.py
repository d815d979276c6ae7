"""Issue 14, what the first tests left out — end to end through signed requests, the jobs and
the fake Slack: a lost deal's card has no Advance; the CSV export writes a source's label;
Undo after a move from the Home tab's menu; the new stage's playbook after a deal card's
Advance; a won deal announced in the workspace's default language; and the funnel chart's
last column inside the image."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from bot import ids
from bot.core.i18n import Translator
from handlers.announcements import Wins
from handlers.jobs import Jobs
from handlers.ui import chart
from handlers.ui.chart import FunnelRow
from slackkit import all_text
from storage.models import Deal, StageMove, Workspace
from tests.app.commands.test_deals import buttons, click
from tests.app.jobs.test_digest import NOW, posted
from tests.app.support import home_deal_menus
from tests.factories import make_deal

DAY = timedelta(days=1)


def moves_of(running, name: str) -> list[tuple[str, bool]]:
    """The deal's moves, oldest first: the stage each went to, and whether it was undone."""
    with running.services.db.read() as s:
        deal = s.exec(select(Deal).where(Deal.name == name)).one()
        moves = s.exec(
            select(StageMove).where(StageMove.deal_id == deal.id).order_by(StageMove.id)
        ).all()
    return [(m.to_name, m.undone_at is not None) for m in moves]


# --- (a) a lost deal's card ---------------------------------------------------------------


def test_a_lost_deals_card_has_no_advance_but_a_win_back_date(slack, running):
    make_deal(running.services.db, name="Lost Deal", path=(("lost", NOW, "price"),))
    card = slack.command(ids.CMD_PIPELINE, "Lost Deal")
    shown = buttons(card.json)
    assert "Advance" not in shown and "Set a win-back date" in shown
    assert not any(b["action_id"] == ids.ACTION_ADVANCE_DEAL for b in shown.values())
    # The open deal beside it still has one: the card, not the builder, was asked.
    make_deal(running.services.db, name="Open Deal")
    assert "Advance" in buttons(slack.command(ids.CMD_PIPELINE, "Open Deal").json)


# --- (b) the CSV export writes a source's label -------------------------------------------


def test_the_export_writes_a_sources_label_not_its_key(slack, running, fake):
    running.services.now = lambda: NOW
    make_deal(running.services.db, name="Kopi Kita", source="referral_influence")
    make_deal(running.services.db, name="No Source")
    slack.command(ids.CMD_PIPELINE, "export")
    deadline = time.monotonic() + 10
    while not any(n.startswith("deals") for _, n, _, _ in fake.uploaded_files()):
        assert time.monotonic() < deadline, fake.uploaded_files()
        time.sleep(0.05)
    [data] = [d for _, n, d, _ in fake.uploaded_files() if n.startswith("deals")]
    rows = {r["Deal"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
    assert rows["Kopi Kita"]["Source"] == "Referral: centre of influence"
    assert rows["No Source"]["Source"] == ""
    assert "referral_influence" not in data.decode("utf-8-sig")


# --- (c) Undo after a move from the Home tab ----------------------------------------------


def test_undo_after_an_advance_from_the_home_tabs_menu(slack, running, fake):
    running.services.now = lambda: NOW
    make_deal(running.services.db, name="Acme", now=NOW - DAY)
    home, menus = home_deal_menus(slack, fake)
    advance = next(o for o in menus[0]["options"] if o["text"]["text"].startswith("Advance"))
    fake.clear()
    slack.block_action(
        ids.ACTION_HOME_DEAL, selected_option=advance["value"], action_type="overflow", view=home
    )
    [moved] = fake.wait_for("chat.postMessage")
    assert "Prospecting → *Approaching*" in all_text(moved.params)
    assert moves_of(running, "Acme") == [("Prospecting", False), ("Approaching", False)]
    assert "Undo" in buttons(moved.params)
    fake.clear()
    posted_as = {**moved.params, "ts": moved.response["ts"]}
    click(slack, posted_as, "Undo", channel_id=moved.params["channel"])
    [undone] = fake.wait_for("response_url")
    said = all_text(undone.params)
    assert "Undone: *Acme* is back in Prospecting (Prospecting → Approaching undone)" in said
    assert undone.params.get("replace_original") is not False  # the move's message, replaced
    # the move is marked undone and a move back is written: the deal is in Prospecting again
    assert moves_of(running, "Acme") == [
        ("Prospecting", False),
        ("Approaching", True),
        ("Prospecting", False),
    ]


# --- (d) the playbook after a deal card's Advance -----------------------------------------


def test_the_cards_advance_shows_the_new_stages_playbook(slack, running, fake):
    make_deal(running.services.db, name="Acme")  # Prospecting → Approaching has no gate
    card = slack.command(ids.CMD_PIPELINE, "Acme")
    assert "Prospecting: fill the pipeline" in all_text(card.json)
    click(slack, card.json, "Advance")
    [moved] = fake.wait_for("response_url")
    shown = all_text(moved.params)
    assert ":arrow_right: *Acme* moved Prospecting → *Approaching*." in shown
    assert "Approaching: earn their attention" in shown  # the new stage's, not the old one's
    assert "Prospecting: fill the pipeline" not in shown
    assert moves_of(running, "Acme")[-1] == ("Approaching", False)


# --- (e) a win announced in the workspace's default language ------------------------------


def test_a_win_is_announced_in_the_workspace_default_when_the_channel_chose_none(
    slack, running, fake
):
    running.services.now = lambda: NOW
    slack.command(ids.CMD_DIGEST, "here 09:00 wins")  # no bahasa: follows the workspace
    fake.add_user("U9", is_admin=True, name="boss")
    slack.command(ids.CMD_PIPELINE, "settings", user_id="U9")
    view = fake.last("views.open").params["view"]
    slack.view_submission(view, {ids.BLOCK_LANGUAGE: "id", ids.BLOCK_CURRENCY: "IDR"}, user_id="U9")
    fake.wait_for("chat.postEphemeral")
    with running.services.db.read() as s:
        assert s.get(Workspace, "T1").default_locale == "id"
    make_deal(running.services.db, name="Mitra", now=NOW - 3 * DAY)
    running.services.now = lambda: NOW + timedelta(seconds=1)
    slack.command(ids.CMD_ADVANCE, "Mitra won")  # Rep One reads English; the channel doesn't
    running.services.now = lambda: NOW + timedelta(minutes=11)  # unanswered: announced anyway
    fake.clear()
    Wins(running.services, Jobs(running.services, running.app.client)).sweep()
    [news] = posted(fake)
    shown = all_text(news["params"])
    assert ":trophy: *Mitra* dimenangkan oleh <@U1> — Rp50.000.000" in shown
    assert "is won by" not in shown


# --- (f) the funnel chart's last column stays inside the image ----------------------------


@pytest.fixture
def drawn(monkeypatch):
    """The chart's figure as saved (the PNG is still made)."""
    figures = []
    real = chart._png

    def keep(fig):
        figures.append(fig)
        return real(fig)

    monkeypatch.setattr(chart, "_png", keep)
    return figures


@pytest.mark.parametrize("locale", ["en", "id"])
def test_the_charts_widest_labels_stay_inside_the_image(drawn, locale):
    t = Translator(locale)
    rows = [
        FunnelRow("Prospecting", 40, "Rp1.234,5 M + US$1,2 jt", "100% (1.234/1.234)", 1.0),
        FunnelRow("Negotiation and a long name", 3, "Rp80m", "100% won", 1.0),
        FunnelRow("Closing", 1, "", "0% (0/1)", 0.0),
    ]
    png = chart.funnel_png(
        rows,
        title=t("Pipeline funnel") + " · Mon 23 Nov",
        subtitle="For the whole team · as of Mon 23 Nov, 09:00 " * 3,
        headers=("deals", "value", "went on"),
        legend="went on to a later stage or won: green 50% or more, red under 50%",
    )
    assert png.startswith(b"\x89PNG")
    [fig] = drawn
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    assert (width, height) == (1200, 675)
    texts = list(fig.texts) + [x for ax in fig.axes for x in ax.texts]
    right = {x.get_text(): x.get_window_extent(renderer) for x in texts}
    for text, box in right.items():
        assert box.x0 >= 0 and box.y0 >= 0, text
        assert box.x1 <= width * chart.RIGHT_EDGE + 1, (text, box.x1, width)
        assert box.y1 <= height, text
    assert right["100% won"].x1 == pytest.approx(width * chart.RIGHT_EDGE, abs=1)
