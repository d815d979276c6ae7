"""The local Slack behaves as Slack does where delivery depends on it: messages keep their
``metadata`` and ``conversations.history`` returns it (with ``include_all_metadata``),
windowed and paged; a method can be rate-limited (429 + Retry-After) or answered late; an
unshared upload shows in a message through ``slack_file`` once it is processed."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

META = {"event_type": "salespath_digest", "event_payload": {"claim": 7}}


def test_history_returns_metadata_only_when_asked_newest_first_and_paged(fake, web):
    first = web.chat_postMessage(channel="C1", text="one", metadata=META)["ts"]
    web.chat_postEphemeral(channel="C1", user="U1", text="just for U1")
    for n in range(3):
        web.chat_postMessage(channel="C1", text=f"later {n}")
    plain = web.conversations_history(channel="C1")["messages"]
    assert [m["text"] for m in plain] == ["later 2", "later 1", "later 0", "one"]
    assert "metadata" not in plain[-1]
    fake.history_limit = 2  # Slack's cap (15) for apps outside the Marketplace
    page = web.conversations_history(channel="C1", include_all_metadata=True, limit=100)
    assert len(page["messages"]) == 2 and page["has_more"]
    rest = web.conversations_history(
        channel="C1", include_all_metadata=True, cursor=page["response_metadata"]["next_cursor"]
    )
    assert rest["messages"][-1]["metadata"] == META and not rest["has_more"]
    window = web.conversations_history(channel="C1", oldest=first, latest=first, inclusive=True)
    assert [m["ts"] for m in window["messages"]] == [first]
    with pytest.raises(SlackApiError, match="not_in_channel"):
        web.conversations_history(channel="C9")


def test_rate_limit_per_channel_answers_429_with_retry_after(fake, web):
    fake.rate_limit("chat.postMessage", 1.0)
    web.chat_postMessage(channel="C1", text="a")
    fake.join_channel("C2")
    web.chat_postMessage(channel="C2", text="other channel: its own budget")
    with pytest.raises(SlackApiError) as refused:
        web.chat_postMessage(channel="C1", text="too soon")
    assert refused.value.response.status_code == 429
    assert refused.value.response.headers["Retry-After"] == "1"
    fake.rate_limit("chat.postMessage", None)
    web.chat_postMessage(channel="C1", text="unlimited again")


def test_a_late_answer_is_carried_out_before_the_client_gives_up(fake):
    fake.answer_late("chat.postMessage", 2)
    impatient = WebClient(token="xoxb-test", base_url=fake.base_url, timeout=1)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        impatient.chat_postMessage(channel="C1", text="in, but unconfirmed")
    assert time.monotonic() - started < 2
    assert [m["text"] for m in fake.messages("C1")] == ["in, but unconfirmed"]


def test_an_unshared_upload_shows_through_slack_file_once_processed(fake, web):
    done = web.files_upload_v2(file=b"\x89PNG chart", filename="chart.png")
    file_id = done["file"]["id"]
    assert done["file"]["channels"] == [] and not fake.conversations.visible("C1")
    image = {"type": "image", "slack_file": {"id": file_id}, "alt_text": "chart"}
    fake.file_processing = 30.0
    with pytest.raises(SlackApiError, match="invalid_blocks") as early:
        web.chat_postMessage(channel="C1", text="digest", blocks=[image])
    assert "invalid slack file" in str(early.value.response["response_metadata"])
    fake.file_processing = 0.0
    web.chat_postMessage(channel="C1", text="digest", blocks=[image])
    for bad in ({"id": "FNOSUCH"}, None):
        block = {**image, "slack_file": bad} if bad else {"type": "image", "alt_text": "x"}
        with pytest.raises(SlackApiError, match="invalid_blocks"):
            web.chat_postMessage(channel="C1", text="digest", blocks=[block])
