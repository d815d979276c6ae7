"""The playground's server without a browser: loopback only, its config from manifest.yml,
the long poll waking on a change, and requests that must be refused."""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient

from slackkit.playground import Playground

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


@pytest.fixture
def playground() -> Iterator[Playground]:
    with Playground(signing_secret="s", manifest_path=MANIFEST) as running:
        yield running


def get(playground: Playground, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(playground.root_url + path) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_serves_the_page_on_loopback_only(playground: Playground) -> None:
    assert playground._server.server_address[0] == "127.0.0.1"
    status, page = get(playground, "/")
    assert status == 200 and b"playground.js" in page
    assert get(playground, "/static/playground.css")[0] == 200
    assert get(playground, "/static/..%2Fplayground.py")[0] == 404
    assert get(playground, "/static/../playground.py")[0] == 404


def test_config_comes_from_the_manifest(playground: Playground) -> None:
    config = json.loads(get(playground, "/pg/config")[1])
    prospect = next(c for c in config["commands"] if c["command"] == "/prospect")
    assert prospect["usage_hint"] == "[name value source @owner] | help"
    assert [s["name"] for s in config["global_shortcuts"]] == ["Log meeting"]
    assert [s["name"] for s in config["message_shortcuts"]] == ["Add to deal"]
    assert config["app"]["name"] == "Salespath" and not config["jobs"]
    assert [c["name"] for c in config["channels"]] == ["sales", "sales-managers"]
    admins = [p["id"] for p in config["people"] if playground.users[p["id"]].is_admin]
    assert len(config["people"]) == 4 and admins == ["UADMIN"]


def test_the_long_poll_wakes_when_something_changes(playground: Playground) -> None:
    since = json.loads(get(playground, "/pg/state?user=U1&pane=C1")[1])["revision"]
    web = WebClient(token=playground.token, base_url=playground.base_url)
    threading.Timer(0.3, lambda: web.chat_postMessage(channel="C1", text="hello")).start()
    started = time.monotonic()
    state = json.loads(get(playground, f"/pg/state?user=U1&pane=C1&since={since}")[1])
    assert time.monotonic() - started < 5
    assert state["revision"] > since and "hello" in state["pane"]["messages"][-1]["html"]


def test_gestures_name_a_known_user(playground: Playground) -> None:
    body = json.dumps({"user": "U404", "channel": "C1", "text": "hi"}).encode()
    request = urllib.request.Request(playground.root_url + "/pg/send", data=body, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 400


def test_a_file_picked_in_a_modal_is_uploaded_for_the_app_to_fetch(playground: Playground) -> None:
    data = b"Deal,Value\nAcme,50jt\n"
    body = json.dumps(
        {"user": "U1", "name": "deals.csv", "data": base64.b64encode(data).decode()}
    ).encode()
    request = urllib.request.Request(playground.root_url + "/pg/upload", data=body, method="POST")
    with urllib.request.urlopen(request) as reply:
        file = json.loads(reply.read())["file"]
    assert file["name"] == "deals.csv" and file["size"] == len(data)
    web = WebClient(token="xoxb-playground", base_url=playground.base_url)
    assert web.files_info(file=file["id"])["file"]["url_private_download"]
    private = urllib.request.Request(
        file["url_private_download"], headers={"Authorization": "Bearer xoxb-playground"}
    )
    with urllib.request.urlopen(private) as reply:
        assert reply.read() == data
    assert get(playground, f"/files/{file['id']}")[0] == 403  # no token: not served
