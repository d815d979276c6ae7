"""The commands no other browser test types (issue 10), in headless Chromium against the real
app: `/advance <deal> to <stage>`, `/spin <deal>` (its modal filled and saved), `/pipeline
stats`, `/pipeline forecast`, and a manager's `/pipeline settings` switching the workspace to
Indonesian. What the page shows is checked, and what was stored."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlmodel import select

from bot import ids
from storage.models import Deal, Workspace
from storage.models_checklist import ChecklistVersion
from tests.playground.conftest import Stage
from tests.playground.test_browser import drawn_cleanly, last_message, quick_add, send


def test_typed_advance_then_spin_saved_from_its_modal(page: Page, stage: Stage) -> None:
    quick_add(page)
    send(page, "/advance Acme Corp to probing")
    moved = last_message(page, "moved Prospecting")
    expect(moved).to_contain_text("Acme Corp moved Prospecting → Probing")
    with stage.services.db.read() as s:
        assert s.exec(select(Deal)).one().status == "open"
    send(page, "/spin Acme Corp")
    modal = page.locator(".modal")
    expect(modal.locator("h2")).to_contain_text("SPIN")
    drawn_cleanly(page)
    modal.locator('textarea[data-block-id="situation_learned"]').fill("Orders by WhatsApp")
    modal.locator('textarea[data-block-id="problem_learned"]').fill("Orders lost at month end")
    modal.locator(".modal-submit").click()
    expect(modal).to_be_hidden()
    expect(last_message(page, "Saved SPIN version 1")).to_contain_text("Acme Corp")
    with stage.services.db.read() as s:
        [saved] = s.exec(select(ChecklistVersion)).all()
    assert (saved.kind, saved.version) == ("spin", 1)
    assert saved.data["fields"]["problem_learned"] == "Orders lost at month end"


def test_stats_and_forecast_replies(page: Page) -> None:
    quick_add(page)
    quick_add(page, "Globex")
    send(page, "/advance Globex won")
    expect(last_message(page, "is won")).to_contain_text("Globex")
    send(page, "/pipeline stats")
    stats = last_message(page, "last 30 days · my deals")
    expect(stats).to_contain_text("100% (1 won, 0 lost)")
    expect(stats).to_contain_text("Only visible to you")
    send(page, "/pipeline forecast")
    forecast = last_message(page, "Forecast ·")
    expect(forecast).to_contain_text(re.compile(r"Forecast · Q[1-4] \d{4} · my deals"))
    drawn_cleanly(page)


def test_settings_modal_switches_the_workspace_to_indonesian(page: Page, stage: Stage) -> None:
    page.locator("#user-switcher").select_option("UADMIN")
    send(page, "/pipeline settings")
    modal = page.locator(".modal")
    expect(modal.locator("h2")).to_have_text("Workspace settings")
    drawn_cleanly(page)
    modal.locator(f'select[data-block-id="{ids.BLOCK_LANGUAGE}"]').select_option("id")
    modal.locator(".modal-submit").click()
    expect(modal).to_be_hidden()
    # said to the manager in the language they read when they saved (English, the default)
    saved = last_message(page, "Saved the workspace's settings")
    expect(saved).to_contain_text("Bahasa Indonesia, amounts without a currency in IDR")
    with stage.services.db.read() as s:
        assert s.get(Workspace, "T1").default_locale == "id"
    send(page, "/pipeline")  # nobody chose a language of their own: the default speaks
    expect(last_message(page, "Pipeline saya")).to_be_visible()
