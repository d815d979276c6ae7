"""What counts as activity for the stale rule (PRODUCT.md: open, no activity and no stage
move for N days): meetings, notes and moves do; editing a deal's fields does not."""

from __future__ import annotations

import json
from datetime import timedelta

from bot import ids
from slackkit import all_text
from tests.app.commands.test_deals import click
from tests.app.support import home_deal_menus
from tests.factories import NOW, add_manager, make_deal


def quiet_days_on_home(slack, fake, user: str = "U2") -> str:
    fake.clear()
    slack.app_home_opened(user)
    return json.dumps(fake.wait_for("views.publish")[0].params["view"])


def test_a_manager_reassigning_a_quiet_deal_leaves_it_quiet(slack, running, fake):
    make_deal(running.services.db, name="Old Quiet", now=NOW - timedelta(days=20))
    running.services.now = lambda: NOW
    add_manager(running.services.db, "UBOSS")
    card = slack.command(ids.CMD_PIPELINE, "Old Quiet", user_id="UBOSS").json
    click(slack, card, "Edit", user_id="UBOSS")
    view = fake.last("views.open").params["view"]
    sub = slack.view_submission(
        view,
        {ids.BLOCK_NAME: "Old Quiet", ids.BLOCK_OWNER: "U2", ids.BLOCK_VALUE: "60jt"},
        user_id="UBOSS",
    )
    assert sub.status == 200 and not sub.text.strip()
    assert "Quiet for 20 days" in quiet_days_on_home(slack, fake)


def test_a_move_resets_the_quiet_clock(slack, running, fake):
    make_deal(running.services.db, name="Old Quiet", owner_id="U2", now=NOW - timedelta(days=20))
    running.services.now = lambda: NOW
    assert "Quiet for 20 days" in quiet_days_on_home(slack, fake)
    slack.command(ids.CMD_ADVANCE, "Old Quiet", user_id="U2")
    assert "Quiet for" not in quiet_days_on_home(slack, fake)


def test_home_tab_deals_by_stage_have_a_menu_to_open_or_advance(slack, running, fake):
    for i in range(5):
        make_deal(running.services.db, name=f"Deal {i}", now=NOW - timedelta(hours=i))
    running.services.now = lambda: NOW
    home, menus = home_deal_menus(slack, fake)
    assert len(menus) == 3  # three per stage, then a count
    assert "…and 2 more" in json.dumps(home, ensure_ascii=False)
    first = menus[0]["options"]
    deal_id = int(first[0]["value"].split(":")[1])
    fake.clear()
    slack.block_action(
        ids.ACTION_HOME_DEAL, selected_option=f"card:{deal_id}", action_type="overflow", view=home
    )
    [card] = fake.wait_for("chat.postMessage")  # no response_url on the Home tab: the DM
    assert card.params["channel"] == "U1" and "Deal card" in all_text(card.params)
    fake.clear()
    slack.block_action(
        ids.ACTION_HOME_DEAL,
        selected_option=f"advance:{deal_id}",
        action_type="overflow",
        view=home,
    )
    [moved] = fake.wait_for("chat.postMessage")
    assert "Prospecting → *Approaching*" in all_text(moved.params)


def test_home_tab_with_many_stages_keeps_every_section_within_100_blocks():
    """Unit test on top: workspaces over the stage cap (made before it) still see it all."""
    from decimal import Decimal

    from bot.core.i18n import Translator
    from bot.core.money import Money
    from bot.usecases.pipeline import Home
    from handlers.ui.deals import DealView, StageGroup
    from handlers.ui.home import home_reply
    from slackkit.fake_slack import block_problems

    def deal(i: int) -> DealView:
        return DealView(i, f"Deal {i}", Money(Decimal(1000), "IDR"), "U1", "S")

    groups = [
        StageGroup(
            f"Stage {n}",
            4,
            {"IDR": Money(Decimal(4000), "IDR")},
            [deal(n * 10 + k) for k in range(4)],
        )
        for n in range(20)
    ]
    view = home_reply(
        Translator("en"), Home(groups=groups, due=[deal(900)], stale=[(deal(901), 20)])
    )
    text = json.dumps(view, ensure_ascii=False)
    assert len(view["blocks"]) <= 100 and not block_problems(view["blocks"], limit=100)
    assert "Stage 19" in text and "Next steps due this week" in text and "Quiet for 20 days" in text
