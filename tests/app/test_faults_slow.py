"""Issue 13, item 3: a slow database or a slow Slack before the ack. Slack gets its answer in
time (a stand-in after ~2 s), the result follows through the response_url or the modal, and
a replay of the same request — while it runs or after — is not applied twice."""

from __future__ import annotations

import threading
import time

import pytest

from bot import ids
from slackkit import all_text
from tests.app.faults import count, held, serve, wait_until
from tests.app.support import new_deal_form


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request) -> str:
    return request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_url")


def warm(app) -> None:
    """The workspace seeded and U1's profile known, so only the command itself waits."""
    assert app.slack.command(ids.CMD_PIPELINE, "help").status == 200


def warm_form(app, fake) -> dict:
    """The app warmed up, and the new-deal form open."""
    warm(app)
    return new_deal_form(app.slack, fake)


def test_quick_add_under_a_locked_table_is_answered_in_time_and_applied_once(fake, any_db_url):
    with serve(fake, any_db_url) as app:
        warm(app)
        release = threading.Event()
        with held(any_db_url, release):
            first = app.slack.command(ids.CMD_PROSPECT, "Acme 5jt")
            assert first.status == 200 and not first.timed_out, first.elapsed
            assert "Working on it" in all_text(first.json)
            replay = app.slack.resend(first)  # Slack's retry while the first still waits
            assert replay.status == 200 and not replay.timed_out
            release.set()
        [late] = fake.wait_for("response_url", timeout=30)
        assert "Added *Acme*" in all_text(late.params)
        after = app.slack.resend(first, retry_num=2)  # a replay after it finished
        assert after.status == 200
        assert count(app.db, "select count(*) from deal") == 1


def test_a_move_under_a_locked_table_is_made_once(fake, any_db_url):
    with serve(fake, any_db_url) as app:
        warm(app)
        assert "Added" in all_text(app.slack.command(ids.CMD_PROSPECT, "Acme").json)
        release = threading.Event()
        with held(any_db_url, release):
            first = app.slack.command(ids.CMD_ADVANCE, "Acme")
            assert first.status == 200 and not first.timed_out
            release.set()
        [late] = fake.wait_for("response_url", timeout=30)
        assert "Prospecting → *Approaching*" in all_text(late.params)
        replay = app.slack.resend(first)
        assert replay.status == 200 and "*Probing*" not in all_text(replay.json)
        assert count(app.db, "select count(*) from stage_move") == 2  # created, then one move


def test_a_late_save_shows_saving_then_the_result_in_the_modal(fake, any_db_url):
    with serve(fake, any_db_url) as app:
        view = warm_form(app, fake)
        release = threading.Event()
        with held(any_db_url, release):
            resp = app.slack.view_submission(view, {ids.BLOCK_NAME: "Acme", ids.BLOCK_OWNER: "U1"})
            assert resp.status == 200 and not resp.timed_out
            assert resp.json["response_action"] == "update"
            assert "Saving" in all_text(resp.json["view"])
            release.set()
        shown = wait_until(
            fake, lambda: [v for v in fake.open_views("U1") if "Acme" in all_text(v)]
        )
        assert "Saving" not in all_text(shown)
        assert count(app.db, "select count(*) from deal") == 1


def test_a_late_field_error_brings_the_form_back_with_the_values(fake, any_db_url):
    """The save itself found the problem after the deadline: the form comes back through
    views.update with everything typed and the error under its field."""
    with serve(fake, any_db_url) as app:
        warm(app)
        app.slack.command(ids.CMD_PROSPECT, "Acme Corp")
        view = new_deal_form(app.slack, fake)
        release = threading.Event()
        answers = {ids.BLOCK_NAME: "Acme Corp", ids.BLOCK_OWNER: "U1", ids.BLOCK_VALUE: "7jt"}
        with held(any_db_url, release):
            resp = app.slack.view_submission(view, answers)
            assert not resp.timed_out and "Saving" in all_text(resp.json["view"])
            release.set()
        [back] = fake.wait_for("views.update", timeout=30)
        form = back.params["view"]
        assert form["callback_id"] == ids.VIEW_NEW_DEAL and form.get("submit")
        elements = {b.get("block_id"): b.get("element") or {} for b in form["blocks"]}
        assert elements[ids.BLOCK_NAME]["initial_value"] == "Acme Corp"
        assert elements[ids.BLOCK_VALUE]["initial_value"] == "7jt"
        assert "An open deal is already called" in all_text(form)
        assert count(app.db, "select count(*) from deal") == 1


def test_validation_is_answered_within_the_window_even_while_the_table_is_locked(fake, any_db_url):
    with serve(fake, any_db_url) as app:
        view = warm_form(app, fake)
        release = threading.Event()
        with held(any_db_url, release):
            bad = {ids.BLOCK_NAME: "Acme", ids.BLOCK_OWNER: "U1", ids.BLOCK_VALUE: "lots"}
            resp = app.slack.view_submission(view, bad)
            assert not resp.timed_out
            assert resp.json["response_action"] == "errors"
            assert "lots" in resp.json["errors"][ids.BLOCK_VALUE]


def answered(resp, fake) -> str:
    """The answer to a command: its ack, or what followed a stand-in."""
    shown = all_text(resp.json)
    if "Working on it" in shown:
        shown = all_text(fake.wait_for("response_url", timeout=30)[-1].params)
    return shown


def test_a_slow_users_info_before_the_first_answer_is_covered(slack, fake):
    """A user's first request waits for users.info, never past Slack's window."""
    fake.delay("users.info", 4.0, times=2)
    resp = slack.command(ids.CMD_PIPELINE, "help", user_id="U2")
    assert resp.status == 200 and not resp.timed_out
    assert "Examples" in answered(resp, fake)


def test_a_known_profile_is_never_waited_for(slack, fake, running):
    """Known (even old) profiles are used at once and refreshed after the answer."""
    slack.command(ids.CMD_PIPELINE, "help")
    cache, key = running.services.profiles, ("T1", "U1")
    cache._data[key] = (0.0, cache._data[key][1])  # expired long ago
    fake.delay("users.info", 3.0, times=1)
    started = time.monotonic()
    resp = slack.command(ids.CMD_PIPELINE, "help")
    assert resp.status == 200 and time.monotonic() - started < 2
    assert "Examples" in all_text(resp.json)
    fake.wait_for("users.info", count=2, timeout=30)  # the refresh, in the background


def test_digest_here_with_a_rate_limited_conversations_info(slack, fake):
    """conversations.info answering 429 (Retry-After: 3) is waited out — after the ack."""
    fake.fail_next("conversations.info", status=429, retry_after=3)
    resp = slack.command(ids.CMD_DIGEST, "here 09:00")
    assert resp.status == 200 and not resp.timed_out
    [late] = fake.wait_for("response_url", timeout=30)
    assert "09:00" in all_text(late.params)


def test_views_open_is_not_retried_past_its_trigger(slack, fake):
    """Item 9: a 429 with Retry-After 3 on views.open is not waited out (the trigger would
    have expired); the user is told to click again."""
    fake.fail_next("views.open", status=429, retry_after=3)
    resp = slack.command(ids.CMD_PROSPECT, "")
    assert resp.status == 200
    [told] = fake.wait_for("response_url", timeout=20)
    assert "Click again" in all_text(told.params)
    assert len(fake.calls_to("views.open")) == 1
