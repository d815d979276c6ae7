"""The targets modal with a currency its menu never offers (a forged, signed submission, found
by the modal fuzzer, issue 13): a field error under the currency, not an apology, and no
target saved."""

from __future__ import annotations

from sqlalchemy import text as sql

from bot import ids
from slackkit import all_text
from slackkit.forms import options_of
from tests.factories import NOW

BOSS = "U9"


def test_a_forged_currency_is_a_field_error_and_saves_nothing(running, slack, fake):
    running.services.now = lambda: NOW
    fake.add_user(BOSS, is_admin=True, name="boss")
    slack.command(ids.CMD_PIPELINE, "settings", user_id=BOSS)
    settings = fake.last("views.open").params["view"]
    slack.block_action(ids.ACTION_OPEN_TARGETS, view=settings, user_id=BOSS)
    targets = fake.last("views.push").params["view"]
    [periods] = [b for b in targets["blocks"] if b.get("block_id") == ids.BLOCK_TARGET_PERIOD]
    period = options_of(periods["element"])[0]["value"]
    answers = {ids.BLOCK_TARGET_REP: "U1", ids.BLOCK_TARGET_PERIOD: period, ids.BLOCK_VALUE: "5jt"}
    payload = slack.view_submission_payload(targets, answers, user_id=BOSS, validate=False)
    for element in payload["view"]["state"]["values"][ids.BLOCK_CURRENCY].values():
        element["selected_option"] = {"text": {"type": "plain_text", "text": "abc"}, "value": "abc"}
    resp = slack.interactive(payload, trigger_id=payload["trigger_id"])
    assert resp.status == 200 and "Sorry" not in all_text(resp.json)
    assert resp.json == {
        "response_action": "errors",
        "errors": {ids.BLOCK_CURRENCY: "Pick a currency from the list."},
    }
    with running.services.db.engine.connect() as conn:
        assert conn.execute(sql("select count(*) from sales_target")).scalar_one() == 0
    # The same form with a currency from the menu saves the target.
    fixed = slack.view_submission(targets, {**answers, ids.BLOCK_CURRENCY: "IDR"}, user_id=BOSS)
    assert fixed.status == 200 and (fixed.json or {}).get("response_action") != "errors"
    with running.services.db.engine.connect() as conn:
        assert conn.execute(sql("select count(*) from sales_target")).scalar_one() == 1
