"""Issue 13 with many workspaces (OAuth): what the middleware asks of Slack for a request —
the user's profile, refreshed in the background after the answer when old, and the people a
command really mentions — is asked with that request's own workspace token."""

from __future__ import annotations

import pytest

from bot import ids
from slackkit import all_text

pytest.register_assert_rewrite("tests.app.oauth_support")  # a helper module with asserts
from tests.app.oauth_support import Browser, bearer, oauth_app, settled  # noqa: E402 - after the line above

pytestmark = oauth_app  # every test here: many workspaces, installed through OAuth

WORKSPACES = {"T2": ("U21", "U22"), "T3": ("U31", "U32")}  # team: (who acts, who is mentioned)


@pytest.fixture
def tokens(running, fake) -> dict[str, str]:
    """T2 and T3 installed through the browser, each with two members; their bot tokens."""
    for team_id, users in WORKSPACES.items():
        for user_id in users:
            fake.add_user(user_id, team_id=team_id)
        page = Browser(running.base, fake).install(team_id=team_id, user_id=users[0])
        assert page.status == 200, page.text
    return {team_id: fake.teams[team_id].token for team_id in WORKSPACES}


def test_old_profiles_are_refreshed_with_the_requests_own_token(running, slack, fake, tokens):
    running.services.profiles.ttl = 0  # every known profile is old at once
    for team_id, (user_id, _) in WORKSPACES.items():
        for _ in range(2):  # the first asks before answering; the second after, in the background
            resp = slack.command(ids.CMD_PIPELINE, "", team_id=team_id, user_id=user_id)
            assert resp.status == 200
    settled(lambda: len(fake.calls_to("users.info")) >= 4)
    asked = sorted((c.params["user"], bearer(c)) for c in fake.calls_to("users.info"))
    assert asked == sorted([("U21", tokens["T2"])] * 2 + [("U31", tokens["T3"])] * 2)


def test_a_mention_is_checked_with_the_requests_own_token(running, slack, fake, tokens):
    for team_id, (user_id, mentioned) in WORKSPACES.items():
        fake.clear()
        resp = slack.command(
            ids.CMD_PROSPECT, f"Acme {team_id} 5jt <@{mentioned}>", team_id=team_id, user_id=user_id
        )
        assert f"Owner: <@{mentioned}>" in all_text(resp.json)
        looked_up = [c for c in fake.calls_to("users.info") if c.params["user"] == mentioned]
        assert looked_up and {bearer(c) for c in looked_up} == {tokens[team_id]}


def test_a_confirmation_runs_again_in_an_enterprise_grid_workspace(running, slack, fake):
    """A button that runs a command again (a manager's confirmation, a Retry) is authorized
    like the click: in a workspace of an Enterprise Grid, by its enterprise's installation."""
    fake.add_user("UA2", team_id="T2", is_admin=True)
    page = Browser(running.base, fake).install(
        team_id="T2", user_id="UA2", enterprise_id="E1", enterprise_name="Acme Group"
    )
    assert page.status == 200, page.text
    fake.share_channel("C1")
    asked = slack.command(ids.CMD_DIGEST, "here 09:00", team_id="T2", user_id="UA2")
    assert "Post it here anyway?" in all_text(asked.json)
    slack.block_action(
        ids.ACTION_CONFIRM_SHARED_DIGEST,
        message=asked.json,
        team_id="T2",
        user_id="UA2",
        channel_id="C1",
    )
    [done] = fake.wait_for("response_url", timeout=20)
    assert "09:00" in all_text(done.params)
