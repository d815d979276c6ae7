"""Self-tests of the Slack test kit: the fake answers like Slack, the client signs like Slack,
forms fill like Slack's client, and Socket Mode round-trips with slack_sdk and Bolt."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.builtin.client import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.webhook import WebhookClient

from slackkit import (
    FakeSlack,
    FormError,
    SlackClient,
    SocketModeStub,
    all_text,
    block_problems,
    state_for,
)

SECRET = "kit-secret"

MODAL = {
    "type": "modal",
    "callback_id": "deal_modal",
    "private_metadata": "42",
    "title": {"type": "plain_text", "text": "New deal"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "name",
            "label": {"type": "plain_text", "text": "Name"},
            "element": {"type": "plain_text_input", "action_id": "v", "max_length": 20},
        },
        {
            "type": "input",
            "block_id": "stage",
            "optional": True,
            "label": {"type": "plain_text", "text": "Stage"},
            "element": {
                "type": "static_select",
                "action_id": "v",
                "options": [
                    {"text": {"type": "plain_text", "text": "Prospecting"}, "value": "p"},
                    {"text": {"type": "plain_text", "text": "Closing"}, "value": "c"},
                ],
            },
        },
    ],
}


def _opt(value: str, label: str | None = None) -> dict:
    return {"text": {"type": "plain_text", "text": label or value.title()}, "value": value}


def _input(block_id: str, element: dict, *, optional: bool = True) -> dict:
    label = {"type": "plain_text", "text": block_id}
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": label,
        "element": {"action_id": "a", **element},
    }


# --- fixtures ---------------------------------------------------------------------------


class _Echo(ThreadingHTTPServer):
    """Records what arrives and answers 200 with an empty body."""

    def __init__(self) -> None:
        self.seen: list[tuple[dict[str, str], bytes]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.seen.append((dict(self.headers.items()), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def echo() -> Iterator[_Echo]:
    server = _Echo()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def echo_client(echo: _Echo, fake: FakeSlack) -> SlackClient:
    return SlackClient(f"http://127.0.0.1:{echo.server_address[1]}/slack/events", SECRET, fake)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def _bolt_app(fake: FakeSlack) -> App:
    app = App(
        signing_secret=SECRET,
        client=WebClient(base_url=fake.base_url, token="xoxb-test"),
    )

    @app.command("/deal")
    def deal(ack, body, client, respond):  # type: ignore[no-untyped-def]
        if body["text"] == "later":
            ack()
            respond(text="Done later", response_type="in_channel")
            return
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view("deal_modal")
    def save(ack, view, body):  # type: ignore[no-untyped-def]
        values = view["state"]["values"]
        name = values["name"]["v"]["value"]
        if name == "bad":
            ack(response_action="errors", errors={"name": "Bad name"})
            return
        stage = values["stage"]["v"]["selected_option"]
        text = f"{name}/{stage['value'] if stage else '-'}/{view['private_metadata']}"
        ack()
        app.client.chat_postMessage(channel=body["user"]["id"], text=text)

    @app.action("advance")
    def advance(ack, body, respond):  # type: ignore[no-untyped-def]
        ack()
        respond(text=f"Advanced {body['actions'][0]['value']}", replace_original=True)

    @app.options("company")
    def companies(ack, payload):  # type: ignore[no-untyped-def]
        ack(options=[_opt("acme-1", f"{payload['value']} Corp")])

    @app.action("recalc")
    def recalc(ack, body, client):  # type: ignore[no-untyped-def]
        ack()
        name = body["view"]["state"]["values"]["name"]["v"]["value"]
        blocks = [*MODAL["blocks"], _section(f"Name so far: {name}")]
        client.views_update(
            view_id=body["view"]["id"], hash=body["view"]["hash"], view={**MODAL, "blocks": blocks}
        )

    @app.event("app_home_opened")
    def home(event, client):  # type: ignore[no-untyped-def]
        home_view = {"type": "home", "blocks": [_section("Hello " + event["user"])]}
        client.views_publish(user_id=event["user"], view=home_view)

    return app


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


@pytest.fixture
def bolt(fake: FakeSlack) -> Iterator[SlackClient]:
    server = make_server(
        "127.0.0.1",
        0,
        SlackRequestHandler(_bolt_app(fake)),
        server_class=_ThreadingWSGIServer,
        handler_class=_Quiet,
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield SlackClient(f"http://127.0.0.1:{server.server_port}/slack/events", SECRET, fake)
    server.shutdown()
    server.server_close()
    thread.join()


# --- the fake Web API -------------------------------------------------------------------


def test_web_client_calls_succeed_and_are_recorded(fake: FakeSlack, web: WebClient) -> None:
    auth = web.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T1", "UBOT", "BBOT")
    assert auth["is_enterprise_install"] is False
    blocks = [_section("*Hi*")]
    posted = web.chat_postMessage(channel="C1", text="hi", blocks=blocks)
    assert posted["channel"] == "C1" and posted["ts"] and posted["message"]["text"] == "hi"
    call = fake.last("chat.postMessage")
    assert call.params["blocks"] == blocks and call.team_id == "T1" and not call.failed
    assert call.headers["authorization"] == "Bearer xoxb-test"
    web.chat_update(channel="C1", ts=posted["ts"], text="edited")
    assert web.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]
    dm = web.conversations_open(users="U2")["channel"]["id"]
    assert dm == "D" + "U2"
    assert web.chat_postMessage(channel=dm, text="dm")["channel"] == "DU2"
    assert [c.method for c in fake.calls] == [
        "auth.test",
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "conversations.open",
        "chat.postMessage",
    ]
    assert [m["method"] for m in fake.messages()] == [
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.postMessage",
    ]
    [ephemeral] = [m for m in fake.messages("C1") if m["ephemeral"]]
    assert ephemeral["text"] == "psst" and ephemeral["blocks"] == []
    fake.clear()
    assert not fake.calls and not fake.messages()


def test_form_encoded_blocks_are_decoded(fake: FakeSlack) -> None:
    import urllib.request

    blocks = [_section("form")]
    body = f"channel=C1&text=x&blocks={json.dumps(blocks)}".encode()
    request = urllib.request.Request(
        fake.base_url + "chat.postMessage",
        data=body,
        headers={"Authorization": "Bearer xoxb-test"},
    )
    with urllib.request.urlopen(request) as reply:
        assert json.loads(reply.read())["ok"] is True
    assert fake.last("chat.postMessage").params["blocks"] == blocks


def test_auth_errors_and_unknown_methods(fake: FakeSlack) -> None:
    bad = WebClient(base_url=fake.base_url, token="xoxb-nope")
    with pytest.raises(SlackApiError) as info:
        bad.auth_test()
    assert info.value.response["error"] == "invalid_auth"
    web = WebClient(base_url=fake.base_url, token="xoxb-test")
    with pytest.raises(SlackApiError) as info:
        web.api_call("deals.frobnicate")
    assert info.value.response["error"] == "unknown_method"
    assert fake.last("deals.frobnicate")
    with pytest.raises(SlackApiError) as info:
        WebClient(base_url=fake.base_url, token="xapp-test").auth_test()
    assert info.value.response["error"] == "not_allowed_token_type"


def test_users_info_has_slack_shape(fake: FakeSlack, web: WebClient) -> None:
    user = web.users_info(user="U1")["user"]
    assert user["tz"] == "Asia/Jakarta" and user["tz_offset"] == 7 * 3600
    assert "locale" not in user and user["is_admin"] is False and user["is_bot"] is False
    assert user["profile"]["display_name"] == user["name"]
    fake.add_user("U5", tz="America/New_York", locale="id-ID", is_owner=True, name="budi")
    user = web.users_info(user="U5", include_locale=True)["user"]
    assert user["locale"] == "id-ID" and user["is_owner"] and user["name"] == "budi"
    assert user["tz_offset"] in (-5 * 3600, -4 * 3600)
    assert web.users_info(user="UADMIN")["user"]["is_admin"] is True
    with pytest.raises(SlackApiError) as info:
        web.users_info(user="UNOPE")
    assert info.value.response["error"] == "user_not_found"


def test_channel_membership(fake: FakeSlack, web: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        web.chat_postMessage(channel="C9", text="hi")
    assert info.value.response["error"] == "not_in_channel"
    fake.join_channel("C9", "sales")
    assert web.chat_postMessage(channel="C9", text="hi")["ok"]
    assert web.conversations_info(channel="C9")["channel"]["name"] == "sales"
    with pytest.raises(SlackApiError) as info, pytest.warns(UserWarning):
        web.chat_postMessage(channel="C1", text="")
    assert info.value.response["error"] == "no_text"


def test_block_kit_limits_are_enforced(fake: FakeSlack, web: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        web.chat_postMessage(channel="C1", text="x", blocks=[_section("x" * 3001)])
    assert info.value.response["error"] == "invalid_blocks"
    assert "3001" in info.value.response["response_metadata"]["messages"][0]
    assert block_problems([_section("ok")] * 51, limit=50)
    assert block_problems([{**_section("a"), "block_id": "x"}] * 2)
    too_long = {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}
    with pytest.raises(SlackApiError) as info:
        web.views_open(trigger_id=fake.new_trigger_id(), view=too_long)
    assert info.value.response["error"] == "invalid_arguments"


def test_multi_workspace_calls_record_their_team(fake: FakeSlack) -> None:
    fake.add_team("T2", "xoxb-two")
    fake.add_user("U9", team_id="T2")
    web = WebClient(base_url=fake.base_url, token="xoxb-two")
    assert web.auth_test()["team_id"] == "T2"
    assert fake.last("auth.test").team_id == "T2"
    fake.add_team("T3", "xoxb-test")  # one token serving two teams: the params decide
    fake.add_user("U7", team_id="T3")
    shared = WebClient(base_url=fake.base_url, token="xoxb-test")
    shared.chat_postEphemeral(channel="C1", user="U7", text="x")
    assert fake.last("chat.postEphemeral").team_id == "T3"


# --- failures ---------------------------------------------------------------------------


def test_429_with_retry_after_reaches_slack_sdk(fake: FakeSlack, web: WebClient) -> None:
    fake.fail_next("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as info:
        web.chat_postMessage(channel="C1", text="hi")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] in ("7", ["7"])
    assert info.value.response["error"] == "ratelimited"
    assert fake.last("chat.postMessage").failed is True
    assert web.chat_postMessage(channel="C1", text="hi")["ok"]  # only the next one failed


def test_429_is_retried_by_rate_limit_handler(fake: FakeSlack) -> None:
    web = WebClient(
        base_url=fake.base_url,
        token="xoxb-test",
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    fake.fail_next("chat.postMessage", retry_after=0, times=2)
    started = time.monotonic()
    assert web.chat_postMessage(channel="C1", text="hi")["ok"]
    assert time.monotonic() - started < 3
    assert [c.failed for c in fake.calls_to("chat.postMessage")] == [True, True, False]
    assert len(fake.messages()) == 1


def test_5xx_and_set_error(fake: FakeSlack) -> None:
    web = WebClient(base_url=fake.base_url, token="xoxb-test")
    fake.fail_next("users.info", status=503)
    with pytest.raises(SlackApiError) as info:
        web.users_info(user="U1")
    assert info.value.response.status_code == 503
    retrying = WebClient(
        base_url=fake.base_url,
        token="xoxb-test",
        retry_handlers=[ServerErrorRetryHandler(max_retry_count=1)],
    )
    fake.fail_next("users.info", status=500)
    assert retrying.users_info(user="U1")["ok"]
    fake.set_error("chat.postMessage", "channel_is_archived")
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            web.chat_postMessage(channel="C1", text="x")
        assert info.value.response.status_code == 200
        assert info.value.response["error"] == "channel_is_archived"
    fake.clear_error("chat.postMessage")
    assert web.chat_postMessage(channel="C1", text="x")["ok"]


def test_wait_for_blocks_then_reports_what_was_called(fake: FakeSlack, web: WebClient) -> None:
    timer = threading.Timer(0.1, lambda: web.chat_postMessage(channel="C1", text="late"))
    timer.start()
    [call] = fake.wait_for("chat.postMessage", timeout=3)
    assert call.params["text"] == "late"
    with pytest.raises(AssertionError, match=r"views\.open.*chat\.postMessage"):
        fake.wait_for("views.open", timeout=0.1)
    with pytest.raises(AssertionError, match=r"no call to views\.publish"):
        fake.last("views.publish", timeout=0.05)


# --- views and triggers -----------------------------------------------------------------


def test_trigger_ids_expire_are_single_use_and_must_exist(fake: FakeSlack, web: WebClient) -> None:
    fake.trigger_ttl = 0.2
    trigger = fake.new_trigger_id()
    view = web.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert view["id"].startswith("V") and view["root_view_id"] == view["id"]
    assert view["state"] == {"values": {}} and view["hash"] and view["previous_view_id"] is None
    assert view["callback_id"] == "deal_modal" and view["app_id"] == "A1"
    assert fake.last("views.open").params["view"] == MODAL  # recorded as the app sent it
    for trigger_id, error in [
        (trigger, "exchanged_trigger_id"),
        ("123.456.nope", "invalid_trigger_id"),
    ]:
        with pytest.raises(SlackApiError) as info:
            web.views_open(trigger_id=trigger_id, view=MODAL)
        assert info.value.response["error"] == error
    stale = fake.new_trigger_id()
    time.sleep(0.25)
    with pytest.raises(SlackApiError) as info:
        web.views_open(trigger_id=stale, view=MODAL)
    assert info.value.response["error"] == "expired_trigger_id"


def test_views_update_push_and_publish(fake: FakeSlack, web: WebClient) -> None:
    first = web.views_open(trigger_id=fake.new_trigger_id(), view={**MODAL, "external_id": "e1"})
    view_id, old_hash = first["view"]["id"], first["view"]["hash"]
    updated = web.views_update(view_id=view_id, hash=old_hash, view=MODAL)["view"]
    assert updated["id"] == view_id and updated["hash"] != old_hash
    with pytest.raises(SlackApiError) as info:
        web.views_update(view_id=view_id, hash=old_hash, view=MODAL)
    assert info.value.response["error"] == "hash_conflict"
    assert web.views_update(external_id="e1", view=MODAL)["view"]["id"] == view_id
    with pytest.raises(SlackApiError) as info:
        web.views_update(view_id="VNOPE", view=MODAL)
    assert info.value.response["error"] == "not_found"
    pushed = web.views_push(trigger_id=fake.new_trigger_id(view_id=view_id), view=MODAL)["view"]
    assert (pushed["root_view_id"], pushed["previous_view_id"]) == (view_id, view_id)
    web.views_push(trigger_id=fake.new_trigger_id(view_id=pushed["id"]), view=MODAL)
    with pytest.raises(SlackApiError) as info:
        web.views_push(trigger_id=fake.new_trigger_id(view_id=view_id), view=MODAL)
    assert info.value.response["error"] == "push_limit_reached"
    home = {"type": "home", "blocks": [_section("Pipeline")]}
    assert web.views_publish(user_id="U1", view=home)["view"]["type"] == "home"
    assert all_text(fake.home_view("U1")) == "Pipeline"
    assert fake.home_view("U2") is None


# --- response_url and files -------------------------------------------------------------


def test_response_url_like_slack(fake: FakeSlack) -> None:
    url = fake.new_response_url(channel_id="C1", user_id="U1")
    hook = WebhookClient(url)
    reply = hook.send(text="Updated", response_type="in_channel", replace_original=True)
    assert (reply.status_code, reply.body) == (200, "ok")
    [call] = fake.calls_to("response_url")
    assert call.params["replace_original"] is True and call.team_id == "T1"
    [message] = fake.messages("C1")
    assert message["method"] == "response_url" and message["ephemeral"] is False
    assert fake.responses() == [call.params]
    assert hook.send(text="").status_code == 400
    for _ in range(4):
        assert hook.send(text="again").status_code == 200
    assert (hook.send(text="sixth").status_code, fake.calls[-1].method) == (404, "response_url")
    fake.fail_next("response_url", status=500)
    assert WebhookClient(fake.new_response_url()).send(text="x").status_code == 500


def test_files_upload_v2_round_trip(fake: FakeSlack, web: WebClient) -> None:
    done = web.files_upload_v2(
        channel="C1",
        content=b"a,b\n1,2\n",
        filename="deals.csv",
        title="Deals",
        initial_comment="Export",
    )
    assert done["file"]["name"] == "deals.csv"
    [(file_id, filename, data, complete)] = fake.uploaded_files()
    assert (filename, data) == ("deals.csv", b"a,b\n1,2\n")
    assert complete is not None and complete["channel_id"] == "C1"
    assert complete["files"] == [{"id": file_id, "title": "Deals"}]
    assert complete["initial_comment"] == "Export"


# --- all_text ---------------------------------------------------------------------------


def test_all_text_flattens_every_visible_text() -> None:
    payload = {
        "text": "fallback",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Head"}},
            {"type": "section", "fields": [{"type": "mrkdwn", "text": "F1"}]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "Ctx"}]},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Btn"},
                        "value": "secret-value",
                    }
                ],
            },
        ],
    }
    shown = all_text(payload)
    for part in ("fallback", "Head", "F1", "Ctx", "Btn"):
        assert part in shown
    assert "secret-value" not in shown and all_text(None) == ""


# --- forms ------------------------------------------------------------------------------


def test_state_for_builds_each_element_shape() -> None:
    options = [_opt("a"), _opt("b", "Bee")]
    view = {
        "blocks": [
            _input("text", {"type": "plain_text_input"}),
            _input("num", {"type": "number_input", "is_decimal_allowed": False}),
            _input("sel", {"type": "static_select", "options": options}),
            _input("grp", {"type": "static_select", "option_groups": [{"options": options}]}),
            _input("ext", {"type": "external_select"}),
            _input("multi", {"type": "multi_static_select", "options": options}),
            _input("checks", {"type": "checkboxes", "options": options}),
            _input("radio", {"type": "radio_buttons", "options": options}),
            _input("user", {"type": "users_select"}),
            _input("users", {"type": "multi_users_select"}),
            _input("conv", {"type": "conversations_select"}),
            _input("chan", {"type": "channels_select"}),
            _input("date", {"type": "datepicker"}),
            _input("time", {"type": "timepicker"}),
            _input("empty", {"type": "plain_text_input"}),
            _input("kept", {"type": "plain_text_input", "initial_value": "old"}),
            _input(
                "cleared",
                {"type": "static_select", "options": options, "initial_option": options[0]},
            ),
        ]
    }
    answers = {
        "text": "hi",
        "num": 5,
        "sel": "b",
        "grp": "Bee",
        "ext": "acme-1",
        "multi": ["a", "b"],
        "checks": ["b"],
        "radio": "a",
        "user": "U2",
        "users": ["U1", "U2"],
        "conv": "C1",
        "chan": "C2",
        "date": "2026-12-20",
        "time": "09:30",
        "cleared": None,
    }
    v = {block: by_action["a"] for block, by_action in state_for(view, answers)["values"].items()}
    assert v["text"] == {"type": "plain_text_input", "value": "hi"}
    assert v["num"] == {"type": "number_input", "value": "5"}
    assert v["sel"]["selected_option"] == options[1] and v["grp"]["selected_option"] == options[1]
    assert v["ext"]["selected_option"]["value"] == "acme-1"
    assert v["multi"]["selected_options"] == options and v["checks"]["selected_options"] == [
        options[1]
    ]
    assert v["radio"] == {"type": "radio_buttons", "selected_option": options[0]}
    assert v["user"]["selected_user"] == "U2" and v["users"]["selected_users"] == ["U1", "U2"]
    assert v["conv"]["selected_conversation"] == "C1" and v["chan"]["selected_channel"] == "C2"
    assert v["date"]["selected_date"] == "2026-12-20" and v["time"]["selected_time"] == "09:30"
    assert v["empty"] == {"type": "plain_text_input", "value": None}
    assert v["kept"]["value"] == "old" and v["cleared"]["selected_option"] is None


def test_state_for_refuses_what_slack_would_not_submit() -> None:
    with pytest.raises(FormError, match="required"):
        state_for(MODAL, {"stage": "p"})
    with pytest.raises(FormError, match="max_length"):
        state_for(MODAL, {"name": "x" * 21})
    with pytest.raises(FormError, match="not an option"):
        state_for(MODAL, {"name": "Acme", "stage": "zzz"})
    with pytest.raises(FormError, match="no input for"):
        state_for(MODAL, {"name": "Acme", "nope": 1})
    number = {"blocks": [_input("n", {"type": "number_input", "is_decimal_allowed": False})]}
    with pytest.raises(FormError, match="whole number"):
        state_for(number, {"n": "lots"})
    assert state_for(MODAL, {"stage": "p"}, validate=False)["values"]["name"]["v"]["value"] is None


# --- the client against a raw endpoint --------------------------------------------------


def test_command_is_signed_and_shaped_like_slack(
    echo: _Echo, echo_client: SlackClient, fake: FakeSlack
) -> None:
    resp = echo_client.command("/deal", "Acme 10jt", user_id="U2")
    assert resp.status == 200 and resp.json is None and resp.elapsed > 0
    headers, body = echo.seen[-1]
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(body, headers)
    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    assert form["command"] == "/deal" and form["text"] == "Acme 10jt"
    assert (form["user_id"], form["team_id"], form["channel_id"]) == ("U2", "T1", "C1")
    assert form["trigger_id"] == resp.trigger_id and form["response_url"] == resp.response_url
    assert form["api_app_id"] == "A1" and form["is_enterprise_install"] == "false"
    assert "enterprise_id" not in form and form["team_domain"] and form["user_name"] == "rep.two"
    assert resp.response_url.startswith(fake.root_url + "/response/")
    again = echo_client.resend(resp, retry_num=2)
    headers2, body2 = echo.seen[-1]
    assert body2 == body and headers2["X-Slack-Retry-Num"] == "2"
    assert (
        headers2["X-Slack-Retry-Reason"] == "http_timeout" and again.trigger_id == resp.trigger_id
    )
    assert verifier.is_valid_request(body2, headers2)
    stale = echo_client.sign("x", timestamp=int(time.time()) - 400)
    assert not verifier.is_valid_request(b"x", stale)


def advance_actions(value: str, **block: str) -> dict:
    """An actions block with one "Advance" button (``advance``) valued ``value``."""
    button = {
        "type": "button",
        "action_id": "advance",
        "value": value,
        "text": {"type": "plain_text", "text": "Advance"},
    }
    return {"type": "actions", **block, "elements": [button]}


def test_interactive_and_event_payload_shapes(echo: _Echo, echo_client: SlackClient) -> None:
    message = {"text": "card", "blocks": [advance_actions("7", block_id="deal_actions")]}
    echo_client.block_action("advance", message=message)
    payload = json.loads(parse_qs(echo.seen[-1][1].decode())["payload"][0])
    assert payload["type"] == "block_actions" and payload["container"]["type"] == "message"
    [action] = payload["actions"]
    assert (action["type"], action["block_id"], action["value"]) == ("button", "deal_actions", "7")
    assert payload["message"]["ts"] == payload["container"]["message_ts"]
    assert payload["response_url"] and payload["trigger_id"] and payload["channel"]["id"] == "C1"
    assert payload["user"] == {
        "id": "U1",
        "username": "rep.one",
        "name": "rep.one",
        "team_id": "T1",
    }
    echo_client.message_shortcut("log_meeting", message={"text": "hi", "ts": "1.2"})
    payload = json.loads(parse_qs(echo.seen[-1][1].decode())["payload"][0])
    assert payload["type"] == "message_action" and payload["message_ts"] == "1.2"
    assert payload["channel"] == {"id": "C1", "name": "general"}
    echo_client.global_shortcut("new_deal")
    payload = json.loads(parse_qs(echo.seen[-1][1].decode())["payload"][0])
    assert payload["type"] == "shortcut" and payload["callback_id"] == "new_deal"
    echo_client.app_home_opened("U1")
    headers, body = echo.seen[-1]
    envelope = json.loads(body)
    assert headers["Content-Type"] == "application/json"
    assert envelope["type"] == "event_callback" and envelope["event"]["type"] == "app_home_opened"
    assert envelope["event_id"].startswith("Ev") and envelope["api_app_id"] == "A1"
    assert envelope["authorizations"][0]["user_id"] == "UBOT" and envelope["team_id"] == "T1"


# --- end to end with a Bolt app ---------------------------------------------------------


def test_bolt_app_round_trip(bolt: SlackClient, fake: FakeSlack) -> None:
    resp = bolt.command("/deal")
    assert resp.status == 200 and not resp.timed_out
    view = fake.wait_for("views.open")[0].params["view"]
    sub = bolt.view_submission(view, {"name": "bad"})
    assert sub.json == {"response_action": "errors", "errors": {"name": "Bad name"}}
    assert len(fake.open_views()) == 1  # errors keep the modal open
    sub = bolt.view_submission(view, {"name": "Acme", "stage": "Closing"})
    assert sub.status == 200 and sub.json is None and not fake.open_views()
    [post] = fake.wait_for("chat.postMessage")
    assert post.params["text"] == "Acme/c/42" and post.params["channel"] == "U1"

    bolt.command("/deal", "later")
    [reply] = fake.wait_for("response_url")
    assert reply.params["text"] == "Done later"
    bolt.block_action("advance", message={"blocks": [advance_actions("9")]})
    replies = fake.wait_for("response_url", count=2)
    assert all_text(replies[-1]) == "Advanced 9"

    bolt.command("/deal")
    view = fake.wait_for("views.open", count=2)[-1].params["view"]
    bolt.block_action("recalc", view=view, answers={"name": "Acme"}, block_id="tools")
    [update] = fake.wait_for("views.update")
    assert update.response and update.response["ok"], update.response
    assert "Name so far: Acme" in all_text(fake.open_views()[-1])
    options = bolt.block_suggestion("company", "Ac", view).json
    assert options == {"options": [_opt("acme-1", "Ac Corp")]}

    bolt.app_home_opened("U2")
    fake.wait_for("views.publish")
    assert "Hello U2" in all_text(fake.home_view("U2"))


def test_bolt_rejects_bad_signatures(bolt: SlackClient) -> None:
    body = "command=%2Fdeal&text=&team_id=T1&user_id=U1"
    good = bolt.sign(body)
    assert bolt.raw(body, {**good, "X-Slack-Signature": "v0=00"}).status == 401
    assert bolt.raw(body, bolt.sign(body, timestamp=int(time.time()) - 600)).status == 401
    assert bolt.raw(body, {}).status == 401


# --- Socket Mode ------------------------------------------------------------------------


def test_socket_mode_hello_envelope_ack(fake: FakeSlack) -> None:
    with SocketModeStub() as stub:
        fake.socket_url = stub.url
        client = SocketModeClient(
            app_token="xapp-test",
            web_client=WebClient(base_url=fake.base_url, token="xoxb-test"),
            auto_reconnect_enabled=False,
        )
        hellos: list[dict] = []

        def on_message(sm: SocketModeClient, message: dict, raw: str | None) -> None:
            if message.get("type") == "hello":
                hellos.append(message)

        def on_request(sm: SocketModeClient, req: SocketModeRequest) -> None:
            text = f"got {req.payload['command']} {req.payload['text']}"
            sm.send_socket_mode_response(SocketModeResponse(req.envelope_id, {"text": text}))

        client.message_listeners.append(on_message)
        client.socket_mode_request_listeners.append(on_request)
        try:
            client.connect()
            stub.wait_connected()
            payload = stub.command_payload("/deal", "help")
            assert payload["trigger_id"] in fake._triggers  # issued by the wired fake
            envelope_id = stub.send_envelope("slash_commands", payload)
            ack = stub.wait_ack(envelope_id)
            assert ack == {"envelope_id": envelope_id, "payload": {"text": "got /deal help"}}
            assert hellos and hellos[0]["connection_info"] == {"app_id": "A1"}
            assert fake.last("apps.connections.open").headers["authorization"].endswith("xapp-test")
        finally:
            stub.stop()  # server side first: the builtin client's close() then takes ~1 s, not 3
            client.close()
