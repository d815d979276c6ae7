"""What the fuzzers share: the hypothesis profiles, Slack-shaped text, and the checks every
answer must pass (no 5xx, no apology, every error echoes the text, blocks Slack takes) and
every database must keep (invariants).

Profiles: ``ci`` (the default: derandomised, a fixed number of examples per test, about two
thousand in all) and ``long`` (``SALESPATH_FUZZ=long``: twenty times as many, random seeds,
for a local run before a release)."""

from __future__ import annotations

import logging
import os
import time

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import text

from slackkit import FakeSlack, all_text, block_problems, blocks_too_long
from storage.db import Database

SCALE = 20 if os.environ.get("SALESPATH_FUZZ") == "long" else 1
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    derandomize=False,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("long" if SCALE > 1 else "ci")


def examples(n: int) -> settings:
    return settings(max_examples=n * SCALE)


APOLOGY = ("Sorry, something went wrong", "error id")

# Slack entities: sent as they are (a real mention is `<@U…>`, typed characters are escaped).
ENTITIES = [
    "<@U2>",
    "<@U2|rep.two>",
    "<@UADMIN>",
    "<@UNOSUCHUSER>",
    "<!here>",
    "<!channel>",
    "<!subteam^S1|@sales>",
    "<#C1|general>",
    "<https://example.com|a link>",
    "<mailto:a@example.com|mail>",
]
WORDS = [
    "help", "bantuan", "team", "stages", "gates", "stats", "export", "managers", "add",
    "remove", "list", "here", "status", "off", "now", "to", "won", "lost", "history", "spin",
    "batna", "mine", "all", "price", "competitor", "probing", "negotiation", "closing",
    "Acme", "Acme Corp", "Toko 50", "team Corp", "PT Maju Jaya", "Café Ñandú", "referral",
    "cold outreach", "friend", "50jt", "1,5 M", "2.5bn", "Rp 50.000.000", "$5,000", "5000 USD",
    "-5jt", "0", "1e9999", "NaN", "09:00", "25:99", "8pm", "Asia/Jakarta", "Mars/Olympus",
    "mon-fri", "sat", "for", "@maria", "<@U2>", "&lt;@U2&gt;", "&lt;@UNOSUCHUSER&gt;",
    '"', "“", "”", "-", "|", ",", ";", ":", "·", "&", "<", ">", "&amp;", "*bold*", "`code`",
    "😀", "مرحبا", "e\u0301", "\u200b", "\u2028", "\x00", "\t", "100", "2", "999999999999",
    "wins", "presentation", "wonn", "USD", "RM Tech", "1.5m", "budget cut", "IT manager",
]  # fmt: skip


def _escape(word: str) -> str:
    return word.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def typed(draw) -> str:
    """A command's text as Slack sends it: words the user typed (escaped), real entities,
    and now and then something long or odd."""
    parts = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            parts.append(draw(st.sampled_from(ENTITIES)))
        elif kind == 1:
            parts.append(_escape(draw(st.text(max_size=30))))
        elif kind == 2:
            parts.append(draw(st.sampled_from(["&" * 650, "4" * 4400, "x" * 3100, "A " * 700])))
        else:
            parts.append(_escape(draw(st.sampled_from(WORDS))))
        parts.append(draw(st.sampled_from([" ", " ", " ", "\n", "  ", ""])))
    return "".join(parts).strip(" ")


def check_answer(resp, fake: FakeSlack, *, command: str, text: str) -> None:
    """The checks every command answer passes."""
    text = text if len(text) < 300 else text[:300] + f"… ({len(text)} characters)"
    assert resp.status == 200, (command, text, resp.status, resp.text[:300])
    # In time: the deadline runner answers within ~2 s; on a loaded machine the HTTP round
    # trip adds more, so the fuzzers check only that an answer came (the fault tests time it).
    assert resp.elapsed < 10, (command, text, resp.elapsed)
    shown = all_text(resp.json)
    assert not any(a in shown for a in APOLOGY), (command, text, shown[:500])
    assert not fake.rejected_acks, (command, text, fake.rejected_acks[-1])
    blocks = (resp.json or {}).get("blocks")
    if refusal(resp.json):
        assert "You wrote:" in shown, (command, text, shown[:500])
    if blocks is not None:
        assert not block_problems(blocks) and not blocks_too_long(blocks), (command, text)


def refusal(answer: dict | None) -> bool:
    """An answer that says something was wrong: a warning with nothing to press (a gate's
    question, with its buttons, is not one)."""
    blocks = (answer or {}).get("blocks") or []
    pressable = any(b.get("type") == "actions" or b.get("accessory") for b in blocks)
    first = ((blocks[0].get("text") or {}).get("text") or "") if blocks else ""
    return first.startswith(":warning:") and not pressable


def quiet(fake: FakeSlack, *, settle: float = 0.6, timeout: float = 60.0) -> None:
    """Wait until the app has stopped calling Slack (work after the acks is done)."""
    deadline = time.monotonic() + timeout
    seen = fake.revision
    while time.monotonic() < deadline:
        now = fake.wait_for_change(seen, settle)
        if now == seen:
            return
        seen = now


def check_slack(fake: FakeSlack) -> None:
    """Nothing the app sent Slack was an apology, or refused by Slack."""
    for call in fake.calls:
        shown = all_text(call.params)
        assert not any(a in shown for a in APOLOGY), (call.method, shown[:500])
        response = call.response or {}
        assert response.get("error") not in ("invalid_blocks", "msg_blocks_too_long"), (
            call.method,
            response,
        )


INVARIANTS = {
    "a deal in another workspace's stage": """
        select count(*) from deal d join stage s on s.id = d.stage_id
        where s.team_id <> d.team_id""",
    "a deal without its first move": """
        select count(*) from deal d
        where not exists (select 1 from stage_move m where m.deal_id = d.id)""",
    "a deal whose status is not its stage's": """
        select count(*) from deal d join stage s on s.id = d.stage_id
        where s.kind <> d.status""",
    "a move into another deal's workspace": """
        select count(*) from stage_move m join deal d on d.id = m.deal_id
        where m.team_id <> d.team_id""",
    "a deal with an empty name": "select count(*) from deal where trim(name) = ''",
    "a lost deal without a reason": """
        select count(*) from deal where status = 'lost' and lost_reason is null""",
    "a negative value": "select count(*) from deal where value_cents < 0",
}


def check_database(db: Database) -> None:
    with db.engine.connect() as conn:
        broken = {
            what: n
            for what, sql in INVARIANTS.items()
            if (n := conn.execute(text(sql)).scalar_one())
        }
    assert not broken, broken


def check_settled(fake: FakeSlack, db: Database) -> None:
    """After a run: once the app has gone quiet, Slack got nothing it refuses, and the
    database keeps its invariants."""
    quiet(fake)
    check_slack(fake)
    check_database(db)


def check_no_errors(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors[:3]
