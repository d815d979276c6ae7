"""Browser fixtures: the real app served over HTTP against a ``Playground`` (the local Slack
with its page), a fresh database per test, and headless Debian Chromium driven by Playwright.

Nothing downloads a browser: Playwright launches ``/usr/bin/chromium`` (Debian's package,
installed by ``.ci/run``). Without it the tests skip locally and fail under CI. A failing
test leaves a full-page screenshot in ``test-artifacts/playground/``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bot.services import Services
from slackkit.playground import Playground
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, make_settings, serve

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts" / "playground"
# Root in a container needs --no-sandbox; the rest keep Chromium from calling home.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):  # .ci/run sets it: there the browser tests must run
        pytest.fail(reason)
    pytest.skip(reason + " (CI=1 makes this a failure)")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session (each test gets its own fresh context)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as driver:
        # Playwright gives every launch a fresh temporary user-data dir of its own.
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield launched
        launched.close()


@dataclass
class Stage:
    """The app and its local Slack, running: ``playground.url`` is the page."""

    playground: Playground
    services: Services
    jobs_run: list[int]


@pytest.fixture
def stage(db_url: str) -> Iterator[Stage]:
    jobs_run: list[int] = []
    playground = Playground(
        signing_secret=SIGNING_SECRET,
        token=BOT_TOKEN,
        manifest_path=ROOT / "manifest.yml",
        on_run_jobs=lambda: jobs_run.append(1),
    ).start()
    try:
        with serve(make_settings(playground, db_url)) as app:
            playground.events_url = app.url
            yield Stage(playground, app.services, jobs_run)
    finally:
        playground.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser: object, stage: Stage, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh browser tab on the playground (as the first demo user, in #sales)."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    tab = context.new_page()
    tab.set_default_timeout(20_000)  # this machine is shared: generous, never a sleep
    expect.set_options(timeout=20_000)
    tab.goto(stage.playground.url)
    tab.locator(".pane-header h1").wait_for()
    yield tab
    if request.node.stash.get(FAILED, False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
