"""``python -m tools.pictures``: the README's pictures, taken from the playground.

Starts the playground exactly as ``make run`` does without tokens (sample pipeline, its own
SQLite file in a temporary folder, a free port), drives Debian's Chromium with Playwright
like the browser tests do, and writes ``docs/playground.png`` (a manager's #sales with a
quick add and the daily digest), ``docs/home.png`` (a rep's Home tab) and
``docs/playground-id.png`` (a rep who reads Indonesian). Not part of ``make test``: the
pictures are for people, the browser tests check the same pages.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from bot import playground
from slackkit.page import send

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def shoot(page: Page, name: str, *, height: int) -> None:
    """The page's panes scroll inside a fixed frame: a tall window shows the whole story."""
    page.set_viewport_size({"width": 1280, "height": height})
    page.wait_for_timeout(300)
    page.screenshot(path=str(DOCS / name))
    page.set_viewport_size({"width": 1280, "height": 900})


def as_user(page: Page, user_id: str) -> None:
    page.locator("#user-switcher").select_option(user_id)
    page.locator(".sidebar-item", has_text="sales").first.click()


def digest(page: Page) -> None:
    as_user(page, "UADMIN")
    send(page, "/prospect PT Sinar Mas Agro 120jt inbound @budi")
    expect(page.locator(".msg", has_text="Added PT Sinar Mas Agro").last).to_be_visible()
    send(page, "/digest here 09:00 Asia/Jakarta weekdays")
    send(page, "/digest now")
    chart = page.locator("img.bk-image").last
    expect(chart).to_be_visible()
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=chart.element_handle())
    shoot(page, "playground.png", height=2300)


def home(page: Page) -> None:
    as_user(page, "U1")
    page.locator(".sidebar-item", has_text="Salespath").click()
    expect(page.locator(".home-view")).to_be_visible()
    page.wait_for_timeout(500)  # let the Home tab's view settle before the picture
    shoot(page, "home.png", height=1700)


def indonesian(page: Page) -> None:
    as_user(page, "U3")  # Dewi reads Indonesian in the sample workspace
    send(page, "/prospect Hotel Mulia Senayan 2,5M referral")
    expect(page.locator(".msg", has_text="Hotel Mulia Senayan").last).to_be_visible()
    send(page, "/pipeline")
    expect(page.locator(".msg", has_text="Prospecting").last).to_be_visible()
    shoot(page, "playground-id.png", height=1400)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        args = playground.parse(["--database", str(Path(folder) / "pictures.db")])
        stage, server, services = playground.start(args, port=0)
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
                page.set_default_timeout(30_000)
                expect.set_options(timeout=30_000)
                page.goto(stage.url)
                for take in (digest, home, indonesian):
                    take(page)
                browser.close()
        finally:
            playground.stop(stage, server, services)
    print("wrote docs/playground.png, docs/home.png, docs/playground-id.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
