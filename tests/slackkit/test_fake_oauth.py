"""The local Slack's OAuth install: ``approve_install`` and ``oauth.v2.access`` as Slack
answers them, revoked tokens, and Enterprise Grid workspaces in what Slack sends."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackkit import FakeSlack, SlackClient, command_fields

AUTHORIZE = "https://slack.com/oauth/v2/authorize?"


def authorize_url(fake: FakeSlack, **extra: str) -> str:
    query = {"client_id": fake.oauth.client_id, "scope": "commands,chat:write", "state": "s1"}
    return AUTHORIZE + urlencode({**query, **extra})


def web(fake: FakeSlack, token: str | None = None) -> WebClient:
    return WebClient(token=token, base_url=fake.base_url)


def test_a_code_buys_a_bot_token_that_speaks_for_its_workspace(fake):
    code = fake.approve_install(authorize_url(fake), team_id="T7", user_id="U70")
    answer = web(fake).oauth_v2_access(
        client_id=fake.oauth.client_id, client_secret=fake.oauth.client_secret, code=code
    )
    assert answer["ok"] and answer["token_type"] == "bot"
    assert answer["scope"] == "commands,chat:write"
    assert answer["team"] == {"id": "T7", "name": "Team T7"}
    assert answer["authed_user"] == {"id": "U70"} and answer["enterprise"] is None
    assert answer["is_enterprise_install"] is False and answer["bot_user_id"] == "UBT7"
    auth = web(fake, answer["access_token"]).auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T7", "UBT7", "BBT7")
    assert fake.last("auth.test").team_id == "T7"


def test_enterprise_grid_workspaces_say_so(fake):
    code = fake.approve_install(
        authorize_url(fake), team_id="T8", enterprise_id="E1", enterprise_name="Acme Group"
    )
    answer = web(fake).oauth_v2_access(
        client_id=fake.oauth.client_id, client_secret=fake.oauth.client_secret, code=code
    )
    assert answer["enterprise"] == {"id": "E1", "name": "Acme Group"}
    assert web(fake, answer["access_token"]).auth_test()["enterprise_id"] == "E1"
    fields = command_fields("/pipeline", fake=fake, team_id="T8")
    assert (fields["enterprise_id"], fields["enterprise_name"]) == ("E1", "Acme Group")
    client = SlackClient("http://127.0.0.1:9/slack/events", "secret", fake)
    envelope = client.event_envelope({"type": "app_uninstalled"}, team_id="T8")
    assert envelope["enterprise_id"] == "E1"
    assert envelope["authorizations"][0]["enterprise_id"] == "E1"
    assert "enterprise_id" not in command_fields("/pipeline", fake=fake, team_id="T1")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"client_secret": "wrong"}, "bad_client_secret"),
        ({"client_id": "9.9"}, "invalid_client_id"),
        ({"code": "made-up"}, "invalid_code"),
        ({"redirect_uri": "https://elsewhere.example/back"}, "bad_redirect_uri"),
    ],
)
def test_oauth_v2_access_refuses_like_slack(fake, change, error):
    url = authorize_url(fake, redirect_uri="https://app.example/slack/oauth_redirect")
    code = fake.approve_install(url, team_id="T7")
    args = {
        "client_id": fake.oauth.client_id,
        "client_secret": fake.oauth.client_secret,
        "code": code,
        "redirect_uri": "https://app.example/slack/oauth_redirect",
        **change,
    }
    with pytest.raises(SlackApiError) as err:
        web(fake).oauth_v2_access(**args)
    assert err.value.response["error"] == error
    assert "T7" not in fake.teams  # nothing installed


def test_a_code_is_good_once_and_for_ten_minutes(fake):
    creds = {"client_id": fake.oauth.client_id, "client_secret": fake.oauth.client_secret}
    code = fake.approve_install(authorize_url(fake), team_id="T7")
    assert web(fake).oauth_v2_access(code=code, **creds)["ok"]
    with pytest.raises(SlackApiError, match="invalid_code"):
        web(fake).oauth_v2_access(code=code, **creds)
    late = fake.approve_install(authorize_url(fake), team_id="T7")
    fake.oauth.grants[late].issued -= fake.oauth.code_ttl + 1
    with pytest.raises(SlackApiError, match="invalid_code"):
        web(fake).oauth_v2_access(code=late, **creds)


def test_credentials_may_come_as_form_fields(fake):
    """slack_sdk sends HTTP Basic auth; Slack also takes the form fields."""
    code = fake.approve_install(authorize_url(fake), team_id="T7")
    body = fake.handle_api(
        "oauth.v2.access",
        {
            "client_id": fake.oauth.client_id,
            "client_secret": fake.oauth.client_secret,
            "code": code,
        },
        {},
    )
    assert body[0] == 200 and b'"ok": true' in body[2]


def test_an_authorize_url_for_another_app_or_without_scopes_is_refused(fake):
    with pytest.raises(ValueError, match="client_id"):
        fake.approve_install(authorize_url(fake, client_id="9.9"), team_id="T7")
    with pytest.raises(ValueError, match="scope"):
        fake.approve_install(authorize_url(fake, scope=""), team_id="T7")


def test_a_revoked_token_answers_token_revoked(fake):
    assert web(fake, fake.token).auth_test()["ok"]
    assert fake.revoke("T1") == [fake.token]
    with pytest.raises(SlackApiError) as err:
        web(fake, fake.token).chat_postMessage(channel="C1", text="hi")
    assert err.value.response["error"] == "token_revoked"
