"""Issue 13, item 4: the database stops answering during a request. The user is told what is
known — nothing was saved, or it can't be told (with a Retry that is safe) — their text is
echoed, modals stay open with their values, and nothing is ever applied twice."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from bot import ids
from slackkit import Response, all_text
from storage.db import make_engine
from tests.app.faults import Plug, count, serve
from tests.app.support import new_deal_form
from tests.factories import make_deal

DOWN = "The database is not answering, so nothing was saved"
UNKNOWN = "I can't tell whether it was saved"


@pytest.fixture
def plugged(fake, pg_url) -> Iterator[tuple]:
    """The app on PostgreSQL through a plug the test can pull."""
    plug, url = Plug.around(pg_url)
    try:
        with serve(fake, url) as app:
            assert app.slack.command(ids.CMD_PIPELINE, "help").status == 200  # warm
            yield app, plug
    finally:
        plug.stop()


def retry_value(resp_json: dict) -> str:
    for block in resp_json.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == ids.ACTION_RETRY_REQUEST:
                return element["value"]
    raise AssertionError(f"no Retry button in {all_text(resp_json)!r}")


ACME = {ids.BLOCK_NAME: "Acme", ids.BLOCK_OWNER: "U1", ids.BLOCK_VALUE: "5jt"}


def submit_acme(app, fake, *, then: Callable[[], None]) -> Response:
    """Open the new-deal form, run the fault ``then``, and submit Acme at 5jt."""
    view = new_deal_form(app.slack, fake)
    then()
    return app.slack.view_submission(view, ACME)


def test_a_command_while_the_database_is_down(plugged, pg_url):
    app, plug = plugged
    plug.cut()
    resp = app.slack.command(ids.CMD_PROSPECT, "Acme 50jt referral")
    shown = all_text(resp.json)
    assert resp.status == 200 and not resp.timed_out
    assert DOWN in shown and "/prospect Acme 50jt referral" in shown
    assert "Sorry" not in shown and "error id" not in shown
    plug.restore()
    assert count(app.db, "select count(*) from deal") == 0


def test_a_modal_while_the_database_is_down_stays_open_with_its_values(plugged, fake):
    app, plug = plugged
    resp = submit_acme(app, fake, then=plug.cut)
    assert resp.json["response_action"] == "errors"
    assert DOWN in " ".join(resp.json["errors"].values())
    [still] = fake.open_views("U1")  # the modal stays, with everything typed
    plug.restore()
    again = app.slack.view_submission(still, ACME)
    assert again.status == 200 and again.json is None  # saved: the modal closes
    assert count(app.db, "select count(*) from deal") == 1


def test_commit_outcome_unknown_offers_a_retry_that_applies_once(plugged, fake):
    """The commit lands but its answer is lost: the user is told it can't be known, and
    Retry answers with what landed instead of adding the deal again."""
    app, plug = plugged
    plug.drop_after_commit()
    resp = app.slack.command(ids.CMD_PROSPECT, "Acme 50jt")
    assert plug.trapped.is_set()
    shown = all_text(resp.json)
    assert UNKNOWN in shown and "/prospect Acme 50jt" in shown
    assert count(app.db, "select count(*) from deal") == 1
    click = app.slack.block_action(
        ids.ACTION_RETRY_REQUEST, value=retry_value(resp.json), message=resp.json
    )
    assert click.status == 200
    [answer] = fake.wait_for("response_url", timeout=20)
    assert "Added *Acme*" in all_text(answer.params)
    assert count(app.db, "select count(*) from deal") == 1


def test_commit_outcome_unknown_for_a_button_retries_the_button_once(plugged, fake):
    app, plug = plugged
    deal_id = make_deal(app.db, name="Acme")
    plug.drop_after_commit()
    app.slack.block_action(ids.ACTION_ADVANCE_DEAL, value=str(deal_id), action_type="button")
    [told] = fake.wait_for("response_url", timeout=20)
    assert UNKNOWN in all_text(told.params)
    app.slack.block_action(
        ids.ACTION_RETRY_REQUEST, value=retry_value(told.params), message=told.params
    )
    [_, moved] = fake.wait_for("response_url", count=2, timeout=20)
    assert "Prospecting → *Approaching*" in all_text(moved.params)
    assert count(app.db, "select count(*) from stage_move") == 2


def test_commit_outcome_unknown_in_a_modal_keeps_it_open_under_the_same_key(plugged, fake):
    app, plug = plugged
    resp = submit_acme(app, fake, then=plug.drop_after_commit)
    assert resp.json["response_action"] == "update"
    form = resp.json["view"]
    assert UNKNOWN in all_text(form)
    values = {b.get("block_id"): (b.get("element") or {}) for b in form["blocks"]}
    assert values[ids.BLOCK_NAME]["initial_value"] == "Acme"
    [shown] = fake.open_views("U1")
    again = app.slack.view_submission(shown, ACME)
    assert again.status == 200
    assert count(app.db, "select count(*) from deal") == 1


def test_sqlite_unreachable_says_nothing_was_saved(slack, running, tmp_path):
    slack.command(ids.CMD_PIPELINE, "help")
    running.services.db.engine = make_engine(f"sqlite:///{tmp_path}/missing/dir/x.db")
    resp = slack.command(ids.CMD_ADVANCE, "Acme")
    shown = all_text(resp.json)
    assert DOWN in shown and "/advance Acme" in shown


def test_a_forged_retry_value_is_refused(slack, fake, running):
    forged = json.dumps({"c": ids.CMD_PROSPECT, "x": "Evil", "k": "x"})
    click = slack.block_action(ids.ACTION_RETRY_REQUEST, value=forged, action_type="button")
    assert click.status == 200
    [told] = fake.wait_for("response_url", timeout=20)
    assert "can't be read" in all_text(told.params)
    assert count(running.services.db, "select count(*) from deal") == 0
