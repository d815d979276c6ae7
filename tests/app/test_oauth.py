"""Many workspaces from one install: the OAuth flow against the local Slack's
``oauth.v2.access``, each workspace answered and posted to with its own token, the settings."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from bot import ids
from bot.oauth import NotInstalled
from bot.settings import SettingsError, load_settings
from tests.app.test_entrypoint import clean_env
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.factories import NOW

pytest.register_assert_rewrite("tests.app.oauth_support")  # a helper module with asserts
from tests.app.oauth_support import Browser, bearer, oauth_app  # noqa: E402 - after the line above


def installed(running, fake, team_id: str, **kw) -> str:
    """Install the app in ``team_id`` through the browser; the bot token Slack issued."""
    page = Browser(running.base, fake).install(team_id=team_id, **kw)
    assert page.status == 200, page.text
    assert f"slack://app?team={team_id}" in page.text  # Bolt's "Thank you" page opens Slack
    return fake.teams[team_id].token


@oauth_app
def test_install_page_links_to_slacks_authorize_page_with_a_state(running, fake):
    browser = Browser(running.base, fake)
    url = browser.authorize_url()
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == fake.root_url + "/oauth/v2/authorize"
    assert query["client_id"] == fake.oauth.client_id
    assert query["scope"].split(",") == list(ids.BOT_SCOPES)
    assert browser.cookie == f"slack-app-oauth-state={query['state']}"  # checked on the way back


@oauth_app
def test_each_workspace_is_answered_with_its_own_token(running, slack, fake):
    grid = installed(
        running, fake, "T2", user_id="U21", enterprise_id="E1", enterprise_name="Acme Group"
    )
    plain = installed(running, fake, "T3", user_id="U31")
    assert grid != plain and grid.startswith("xoxb-")
    [access, _] = fake.calls_to("oauth.v2.access")
    assert access.headers["authorization"].startswith("Basic ")  # client id and secret
    assert access.response["enterprise"] == {"id": "E1", "name": "Acme Group"}

    bot = running.app.installation_store.find_bot(enterprise_id="E1", team_id="T2")
    assert (bot.bot_token, bot.bot_user_id, bot.enterprise_name) == (grid, "UBT2", "Acme Group")
    assert bot.bot_scopes == list(ids.BOT_SCOPES)

    for team_id, user_id, token in (("T2", "U21", grid), ("T3", "U31", plain)):
        fake.clear()
        resp = slack.command("/prospect", "", team_id=team_id, user_id=user_id)
        assert resp.status == 200
        [opened] = fake.wait_for("views.open")
        assert bearer(opened) == token and opened.response["ok"] is True
        assert {bearer(c) for c in fake.calls_to("users.info")} == {token}


@oauth_app
def test_scheduled_posts_use_the_workspaces_token(running, fake):
    tokens = {t: installed(running, fake, t) for t in ("T2", "T3")}
    services = running.services
    for team_id in tokens:
        fake.join_channel(f"C{team_id}")
        _, error = services.jobs.digest_now(
            team_id=team_id,
            channel_id=f"C{team_id}",
            owners=(),
            tz="Asia/Jakarta",
            locale="en",
            slot=NOW,
        )
        assert error is None, error
    posts = fake.calls_to("chat.postMessage")
    assert {p.params["channel"]: bearer(p) for p in posts} == {
        "CT2": tokens["T2"],
        "CT3": tokens["T3"],
    }
    uploads = fake.calls_to("files.completeUploadExternal")
    assert sorted(bearer(u) for u in uploads) == sorted(tokens.values())
    with pytest.raises(NotInstalled):
        services.client_for("T1")  # never installed through OAuth


@oauth_app
def test_a_forged_or_replayed_redirect_installs_nothing(running, fake):
    browser = Browser(running.base, fake)
    url = browser.authorize_url()
    code = fake.approve_install(url, team_id="T2")
    state = parse_qs(urlsplit(url).query)["state"][0]
    back = f"/slack/oauth_redirect?code={code}&state={state}"
    stranger = Browser(running.base, fake)  # the link, opened in another browser
    assert stranger.get(back).status == 400  # no state cookie: not the installer's browser
    assert browser.get(back).status == 200
    assert browser.get(back).status == 400  # the cookie was cleared, the state used up
    again = Browser(running.base, fake)  # a fresh start, with the used code
    fresh = parse_qs(urlsplit(again.authorize_url()).query)["state"][0]
    assert again.get(f"/slack/oauth_redirect?code={code}&state={fresh}").status == 401
    assert fake.calls_to("oauth.v2.access")[-1].response == {"ok": False, "error": "invalid_code"}
    assert len(fake.calls_to("oauth.v2.access")) == 2
    store = SQLAlchemyInstallationStore(
        client_id=fake.oauth.client_id, engine=running.services.db.engine
    )
    assert store.find_bot(enterprise_id=None, team_id="T2") is not None  # the one good one


def test_one_workspace_mode_is_as_before(running, slack, fake):
    """No client id: one bot token, no install routes."""
    assert running.app.oauth_flow is None
    page = Browser(running.base, fake).get("/slack/install")
    assert page.status == 404
    slack.command("/prospect", "")
    [opened] = fake.wait_for("views.open")
    assert bearer(opened) == BOT_TOKEN
    assert running.services.client_for("T1").token == BOT_TOKEN


@pytest.mark.parametrize(
    ("given", "expect"),
    [
        ({"slack_client_id": "1.2"}, "SLACK_CLIENT_SECRET is missing"),
        ({"slack_client_secret": "s"}, "SLACK_CLIENT_ID is missing"),
        ({"slack_client_id": " ", "slack_client_secret": ""}, "SLACK_BOT_TOKEN is missing"),
        (
            {"slack_client_id": "1.2", "slack_client_secret": "s", "slack_app_token": "xapp-1"},
            "SLACK_APP_TOKEN is invalid (Value error, OAuth installs (SLACK_CLIENT_ID) are "
            "served in HTTP mode: leave it empty)",
        ),
        ({"slack_bot_token": BOT_TOKEN, "uninstall_grace_days": -1}, "UNINSTALL_GRACE_DAYS is"),
    ],
)
def test_oauth_settings_errors_name_the_setting(given, expect):
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None, slack_signing_secret=SIGNING_SECRET, **given)
    assert str(err.value).startswith(expect) and "\n" not in str(err.value)


def test_oauth_needs_no_bot_token():
    settings = load_settings(
        _env_file=None, slack_signing_secret="s", slack_client_id="1.2", slack_client_secret="s"
    )
    assert settings.oauth and settings.slack_bot_token is None
    assert settings.uninstall_grace_days == 30


def test_a_client_id_without_its_secret_stops_start_up_in_one_line(tmp_path):
    env = clean_env(SLACK_CLIENT_ID="1.2", SLACK_SIGNING_SECRET=SIGNING_SECRET)
    proc = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("salespath: SLACK_CLIENT_SECRET is missing: set SLACK_CLIENT_ID and")


@oauth_app
def test_install_routes_answer_get_only(running):
    request = urllib.request.Request(running.base + "/slack/install", data=b"", method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with pytest.raises(urllib.error.HTTPError) as err:
        opener.open(request, timeout=30)
    assert err.value.code == 404


@oauth_app
def test_a_workspace_without_installation_is_told_in_both_languages(slack, fake):
    resp = slack.command("/pipeline", "", team_id="T1")  # never installed here
    assert resp.status == 200
    [answer] = fake.wait_for("response_url")
    shown = answer.params["text"]
    assert "Salespath is no longer installed in this workspace" in shown
    assert "Salespath tidak lagi terpasang di workspace ini" in shown
    assert not fake.calls_to("users.info")  # nothing was asked of Slack without a token


@oauth_app
def test_won_announcements_use_the_workspaces_token(running, slack, fake):
    """Issue 14's won announcements are scheduled posts too: each in its workspace's name."""
    tokens = {t: installed(running, fake, t, user_id=f"U{t[1:]}1") for t in ("T2", "T3")}
    services = running.services
    services.now = lambda: NOW
    for team_id in tokens:
        user, channel = f"U{team_id[1:]}1", f"C{team_id}"
        fake.join_channel(channel)
        ask = {"team_id": team_id, "user_id": user, "channel_id": channel}
        slack.command(ids.CMD_DIGEST, "here wins", **ask)
        slack.command(ids.CMD_PROSPECT, f"Deal {team_id} 10jt", **ask)
        services.now = lambda: NOW + timedelta(seconds=1)
        slack.command(ids.CMD_ADVANCE, f"Deal {team_id} won", **ask)
        services.now = lambda: NOW
    services.now = lambda: NOW + timedelta(minutes=11)  # nobody said how it closed
    services.wins.sweep()
    posts = [p for p in fake.calls_to("chat.postMessage") if p.params["channel"] in ("CT2", "CT3")]
    assert {p.params["channel"]: bearer(p) for p in posts} == {
        "CT2": tokens["T2"],
        "CT3": tokens["T3"],
    }
    assert all(p.response["ok"] for p in posts)
