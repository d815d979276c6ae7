"""Real processes on one PostgreSQL database: a worker killed (``kill -9``) after Slack
accepted the digest's post and before it recorded it; two more workers started at once
finish it without a second post (found by its metadata in the channel's history);
``python -m bot web`` serves on gunicorn's ``WORKERS`` processes and runs no job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from sqlmodel import select

from bot import ids
from slackkit import SlackClient, all_text
from storage.db import Database
from storage.models_digest import DeliveryClaim
from tests.app.jobs.test_digest import add_deal, posted
from tests.app.jobs.test_scheduling import wait_until
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.factories import subscribe

ROOT = Path(__file__).resolve().parents[3]


def env_for(fake, url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(
        PYTHONPATH=str(ROOT),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.base_url,
        DATABASE_URL=url,
        LOG_LEVEL="INFO",
        **extra,
    )
    return env


def start(role: str, env: dict[str, str], tmp_path: Path) -> subprocess.Popen:
    path = tmp_path / f"{role}-{time.monotonic_ns()}.log"
    with path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", role], cwd=tmp_path, env=env, stdout=log, stderr=log
        )
    proc.log_path = path  # type: ignore[attr-defined]
    return proc


def says(proc: subprocess.Popen, text: str) -> bool:
    return text in proc.log_path.read_text()  # type: ignore[attr-defined]


def stop(*procs: subprocess.Popen) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def claims_in(db: Database) -> list[DeliveryClaim]:
    with db.read() as s:
        return list(s.exec(select(DeliveryClaim).order_by(DeliveryClaim.id)).all())


@pytest.fixture
def due(pg_url, fake):
    """A PostgreSQL database with a digest due two minutes ago (subscribed yesterday): each
    worker catches it up at start, within the grace window."""
    db = Database(pg_url)
    now = datetime.now(UTC)
    add_deal(db, "Acme Corp", 50_000_000, created=now - timedelta(days=1))
    local = now.astimezone(ZoneInfo("Asia/Jakarta")) - timedelta(minutes=2)
    subscribe(db, at=local.strftime("%H:%M"), now=now - timedelta(days=1))
    yield db
    db.dispose()


def test_worker_processes_post_once_even_when_one_is_killed_after_slack_accepted(
    due, pg_url, fake, tmp_path
):
    fake.answer_late("chat.postMessage", 120)  # accepted at once, answered never (in time)
    first = start("worker", env_for(fake, pg_url), tmp_path)
    try:
        wait_until(lambda: len(posted(fake)) == 1, timeout=60)  # Slack has it…
    finally:
        first.send_signal(signal.SIGKILL)  # … and the process dies before recording it
        first.wait(timeout=10)
    [claim] = claims_in(due)
    assert (claim.state, claim.message_ts) == ("claimed", None)
    assert claim.post_started_at is not None  # the post's outcome is unknown
    with psycopg.connect(pg_url.replace("+psycopg", "")) as conn:  # its lease runs out
        conn.execute("UPDATE delivery_claim SET claimed_at = claimed_at - interval '6 minutes'")
    # Two more workers start at once: both catch up on the slot and sweep for retries.
    workers = [start("worker", env_for(fake, pg_url), tmp_path) for _ in range(2)]
    try:
        wait_until(lambda: [c.state for c in claims_in(due)] == ["posted"], timeout=60)
        wait_until(lambda: all(says(w, "scheduler started") for w in workers), timeout=60)
    finally:
        stop(*workers)  # graceful: jobs in flight finish before each exits
    assert [w.returncode for w in workers] == [0, 0]
    assert len(posted(fake)) == 1  # found in the channel, not posted again
    [claim] = claims_in(due)
    assert claim.message_ts == posted(fake)[0]["ts"] and claim.attempt == 2
    assert len(fake.calls_to("conversations.history")) == 1


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_web_role_serves_on_several_processes_and_runs_no_job(due, pg_url, fake, tmp_path):
    port = free_port()
    web = start("web", env_for(fake, pg_url, PORT=str(port), WORKERS="2"), tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: health(base) == 200 and len(children(web.pid)) == 2, timeout=90)
        client = SlackClient(base + "/slack/events", SIGNING_SECRET, fake)
        for _ in range(4):
            resp = client.command(ids.CMD_PIPELINE, "help")
            assert resp.status == 200 and "/pipeline" in all_text(resp.json)
    finally:
        stop(web)
    assert web.returncode == 0
    assert not posted(fake) and not claims_in(due)  # the due digest is a worker's job


def health(base: str) -> int | None:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=2) as resp:
            return resp.status
    except OSError:
        return None


def free_port() -> int:
    import socket  # only here: a port for the web process

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
