"""The playground in headless Chromium: what a person trying the app does, end to end —
typed commands, modals with field errors, buttons, both shortcuts, the Home tab, the
digest and its chart — against the real app served over HTTP."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from slackkit.page import send
from tests.playground.conftest import Stage


def last_message(page: Page, text: str) -> Locator:
    message = page.locator(".msg", has_text=text).last
    expect(message).to_be_visible()
    return message


def quick_add(page: Page, name: str = "Acme Corp") -> Locator:
    send(page, f"/prospect {name} 50jt referral")
    return last_message(page, f"Added {name}")


def drawn_cleanly(page: Page) -> None:
    expect(page.locator(".bk-unsupported")).to_have_count(0)


def test_page_shows_the_workspace(page: Page) -> None:
    expect(page.locator(".sidebar-item", has_text="sales-managers")).to_be_visible()
    expect(page.locator(".sidebar-item.active")).to_have_text(re.compile("sales"))
    expect(page.locator(".sidebar-item", has_text="Salespath")).to_be_visible()
    expect(page.locator("#user-switcher option")).to_have_count(4)
    expect(page.locator("#run-jobs")).to_be_visible()


def test_slash_command_autocomplete_lists_the_manifest(page: Page) -> None:
    page.locator("#composer-input").fill("/pro")
    item = page.locator("#autocomplete .menu-item", has_text="/prospect")
    expect(item).to_contain_text("[name value source @owner] | help")
    expect(page.locator("#autocomplete")).to_contain_text("Log a new prospect")


def test_quick_add_reply_is_only_visible_to_whoever_typed_it(page: Page) -> None:
    reply = quick_add(page)
    expect(reply).to_contain_text("Rp50.000.000")
    expect(reply).to_contain_text("Only visible to you")
    drawn_cleanly(page)
    page.locator("#user-switcher").select_option("U2")
    expect(page.locator(".sidebar-item.active")).to_have_text(re.compile("sales"))
    expect(page.locator(".msg", has_text="Added Acme Corp")).to_have_count(0)


def test_new_deal_modal_shows_a_field_error_then_saves(page: Page, stage: Stage) -> None:
    send(page, "/prospect")
    modal = page.locator(".modal")
    expect(modal.locator("h2")).to_have_text("New deal")
    modal.get_by_label("Deal name (company or person)").fill("Acme")
    value = modal.get_by_label(re.compile(r"^Value\b"))
    value.fill("lots")
    modal.locator(".modal-submit").click()
    error = modal.locator(".bk-input.has-error .bk-error")
    expect(error).to_contain_text("lots")
    value.fill("50jt")
    expect(error).to_be_hidden()
    modal.locator(".modal-submit").click()
    expect(modal).to_be_hidden()
    expect(last_message(page, "Acme")).to_contain_text("Rp50.000.000")


def test_required_field_is_checked_like_slack(page: Page) -> None:
    send(page, "/prospect")
    modal = page.locator(".modal")
    modal.locator(".modal-submit").click()
    expect(modal.locator(".bk-error").first).to_have_text("Please complete this required field.")
    modal.locator(".modal-x").click()
    expect(modal).to_be_hidden()


def test_advance_button_on_the_quick_add_reply(page: Page) -> None:
    reply = quick_add(page)
    reply.get_by_role("button", name="Advance").click()
    expect(page.locator(".msg", has_text="Approaching").last).to_be_visible()
    drawn_cleanly(page)


def pick_deal(modal: Locator, name: str) -> None:
    field = modal.locator(".bk-external input")
    item = modal.locator(".suggestions .menu-item", has_text=name)
    # Each keystroke asks the app (block_suggestion); when the modal was still being wired
    # up as the first one went out, no list comes: type again, as a user would.
    for typed in (name[:3], name[:4], name[:5]):
        field.fill(typed)
        try:
            item.wait_for(timeout=6_000)
            break
        except PlaywrightTimeout:
            continue
    item.click()
    expect(field).to_have_value(re.compile(name))


def test_log_meeting_from_the_shortcuts_menu(page: Page) -> None:
    quick_add(page)
    page.locator("#shortcuts").click()
    page.locator(".menu-item", has_text="Log meeting").click()
    modal = page.locator(".modal")
    expect(modal.locator("h2")).to_have_text("Log meeting")
    drawn_cleanly(page)
    pick_deal(modal, "Acme Corp")
    modal.get_by_label("Notes").fill("They want a demo for the IT team")
    modal.locator(".modal-submit").click()
    expect(modal).to_be_hidden()
    expect(page.locator(".msg", has_text="Acme Corp").last).to_be_visible()


def test_add_to_deal_from_a_message_menu(page: Page, stage: Stage) -> None:
    quick_add(page)
    send(page, "Budget approved for Q3, call back Monday")
    message = last_message(page, "Budget approved")
    message.hover()
    message.locator(".more").click()
    page.locator(".menu-item", has_text="Add to deal").click()
    modal = page.locator(".modal")
    expect(modal.locator("h2")).to_have_text("Add to deal")
    expect(modal.get_by_label("Note")).to_have_value("Budget approved for Q3, call back Monday")
    pick_deal(modal, "Acme Corp")
    modal.locator(".modal-submit").click()
    expect(modal).to_be_hidden()
    expect(page.locator(".msg.ephemeral").last).to_contain_text("Acme Corp")


def test_home_tab_renders(page: Page) -> None:
    quick_add(page)
    page.locator(".sidebar-item", has_text="Salespath").click()
    home = page.locator(".home-view")
    expect(home).to_contain_text("Acme Corp")
    expect(page.locator(".tab.active")).to_have_text("Home")
    drawn_cleanly(page)


def test_digest_now_posts_the_digest_and_its_chart_loads(page: Page) -> None:
    quick_add(page)
    quick_add(page, "Globex")
    page.locator("#user-switcher").select_option("UADMIN")
    send(page, "/digest here")
    send(page, "/digest now")
    chart = page.locator("img.bk-image")  # the chart is an image block in the digest
    expect(chart).to_be_visible(timeout=20_000)
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=chart.element_handle())
    expect(page.locator(".msg:not(.ephemeral)", has_text="Globex").first).to_be_visible()
    drawn_cleanly(page)


def test_run_scheduled_jobs_button(page: Page, stage: Stage) -> None:
    page.locator("#run-jobs").click()
    expect(page.locator("#toast")).to_have_text("Scheduled jobs ran.")
    assert stage.jobs_run == [1]


def test_home_tab_menu_answers_in_the_apps_messages_tab(page: Page) -> None:
    quick_add(page)
    page.locator(".sidebar-item", has_text="Salespath").click()
    page.locator(".home-view .bk-overflow-button").first.click()
    page.locator(".menu.floating .menu-item", has_text="Open card").click()
    expect(page.locator(".sidebar-item.unread", has_text="Salespath")).to_be_visible()
    page.locator(".tab", has_text="Messages").click()
    expect(page.locator(".msg", has_text="Acme Corp").last).to_be_visible()
    drawn_cleanly(page)


def test_pushed_view_goes_back_to_the_form_as_it_was(page: Page) -> None:
    page.locator("#shortcuts").click()
    page.locator(".menu-item", has_text="Log meeting").click()
    modal = page.locator(".modal")
    modal.get_by_label("Notes").fill("Met the CFO")
    modal.get_by_role("button", name="Fill SPIN").click()
    expect(modal).to_contain_text("Pick the deal first")
    modal.locator(".modal-back").click()
    expect(modal.locator("h2")).to_have_text("Log meeting")
    expect(modal.get_by_label("Notes")).to_have_value("Met the CFO")


def test_a_manager_imports_an_uploaded_csv(page: Page) -> None:
    page.locator("#user-switcher").select_option("UADMIN")
    send(page, "/pipeline import")
    modal = page.locator(".modal")
    expect(modal.locator("h2")).to_have_text("Import deals")
    drawn_cleanly(page)
    csv = (
        "Deal - Title,Deal - Value,Deal - Stage,Deal - Owner\n"
        'Initech,"12,000,000",Proposal Made,Budi Santoso\n'
    )
    modal.locator("input[type=file]").set_input_files(
        files=[{"name": "pipedrive.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    modal.locator(".modal-submit").click()
    expect(modal.locator("h2")).to_have_text("Import: columns")
    expect(modal).to_contain_text("read as a Pipedrive export")
    modal.locator(".modal-submit").click()
    expect(modal.locator("h2")).to_have_text("Import: preview")
    expect(modal).to_contain_text("1 new deal will be created.")
    expect(modal).to_contain_text("Rp12.000.000 · Presentation")
    modal.locator(".modal-submit").click()
    expect(modal).to_be_hidden()
    expect(last_message(page, "Import done")).to_contain_text("1 new deal, 0 updated")
