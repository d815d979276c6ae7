"""`python -m bot` as a process (HTTP mode, settings errors, SIGTERM) and Socket Mode."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot import ids
from bot.app import create_app
from bot.services import Services
from slackkit import SlackClient, SocketModeStub, all_text
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, make_settings

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_tokens_serves_the_playground_then_stops_on_sigterm(tmp_path):
    """``make run`` on a fresh machine: no Slack tokens → the playground on PORT, one line
    with its URL, a sample pipeline in its own SQLite file (never salespath.db)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=clean_env(PORT=str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line, line + proc.stderr.read()
        assert "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET" in line  # how to connect Slack
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read().decode()
        assert "<html" in page.lower()
        config = urllib.request.urlopen(f"http://127.0.0.1:{port}/pg/config", timeout=10).read()
        assert b"/prospect" in config and b"Log meeting" in config
        assert (tmp_path / "salespath-playground.db").exists()
        assert not (tmp_path / "salespath.db").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_SIGNING_SECRET is missing"),
        ({"SLACK_SIGNING_SECRET": SIGNING_SECRET}, "SLACK_BOT_TOKEN is missing"),
    ],
    ids=["bot-token-only", "signing-secret-only"],
)
def test_one_token_of_two_is_a_one_line_configuration_error(tmp_path, env, missing):
    proc = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert missing in lines[0]
    assert "Traceback" not in proc.stderr


def test_the_playground_refuses_to_run_beside_slack_tokens(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "playground"],
        cwd=tmp_path,
        env=clean_env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "runs only without Slack tokens" in proc.stdout + proc.stderr
    assert not (tmp_path / "salespath-playground.db").exists()


@pytest.mark.parametrize(
    ("env", "expect"),
    [
        # Slack unreachable (nothing listens on port 1): auth.test fails at start-up.
        ({"SLACK_API_URL": "http://127.0.0.1:1/api/"}, "cannot reach Slack at SLACK_API_URL"),
        (
            {"SLACK_API_URL": "http://"},
            "SLACK_API_URL is invalid (Value error, must be an http(s) URL with a host)",
        ),
        (
            {"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"},
            "DATABASE_URL: cannot open and migrate the database",
        ),
    ],
    ids=["slack-unreachable", "url-without-host", "database-unreachable"],
)
def test_start_up_problems_are_one_line_and_exit_2(tmp_path, env, expect):
    settings = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "DATABASE_URL": f"sqlite:///{tmp_path}/sp.db",
        **env,
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env={**clean_env(), **settings},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    # Log lines may come first (LOG_LEVEL=INFO); the problem is the one last line.
    problems = [line for line in proc.stderr.splitlines() if line.startswith("salespath:")]
    assert len(problems) == 1, proc.stderr
    assert expect in problems[0] and "Traceback" not in proc.stderr
    assert "alembic" not in proc.stderr  # migration chatter stays out of the way


def test_http_mode_process_serves_signed_requests_and_stops_on_sigterm(tmp_path, fake):
    port = free_port()
    (tmp_path / ".env").write_text(
        f"SLACK_BOT_TOKEN={BOT_TOKEN}\nSLACK_SIGNING_SECRET={SIGNING_SECRET}\n"
        f"SLACK_API_URL={fake.base_url}\nPORT={port}\nDATABASE_URL=sqlite:///{tmp_path}/sp.db\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as resp:
                    assert resp.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.time() < deadline, "app did not start"
                time.sleep(0.2)
        client = SlackClient(base + "/slack/events", SIGNING_SECRET, fake)
        resp = client.command(ids.CMD_PIPELINE, "help")
        assert resp.status == 200 and "/pipeline" in all_text(resp.json)
        assert (tmp_path / "sp.db").exists()  # migrated at start-up
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        out = proc.stdout.read()
        assert "shutting down" in out and "Traceback" not in out
    finally:
        if proc.poll() is None:
            proc.kill()


def test_socket_mode_round_trip(fake, db_url):
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    with SocketModeStub() as stub:
        fake.socket_url = stub.url
        settings = make_settings(fake, db_url, slack_app_token="xapp-test")
        assert settings.socket_mode
        services = Services.from_settings(settings)
        app = create_app(settings, services=services)
        handler = SocketModeHandler(app, "xapp-test", web_client=app.client)
        handler.connect()
        try:
            stub.wait_connected()
            envelope_id = stub.send_envelope(
                "slash_commands", stub.command_payload(ids.CMD_SPIN, "help")
            )
            ack = stub.wait_ack(envelope_id, timeout=10)
            assert "/spin" in all_text(ack["payload"])
        finally:
            handler.close()
            services.db.dispose()
