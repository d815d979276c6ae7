"""The playground's page driven from Playwright: what the browser tests and
``tools.pictures`` both do on it. Imported only where Playwright is (a dev dependency)."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def send(page: Page, text: str) -> None:
    """Type in the composer and press Enter (twice when the autocomplete takes the first)."""
    box = page.locator("#composer-input")
    box.fill(text)
    box.press("Enter")
    if box.input_value().strip():
        box.press("Enter")
    expect(box).to_have_value("")
