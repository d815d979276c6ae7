"""What the page makes Slack send: each interactive element, clicked or picked in the
browser, reaches the app as the ``block_actions`` payload Slack would send (signed, with the
real type, ids, value or selection). The "app" here is a recorder, not Salespath."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from slackkit.playground import Playground

SECRET = "recorder-secret"
OPTIONS = [{"text": {"type": "plain_text", "text": t}, "value": t.lower()} for t in ("One", "Two")]
CONFIRM = {
    "title": {"type": "plain_text", "text": "Really?"},
    "text": {"type": "mrkdwn", "text": "Move it *back*?"},
    "confirm": {"type": "plain_text", "text": "Move back"},
    "deny": {"type": "plain_text", "text": "Stay"},
    "style": "danger",
}
BLOCKS = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Everything*"}},
    {
        "type": "actions",
        "block_id": "row",
        "elements": [
            {
                "type": "button",
                "action_id": "back",
                "value": "7",
                "confirm": CONFIRM,
                "text": {"type": "plain_text", "text": "Back"},
            },
            {
                "type": "static_select",
                "action_id": "pick",
                "options": OPTIONS,
                "placeholder": {"type": "plain_text", "text": "Pick"},
            },
            {"type": "overflow", "action_id": "more", "options": OPTIONS},
            {"type": "datepicker", "action_id": "when"},
            {"type": "checkboxes", "action_id": "ticks", "options": OPTIONS},
        ],
    },
]


class Recorder(BaseHTTPRequestHandler):
    payloads: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        verified = SignatureVerifier(SECRET).is_valid_request(body, dict(self.headers))
        payload = json.loads(parse_qs(body.decode())["payload"][0])
        self.payloads.append({**payload, "verified": verified})
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorded(browser) -> Iterator[tuple[Page, list[dict]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Recorder.payloads = []
    url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    with Playground(signing_secret=SECRET, events_url=url) as playground:
        web = WebClient(token=playground.token, base_url=playground.base_url)
        web.chat_postMessage(channel="C1", text="everything", blocks=BLOCKS)
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(playground.url + "?user=U2")
        yield page, Recorder.payloads
        context.close()
    server.shutdown()
    server.server_close()


def wait_for(page: Page, payloads: list[dict], count: int) -> dict:
    """The ``count``-th payload, once the app has received it (up to 5 s)."""
    for _ in range(100):
        if len(payloads) >= count:
            return payloads[count - 1]
        page.wait_for_timeout(50)
    raise AssertionError(f"{len(payloads)} payloads, wanted {count}")


def test_each_element_sends_what_slack_sends(recorded) -> None:
    page, payloads = recorded
    message = page.locator(".msg", has_text="Everything")
    message.get_by_role("button", name="Back").click()
    page.locator(".dialog .deny").click()  # the confirm dialog: Stay sends nothing
    message.get_by_role("button", name="Back").click()
    page.locator(".dialog .yes").click()
    sent = wait_for(page, payloads, 1)
    assert sent["verified"] and sent["type"] == "block_actions" and sent["user"]["id"] == "U2"
    assert sent["container"]["type"] == "message" and sent["channel"]["id"] == "C1"
    [action] = sent["actions"]
    assert (action["type"], action["action_id"], action["block_id"], action["value"]) == (
        "button",
        "back",
        "row",
        "7",
    )
    message.locator("select").select_option("two")
    [action] = wait_for(page, payloads, 2)["actions"]
    assert action["type"] == "static_select" and action["selected_option"]["value"] == "two"
    message.locator(".bk-overflow-button").click()
    page.locator(".menu.floating .menu-item", has_text="One").click()
    [action] = wait_for(page, payloads, 3)["actions"]
    assert action["type"] == "overflow" and action["selected_option"]["value"] == "one"
    message.locator("input[type=date]").fill("2026-12-24")
    [action] = wait_for(page, payloads, 4)["actions"]
    assert action["type"] == "datepicker" and action["selected_date"] == "2026-12-24"
    message.get_by_label("Two").check()
    [action] = wait_for(page, payloads, 5)["actions"]
    assert action["type"] == "checkboxes" and action["selected_options"] == [OPTIONS[1]]
    assert len(payloads) == 5
