"""The skeleton end to end: commands answer help, security, health, settings, errors."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request

import pytest

from bot import ids
from bot.services import Services
from bot.settings import SettingsError, load_settings
from slackkit import all_text
from storage.db import Database
from tests.conftest import SIGNING_SECRET


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.parametrize("command", ids.COMMANDS)
@pytest.mark.parametrize("text", ["help", "HELP", " help "])
def test_every_command_answers_help(slack, command, text):
    resp = slack.command(command, text)
    assert resp.status == 200
    body = resp.json
    assert body["response_type"] == "ephemeral"
    shown = all_text(body)
    assert command in shown
    assert "Examples" in shown
    assert resp.elapsed < 2.5  # Slack's 3-second ack window, with room to spare


@pytest.mark.parametrize("command", [ids.CMD_SPIN, ids.CMD_BATNA, ids.CMD_ADVANCE, ids.CMD_DIGEST])
def test_empty_text_shows_usage_where_it_is_not_an_action(slack, command):
    resp = slack.command(command, "")
    shown = all_text(resp.json)
    assert resp.status == 200 and command in shown
    assert "Examples" in shown and ":warning:" not in shown  # the usage, not an error


def test_unknown_subcommand_echoes_the_users_text(slack):
    resp = slack.command(ids.CMD_DIGEST, "sometime <soon> & later")
    shown = all_text(resp.json)
    assert "I don't know" in shown
    # The user's text comes back (escaped for mrkdwn), with the usage.
    assert "/digest sometime &lt;soon&gt; &amp; later" in shown
    assert "/digest here" in shown


def _signed(body: str, ts: int, secret: str = SIGNING_SECRET) -> dict[str, str]:
    base = f"v0:{ts}:{body}".encode()
    sig = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sig,
        "Content-Type": "application/x-www-form-urlencoded",
    }


def _command_body() -> str:
    return "command=%2Fprospect&text=help&team_id=T1&user_id=U1&channel_id=C1&trigger_id=x"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda b: _signed(b, int(time.time()), "wrong-secret"), id="bad-signature"),
        pytest.param(lambda b: {"Content-Type": "application/x-www-form-urlencoded"}, id="missing"),
        pytest.param(lambda b: _signed(b, int(time.time()) - 301), id="older-than-5-minutes"),
        pytest.param(
            lambda b: {**_signed(b, int(time.time())), "X-Slack-Signature": "v0=00"}, id="garbled"
        ),
    ],
)
def test_bad_signatures_get_401(slack, fake, headers):
    body = _command_body()
    resp = slack.raw(body, headers(body))
    assert resp.status == 401
    assert not fake.messages()


def test_good_signature_just_under_5_minutes_is_accepted(slack):
    body = _command_body()
    resp = slack.raw(body, _signed(body, int(time.time()) - 280))
    assert resp.status == 200


def test_healthz(running):
    status, body = get(running.base + "/healthz")
    assert status == 200 and json.loads(body)["database"] == "up"


def test_healthz_503_when_database_is_down(running):
    running.services.db = Database("postgresql+psycopg://nobody@127.0.0.1:1/none")
    status, body = get(running.base + "/healthz")
    assert status == 503 and json.loads(body)["database"] == "down"


class _SlowPing:
    """A database that takes a while to answer, to hold a request in flight."""

    def __init__(self, db, seconds: float) -> None:
        self.db, self.seconds = db, seconds
        self.started = threading.Event()

    def ping(self) -> bool:
        self.started.set()
        time.sleep(self.seconds)
        return self.db.ping()

    def dispose(self) -> None:
        self.db.dispose()


def test_stop_lets_a_request_in_flight_answer_then_refuses_new_ones(running):
    slow = running.services.db = _SlowPing(running.services.db, 0.6)
    answers: list[tuple[int, str]] = []
    caller = threading.Thread(target=lambda: answers.append(get(running.base + "/healthz")))
    caller.start()
    assert slow.started.wait(5)  # the request is inside the slow ping now
    started = time.monotonic()
    running.server.stop()
    caller.join(timeout=5)
    assert answers and answers[0][0] == 200 and json.loads(answers[0][1])["database"] == "up"
    assert time.monotonic() - started < 5
    assert not running.server._thread.is_alive()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(running.base + "/healthz", timeout=1)


def test_unknown_paths(running):
    assert get(running.base + "/nope")[0] == 404
    assert get(running.base + "/slack/events")[0] == 405


def test_unexpected_failure_becomes_an_apology_with_an_error_id(running, slack, caplog):
    @running.app.command("/boom")
    def boom(ack):
        raise RuntimeError("kaboom")

    with caplog.at_level(logging.ERROR, logger="salespath.errors"):
        resp = slack.command("/boom", "")
    assert resp.status == 200
    shown = all_text(resp.json)
    assert "Sorry" in shown and "Traceback" not in shown and "kaboom" not in shown
    error_id = shown.split("error id: `")[1][:8]
    assert any(error_id in r.getMessage() for r in caplog.records)


def test_failure_after_ack_is_reported_through_response_url(running, slack, fake):
    @running.app.command("/boom2")
    def boom2(ack):
        ack()
        raise RuntimeError("late")

    resp = slack.command("/boom2", "")
    assert resp.status == 200
    [call] = fake.wait_for("response_url")
    assert "error id" in all_text(call.params)


def test_settings_missing_token_is_one_clear_line(monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    with pytest.raises(SettingsError) as exc:
        load_settings(_env_file=None, slack_signing_secret="s")
    msg = str(exc.value)
    assert msg.startswith("SLACK_BOT_TOKEN is missing") and "\n" not in msg


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN is invalid"),
        ({"PORT": "99999"}, "PORT is invalid"),
        ({"PORT": "abc"}, "PORT is invalid"),
        ({"SLACK_APP_TOKEN": "nope"}, "SLACK_APP_TOKEN is invalid"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL is invalid"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL is invalid"),
        ({"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL is invalid"),
    ],
)
def test_settings_malformed_values(monkeypatch, env, expected):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SettingsError, match=expected):
        load_settings(_env_file=None)


def test_settings_defaults_and_normalisation(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    s = load_settings(_env_file=None)
    assert s.port == 3000 and not s.socket_mode
    assert s.slack_api_url == "http://127.0.0.1:9/api/"
    assert s.database_url == "postgresql+psycopg://u@h/db"
    assert s.log_level == "DEBUG"


def test_every_webclient_uses_the_configured_base_url(running, fake):
    assert running.app.client.base_url == fake.base_url
    assert any(c.method == "auth.test" for c in fake.calls)  # token verified at start-up


def test_services_are_per_app(running, fake, db_url):
    from bot.app import create_app
    from tests.conftest import make_settings

    other = create_app(make_settings(fake, db_url))
    assert isinstance(other.services, Services) and other.services is not running.app.services
    other.services.db.dispose()


def test_a_button_nobody_listens_to_is_acked_and_explained(slack, fake):
    resp = slack.block_action("retired_button_v0", value="42")
    assert resp.status == 200
    [reply] = fake.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral"
    assert "no longer works" in reply.params["text"] and "/pipeline" in reply.params["text"]


def test_a_menu_nobody_listens_to_is_acked_quietly(slack, fake):
    resp = slack.block_action("some_menu", selected_option="x", action_type="static_select")
    assert resp.status == 200
    time.sleep(0.3)
    assert fake.calls_to("response_url") == [] and fake.calls_to("chat.postMessage") == []
