"""Slack misbehaving: 429 with Retry-After, 5xx, API errors — the user still gets an answer."""

from __future__ import annotations

import time

import pytest

from bot import ids
from slackkit import all_text
from tests.app.support import new_deal_form


def test_views_open_rate_limited_is_retried_after_retry_after(slack, fake):
    fake.fail_next("views.open", status=429, retry_after=1)
    start = time.monotonic()
    slack.command(ids.CMD_PROSPECT, "")
    calls = fake.wait_for("views.open", count=2, timeout=10)
    assert calls[0].failed and not calls[1].failed
    assert time.monotonic() - start >= 0.9  # waited for Retry-After
    assert calls[1].response["ok"] is True  # still inside the trigger's 3 seconds


@pytest.mark.parametrize("status", [503, 502])  # the server's error, or a bad gateway
def test_server_error_on_the_confirmation_is_retried(slack, fake, status):
    view = new_deal_form(slack, fake)
    fake.fail_next("chat.postEphemeral", status=status)
    slack.view_submission(view, {ids.BLOCK_NAME: "Acme", ids.BLOCK_OWNER: "U1"})
    calls = fake.wait_for("chat.postEphemeral", count=2, timeout=10)
    assert calls[0].failed and calls[-1].response["ok"] is True
    assert "Acme" in all_text(calls[-1].params)


def test_users_info_failing_degrades_to_defaults(slack, fake):
    fake.set_error("users.info", "ratelimited")
    resp = slack.command(ids.CMD_PIPELINE, "help")
    shown = all_text(resp.json)
    assert resp.status == 200 and "Examples" in shown and "Sorry" not in shown


def test_ephemeral_not_possible_falls_back_to_a_dm(slack, fake):
    slack.command(ids.CMD_PROSPECT, "", channel_id="CNOTIN")
    view = fake.last("views.open").params["view"]
    fake.set_error("chat.postEphemeral", "channel_not_found")
    slack.view_submission(view, {ids.BLOCK_NAME: "Acme", ids.BLOCK_OWNER: "U1"})
    [dm] = fake.wait_for("chat.postMessage")
    assert dm.params["channel"] == "U1" and "Acme" in all_text(dm.params)


def test_rate_limited_users_info_never_spends_the_trigger_window(slack, fake):
    """users.info runs before every listener; its Retry-After must not be waited out."""
    fake.fail_next("users.info", status=429, retry_after=3)
    start = time.monotonic()
    resp = slack.command(ids.CMD_PROSPECT, "")
    assert resp.status == 200 and time.monotonic() - start < 2
    [opened] = fake.wait_for("views.open")
    assert opened.response["ok"] is True  # not expired_trigger_id
    assert [c.failed for c in fake.calls_to("users.info")] == [True]  # asked once, no wait


def test_a_flaky_users_info_is_retried_once_quickly(slack, fake):
    fake.fail_next("users.info", status=503)
    resp = slack.command(ids.CMD_PIPELINE, "help")
    assert resp.status == 200
    calls = fake.calls_to("users.info")
    assert [c.failed for c in calls] == [True, False]


def test_when_users_info_fails_the_last_known_profile_is_used(slack, running, fake):
    """An admin stays an admin when Slack is slow to say so again (expired cache entry)."""
    from tests.factories import make_deal

    make_deal(running.services.db, name="Acme", owner_id="U1")
    slack.command(ids.CMD_PIPELINE, "help", user_id="UADMIN")  # profile known: an admin
    cache = running.services.profiles
    key = ("T1", "UADMIN")
    cache._data[key] = (0.0, cache._data[key][1])  # expired long ago
    fake.set_error("users.info", "ratelimited")
    moved = all_text(slack.command(ids.CMD_ADVANCE, "Acme", user_id="UADMIN").json)
    assert "Prospecting → *Approaching*" in moved
