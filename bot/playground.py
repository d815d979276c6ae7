"""``python -m bot playground`` (and ``make run`` with no Slack tokens): the real app against
the local Slack in the browser, with a sample pipeline, so anyone can try Salespath in a
minute without a Slack workspace.

The same Bolt app, listeners, storage, scheduler and digest code run; only Slack is
replaced, by ``slackkit.playground.Playground`` (a Web API on loopback plus a Slack-like
page). The playground signs its requests with a secret made at start, binds 127.0.0.1 only,
and keeps its own SQLite file (never the production default): later starts reuse it,
``--reset`` starts from a fresh sample pipeline, ``--empty`` from an empty workspace.

Time: the page's clock button runs the scheduled jobs the way their triggers do — the
playground's clock moves on to the next time a digest or the 09:00 reminders are due, then
the scheduler fires them — so the daily digest and the reminder DMs can be seen at once.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import signal
import sys
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dotenv import dotenv_values

from bot import sample
from bot.app import create_app
from bot.core.slots import trigger_for, upcoming_slot
from bot.server import HttpServer
from bot.services import Services
from bot.settings import Settings, SettingsError
from slackkit.playground import Playground
from storage.migrate import upgrade

log = logging.getLogger("salespath.playground")

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "salespath-playground.db"
TOKENS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
TZ = "Asia/Jakarta"  # the demo people's timezone (slackkit's default)


def wanted(argv: list[str], environ: Mapping[str, str], env_file: str = ".env") -> bool:
    """``python -m bot playground``, or neither Slack token is set (environment or .env)."""
    if argv[:1] == ["playground"]:
        return True
    if argv:
        return False
    values = {**dotenv_values(env_file), **environ}
    return not any(values.get(name) for name in TOKENS)


def tokens_set(environ: Mapping[str, str], env_file: str = ".env") -> list[str]:
    values = {**dotenv_values(env_file), **environ}
    return [name for name in TOKENS if values.get(name)]


class Clock:
    """The playground's time: real time, moved on by the "run scheduled jobs" button."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def next_due(services: Services, now: datetime) -> datetime:
    """The next time jobs are due: a digest's next slot, or 09:00 for the reminders."""
    times = [upcoming_slot(trigger_for("09:00", TZ), now + timedelta(minutes=1))]
    scheduler = services.scheduler
    for job in scheduler.jobs() if scheduler else ():
        times.append(upcoming_slot(job.trigger(), now + timedelta(minutes=1)))
    return min(t for t in times if t is not None)


def run_jobs(services: Services, clock: Clock) -> str:
    """Move the clock on to the next due time and run the scheduled jobs there."""
    now = clock()
    due = next_due(services, now)
    clock.offset += due - now
    services.scheduler.run_now()
    local = due.astimezone(ZoneInfo(TZ))
    return f"It is now {local:%a %d %b, %H:%M} ({TZ}) in the playground."


def database_url(args: argparse.Namespace) -> str:
    path = Path(args.database or DATABASE).resolve()
    if (args.reset or args.empty) and path.exists():
        path.unlink()
        for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            extra.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot playground", description=__doc__)
    parser.add_argument("playground", nargs="?")
    parser.add_argument("--reset", action="store_true", help="start from a fresh sample pipeline")
    parser.add_argument("--empty", action="store_true", help="start from an empty workspace")
    parser.add_argument("--database", help=f"SQLite file (default {DATABASE})")
    return parser.parse_args(argv)


def start(args: argparse.Namespace, port: int) -> tuple[Playground, HttpServer, Services]:
    """The local Slack on ``port`` and the app served against it (both on 127.0.0.1)."""
    secret = secrets.token_hex(16)
    clock = Clock()
    url = database_url(args)
    fresh = not Path(url.removeprefix("sqlite:///")).exists()
    upgrade(url)
    playground = Playground(
        signing_secret=secret, manifest_path=ROOT / "manifest.yml", port=port
    ).start()
    settings = Settings(
        slack_bot_token=playground.token,
        slack_signing_secret=secret,
        slack_app_token=None,
        slack_api_url=playground.base_url,
        database_url=url,
        port=playground.port,
    )
    services = Services.from_settings(settings)
    services.now = clock
    if fresh and not args.empty:
        sample.seed(services.db, now=clock())
    app = create_app(settings, services=services)
    playground.on_run_jobs = lambda: run_jobs(services, clock)
    server = HttpServer(app, services, host="127.0.0.1", port=0).start()
    playground.events_url = f"http://127.0.0.1:{server.port}/slack/events"
    services.scheduler.start()
    return playground, server, services


def main(argv: list[str]) -> int:
    args = parse(argv)
    present = tokens_set(os.environ)
    if present:
        print(
            f"salespath: the playground runs only without Slack tokens, and {' and '.join(present)}"
            " is set: unset it, or run `python -m bot` to serve your Slack workspace.",
            file=sys.stderr,
        )
        return 2
    port = int(os.environ.get("PORT") or 3000)
    try:
        playground, server, services = start(args, port)
    except (OSError, SettingsError) as exc:
        print(f"salespath: cannot start the playground on port {port} ({exc}).", file=sys.stderr)
        return 2
    print(
        f"Salespath playground: {playground.url} — the app against a local Slack, no workspace "
        "needed. To connect a real Slack workspace, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
        "(README: Create the Slack app).",
        flush=True,
    )
    wait_for_stop()
    stop(playground, server, services)
    return 0


def stop(playground: Playground, server: HttpServer, services: Services) -> None:
    """Stop what ``start`` started. A job in flight (a reminder due at start-up) ends first,
    against the local Slack: left running, it wrote to the database after it was disposed, and a
    ``--reset`` start next came up with an empty pipeline (once, on CI; most likely the job's
    last connection closing removed the new database's WAL file, which SQLite deletes by name)."""
    services.scheduler.shutdown()
    server.stop()
    playground.stop()
    services.db.dispose()


def wait_for_stop() -> None:
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
