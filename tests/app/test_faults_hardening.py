"""Issue 13, item 10: nothing the app reads back from Slack is trusted more than it should be
— a modal's metadata is the app's own (sealed), a URL is only ever Slack's response_url, a
link shown is only an https one — and user text never turns into a mention or a broadcast
in anything the app posts (mrkdwn escaped, in blocks and fallback text)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bot import ids
from tests.app.faults import count
from tests.factories import NOW, add_manager, make_deal

HOSTILE = "Acme <!here> <!subteam^S1|@sales> <!channel> <@U2> & co"


def submit_planted(slack, fake, view: dict, answers: dict, **changes):
    """Submit ``view`` with its private_metadata rewritten, as a forged request carries it."""
    payload = slack.view_submission_payload(view, answers)
    _tag, _, text = payload["view"]["private_metadata"].partition(".")
    payload["view"]["private_metadata"] = json.dumps({**json.loads(text), **changes})
    return slack.interactive(payload)


class Catcher:
    """An HTTP server that records whether anything called it."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        catcher = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                catcher.hits.append(self.path)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/steal"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_planted_response_url_is_never_called(slack, fake, running):
    """The checklist modal's metadata carried the gate message's response_url (``r``): a
    forged one must not make the app POST anywhere."""
    make_deal(running.services.db, name="Acme", owner_id="U1")
    slack.command(ids.CMD_SPIN, "Acme")
    view = fake.wait_for("views.update")[-1].params["view"]
    catcher = Catcher()
    try:
        then = {"kw": None, "r": "", "f": None}
        answers = {"situation_learned": "Budget is tight"}
        resp = submit_planted(slack, fake, view, answers, r=catcher.url, then=then)
        assert resp.status == 200
        assert "can't be read" in json.dumps(resp.json)  # not the app's own metadata
        # even sealed by the app itself, a URL that is not Slack's is never called
        assert catcher.hits == []
    finally:
        catcher.close()


def test_a_planted_link_is_refused_and_links_are_only_https(slack, fake, running):
    make_deal(running.services.db, name="Acme", owner_id="U1")
    slack.message_shortcut(ids.SHORTCUT_ADD_TO_DEAL, message={"text": "hi", "user": "U2"})
    view = fake.wait_for("views.update")[-1].params["view"]
    answers = {ids.BLOCK_DEAL: "1", ids.BLOCK_NOTES: "hi"}
    resp = submit_planted(slack, fake, view, answers, l="javascript:alert(1)")
    assert "can't be read" in json.dumps(resp.json)
    assert count_notes(running) == 0


def count_notes(running) -> int:
    return count(running.services.db, "select count(*) from activity")


def test_a_hostile_deal_name_never_pings_anyone(slack, fake, running):
    """A deal named with <!here>, a user group and a mention, shown everywhere the app shows
    deal names: always escaped (no broadcast, no ping), in blocks and in fallback text."""
    db = running.services.db
    add_manager(db, "UADMIN")
    deal_id = make_deal(db, name=HOSTILE, owner_id="U1", now=NOW)
    fake.join_channel("C9")
    answers = [
        slack.command(ids.CMD_PIPELINE, ""),
        slack.command(ids.CMD_PIPELINE, "team", user_id="UADMIN"),
        slack.command(ids.CMD_PIPELINE, "Acme"),
        slack.command(ids.CMD_PIPELINE, "Acme history"),
        slack.command(ids.CMD_ADVANCE, "Acme"),
        slack.command(ids.CMD_ADVANCE, "Acme to probing", user_id="U2"),
        slack.command(ids.CMD_ADVANCE, "Acme lost price"),
        slack.command(ids.CMD_PROSPECT, HOSTILE),
    ]
    slack.block_action(ids.ACTION_OPEN_CARD, value=str(deal_id), action_type="button")
    slack.app_home_opened("U1")
    slack.command(ids.CMD_DIGEST, "now", channel_id="C9", user_id="UADMIN")
    fake.wait_for("views.publish")
    fake.wait_for("files.completeUploadExternal", timeout=30)
    sent = [a.json for a in answers] + [c.params for c in fake.calls]
    found = live_mentions(sent)
    assert not found, found


def live_mentions(sent: list) -> list[str]:
    """Where the planted mentions stand live (not escaped) in mrkdwn the app sent, with the
    text around them."""
    return [
        text[max(0, at - 60) : at + 20]
        for payload in sent
        for text in mrkdwn_texts(payload)
        for raw in ("<!here>", "<!subteam", "<!channel>", "<@U2> & co")
        if (at := text.find(raw)) >= 0
    ]


def mrkdwn_texts(node) -> list[str]:
    """Every text Slack reads as mrkdwn: a message's ``text`` (notifications, fallback) and
    mrkdwn objects; plain_text objects (headers, buttons) show ``<!here>`` as it is."""
    out: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "plain_text":
            return out
        if isinstance(node.get("text"), str):
            out.append(node["text"])
        for key, value in node.items():
            if key != "text" or not isinstance(value, str):
                out += mrkdwn_texts(value)
    elif isinstance(node, list):
        for item in node:
            out += mrkdwn_texts(item)
    return out
