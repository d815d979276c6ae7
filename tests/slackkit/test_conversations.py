"""What each channel shows in the local Slack (``FakeSlack.conversations``): posts, edits,
deletions, ephemerals, response_url replies, shared files and command acks — the state the
playground draws, kept by the same fake the end-to-end tests use."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from slackkit import FakeSlack, SlackClient


def texts(fake: FakeSlack, channel: str, user: str | None = None) -> list[str]:
    return [p.message.get("text", "") for p in fake.conversations.visible(channel, user)]


def test_posts_edits_and_deletions_show_like_slack(fake: FakeSlack, web: WebClient) -> None:
    first = web.chat_postMessage(channel="C1", text="v1")
    web.chat_postMessage(channel="C1", text="other")
    web.chat_update(channel="C1", ts=first["ts"], text="v2")
    assert texts(fake, "C1") == ["v2", "other"]
    web.chat_delete(channel="C1", ts=first["ts"])
    assert texts(fake, "C1") == ["other"]


def test_ephemeral_is_seen_only_by_its_user(fake: FakeSlack, web: WebClient) -> None:
    web.chat_postEphemeral(channel="C1", user="U1", text="psst")
    assert texts(fake, "C1", "U1") == ["psst"]
    assert texts(fake, "C1", "U2") == []
    assert fake.conversations.visible("C1", "U1")[0].ephemeral


def test_a_dm_by_user_id_lands_in_their_im(fake: FakeSlack, web: WebClient) -> None:
    web.chat_postMessage(channel="U2", text="reminder")
    assert texts(fake, "DU2") == ["reminder"]


def test_response_url_replaces_or_deletes_the_message_acted_on(
    fake: FakeSlack, web: WebClient
) -> None:
    ts = web.chat_postMessage(channel="C1", text="card")["ts"]
    url = fake.new_response_url(channel_id="C1", user_id="U1", message_ts=ts)
    WebhookClient(url).send(text="card, moved", replace_original=True)
    assert texts(fake, "C1") == ["card, moved"]
    WebhookClient(url).send(text="a note", replace_original=False)
    assert texts(fake, "C1", "U1") == ["card, moved", "a note"]
    assert texts(fake, "C1", "U2") == ["card, moved"]  # ephemeral unless in_channel
    WebhookClient(url).send(delete_original=True)
    assert texts(fake, "C1", "U1") == ["a note"]


def test_response_url_of_a_command_posts_a_new_message(fake: FakeSlack) -> None:
    url = fake.new_response_url(channel_id="C1", user_id="U1")
    WebhookClient(url).send(text="for all", response_type="in_channel")
    assert texts(fake, "C1", "U2") == ["for all"]


def test_a_file_shared_to_a_channel_shows_and_is_served(fake: FakeSlack, web: WebClient) -> None:
    png = b"\x89PNG\r\n\x1a\nfake"
    web.files_upload_v2(channel="C1", file=png, filename="chart.png", title="Funnel")
    [posted] = fake.conversations.visible("C1")
    [shared] = posted.message["files"]
    assert (shared["title"], shared["mimetype"]) == ("Funnel", "image/png")
    with urllib.request.urlopen(shared["url_private"]) as reply:
        assert reply.read() == png and reply.headers["Content-Type"] == "image/png"


class _Acks(BaseHTTPRequestHandler):
    body: ClassVar[dict] = {}

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        data = json.dumps(self.body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def app_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Acks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("ack", "seen_by_u1", "seen_by_u2"),
    [
        ({"text": "only you"}, ["only you"], []),
        (
            {"text": "everyone", "response_type": "in_channel"},
            ["/pipeline team", "everyone"],
            ["/pipeline team", "everyone"],
        ),
        ({}, [], []),
    ],
)
def test_a_command_ack_shows_like_slack(fake, app_url, ack, seen_by_u1, seen_by_u2) -> None:
    _Acks.body = ack
    SlackClient(app_url, "secret", fake).command("/pipeline", "team", user_id="U1")
    assert texts(fake, "C1", "U1") == seen_by_u1
    assert texts(fake, "C1", "U2") == seen_by_u2


def test_views_belong_to_who_opened_them(fake: FakeSlack, web: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": []}
    web.views_open(trigger_id=fake.new_trigger_id(user_id="U2"), view=view)
    assert [v["title"]["text"] for v in fake.open_views(user_id="U2")] == ["Hi"]
    assert fake.open_views(user_id="U1") == []
