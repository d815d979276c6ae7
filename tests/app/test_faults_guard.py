"""Issue 13, item 5: malformed requests. Unsigned or badly signed → 401 before anything is
parsed; signed but not something Slack sends → 400; never a 500, never a traceback."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest

from bot import ids
from slackkit.client import FORM, JSON_TYPE

MALFORMED = [
    pytest.param(b"payload=%7Bnot-json", FORM, id="payload-not-json"),
    pytest.param(b"payload=%5B%5D", FORM, id="payload-list"),
    pytest.param(b"payload=null", FORM, id="payload-null"),
    pytest.param(b"\xff\xfe\xfa", FORM, id="raw-bytes"),
    pytest.param(b"payload=%FF%FE", FORM, id="payload-bad-utf8"),
    pytest.param(
        urlencode({"payload": json.dumps({"type": "block_actions", "actions": []})}).encode(),
        FORM,
        id="empty-actions",
    ),
    pytest.param(
        urlencode(
            {
                "payload": json.dumps(
                    {
                        "type": "view_submission",
                        "user": {"id": "U1", "team_id": "T1"},
                        "team": {"id": "T1"},
                        "view": {"id": "V1", "callback_id": ids.VIEW_NEW_DEAL},
                    }
                )
            }
        ).encode(),
        FORM,
        id="view-without-type",
    ),
    pytest.param(
        urlencode(
            {
                "payload": json.dumps(
                    {
                        "type": "block_actions",
                        "user": {"id": "U1"},
                        "team": {"id": "T1"},
                        "actions": ["advance"],
                    }
                )
            }
        ).encode(),
        FORM,
        id="action-not-an-object",
    ),
    pytest.param(b"command=%2Fprospect&text=Acme", FORM, id="command-without-user"),
    pytest.param(b"just words", FORM, id="not-a-form"),
    pytest.param(b"{not json", JSON_TYPE, id="event-not-json"),
    pytest.param(b'{"type": "event_callback", "event": []}', JSON_TYPE, id="event-list"),
    pytest.param(b"[]", JSON_TYPE, id="json-list"),
]


def app_calls(fake) -> list[str]:
    """Web API calls made for requests (``auth.test`` runs once when the app starts)."""
    return [c.method for c in fake.calls if c.method != "auth.test"]


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
def test_unsigned_malformed_requests_get_401_first(slack, fake, body, content_type):
    for headers in (
        {},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"},
    ):
        resp = slack.raw(body, {"Content-Type": content_type, **headers})
        assert resp.status == 401, (headers, resp.status, resp.text)
        assert "Traceback" not in resp.text
    assert app_calls(fake) == []  # nothing was parsed far enough to call Slack


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
def test_signed_malformed_requests_get_400(slack, fake, body, content_type):
    resp = slack.raw(body, {"Content-Type": content_type, **slack.sign(body)})
    assert resp.status == 400, (resp.status, resp.text)
    assert "Traceback" not in resp.text and "Internal" not in resp.text
    assert app_calls(fake) == []


def test_a_stale_signature_is_refused_even_when_well_formed(slack):
    body = urlencode({"command": ids.CMD_PIPELINE, "text": "", "team_id": "T1"}).encode()
    resp = slack.raw(body, {"Content-Type": FORM, **slack.sign(body, int(time.time()) - 301)})
    assert resp.status == 401


def test_well_formed_requests_still_pass(slack, fake):
    assert slack.command(ids.CMD_PIPELINE, "help").status == 200
    assert slack.url_verification("abc").json == {"challenge": "abc"}
    assert slack.app_home_opened("U1").status == 200
    fake.wait_for("views.publish")
    body = b"ssl_check=1&token=x"
    assert slack.raw(body, {"Content-Type": FORM, **slack.sign(body)}).status == 200


def test_the_health_route_is_not_behind_the_signature(running):
    import urllib.request  # here: only this test reads the health route

    with urllib.request.urlopen(running.base + "/healthz", timeout=10) as reply:
        assert reply.status == 200


def test_a_command_that_says_payload_is_answered(slack, running):
    """Found by the fuzzer: Bolt took any form body containing the word "payload" for an
    interactivity payload, and the command went unanswered (404)."""
    resp = slack.command(ids.CMD_PROSPECT, "payload corp 5jt")
    assert resp.status == 200 and "Added *payload corp*" in str(resp.json)
