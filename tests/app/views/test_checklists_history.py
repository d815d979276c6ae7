"""/pipeline <deal> history: each checklist is read on its own (one kind's many versions never
hide the other), every section is shown (or "not filled yet"), older versions are counted
and readable page by page (buttons that replace the message, or
``/pipeline <deal> history spin 2``), and every page keeps within Block Kit's limits."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from slack_sdk.models.blocks import Block

from bot import ids
from bot.core import checklists as cl
from bot.core.phrases import HistoryQuery, history_query
from handlers.ui.checklists import ACTION_HISTORY_PAGE
from slackkit import all_text, block_problems
from storage import checklists as cstore
from storage import deals as store
from storage.db import Database
from tests.app.support import save_version
from tests.factories import NOW, make_deal


def add_versions(db: Database, deal_id: int, kind: str, n: int, *, team_id: str = "T1"):
    """``n`` more versions; version k says "answer k" and was saved k hours after NOW."""
    with db.transaction() as s:
        deal = store.get_deal(session=s, team_id=team_id, deal_id=deal_id)
        latest = cstore.latest_checklist(session=s, team_id=team_id, deal_id=deal_id, kind=kind)
        start = latest.version if latest else 0
        for k in range(start + 1, start + n + 1):
            data = (
                {"fields": {"problem_learned": f"answer {k}"}}
                if kind == cl.SPIN
                else {cl.OUR_ALTERNATIVE: f"answer {k}"}
            )
            total = 5 if kind == cl.SPIN else 6
            at = NOW + timedelta(hours=k)
            saved = save_version(
                s, deal, kind, data, now=at, team_id=team_id, filled=1, parts=total
            )
            assert saved.version == k


def within_limits(reply: dict) -> dict:
    assert len(reply["blocks"]) <= 50
    assert not block_problems(reply["blocks"]), block_problems(reply["blocks"])
    assert all(b.to_dict() for b in Block.parse_all(reply["blocks"]))
    return reply


def buttons(reply: dict) -> dict[str, dict]:
    return {
        el["text"]["text"]: el
        for b in reply["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
    }


def press(slack, fake, reply: dict, label: str) -> dict:
    """Click ``label`` under the history: the message is replaced by what it asks for."""
    button = buttons(reply)[label]
    fake.clear()
    slack.block_action(button["action_id"], value=button["value"], message=reply, ephemeral=True)
    [sent] = fake.wait_for("response_url")
    assert sent.params["replace_original"] is True
    return within_limits(sent.params)


def heads(reply: dict, kind: str = "SPIN") -> list[int]:
    """The version numbers of ``kind`` shown, in order."""
    text = all_text(reply)
    return [
        int(part.split("*")[0])
        for part in text.split(f"*{kind} v")[1:]
        if part.split("*")[0].isdigit()
    ]


def test_many_versions_of_one_checklist_never_hide_the_other(slack, running):
    deal_id = make_deal(running.services.db, name="Acme")
    add_versions(running.services.db, deal_id, cl.BATNA, 1)  # the oldest of all
    add_versions(running.services.db, deal_id, cl.SPIN, 45)
    reply = within_limits(slack.command(ids.CMD_PIPELINE, "Acme history").json)
    shown = all_text(reply)
    assert heads(reply, "SPIN") == [45, 44, 43, 42, 41]
    assert heads(reply, "BATNA") == [1]
    assert "*SPIN* · 45 versions · page 1 of 9" in shown
    assert "*BATNA* · 1 version" in shown and "older version" not in shown.split("*BATNA*")[1]
    assert "…and 40 older versions." in shown
    assert "Older SPIN versions" in buttons(reply)
    assert "Older BATNA versions" not in buttons(reply)


def test_older_versions_page_by_page_with_buttons(slack, running, fake):
    deal_id = make_deal(running.services.db, name="Acme")
    add_versions(running.services.db, deal_id, cl.SPIN, 12)
    add_versions(running.services.db, deal_id, cl.BATNA, 7)
    first = within_limits(slack.command(ids.CMD_PIPELINE, "Acme history").json)
    assert heads(first) == [12, 11, 10, 9, 8] and heads(first, "BATNA") == [7, 6, 5, 4, 3]

    second = press(slack, fake, first, "Older SPIN versions")
    shown = all_text(second)
    assert heads(second) == [7, 6, 5, 4, 3] and "*BATNA v" not in shown  # one checklist
    assert "*SPIN* · 12 versions · page 2 of 3" in shown
    assert "answer 7" in shown and "answer 8" not in shown
    assert "…and 2 older versions." in shown
    assert {"Newer SPIN versions", "Older SPIN versions", "Full history"} <= set(buttons(second))

    last = press(slack, fake, second, "Older SPIN versions")
    assert heads(last) == [2, 1] and "page 3 of 3" in all_text(last)
    assert "older version" not in all_text(last)
    assert "Older SPIN versions" not in buttons(last)  # nothing older than version 1

    back = press(slack, fake, last, "Newer SPIN versions")
    assert heads(back) == [7, 6, 5, 4, 3]
    whole = press(slack, fake, back, "Full history")
    assert heads(whole) == [12, 11, 10, 9, 8] and heads(whole, "BATNA") == [7, 6, 5, 4, 3]

    batna = press(slack, fake, whole, "Older BATNA versions")
    assert heads(batna, "BATNA") == [2, 1] and "*SPIN v" not in all_text(batna)


def test_every_checklist_has_its_section_even_when_not_filled(slack, running):
    deal_id = make_deal(running.services.db, name="Acme")
    add_versions(running.services.db, deal_id, cl.BATNA, 2)
    shown = all_text(within_limits(slack.command(ids.CMD_PIPELINE, "Acme history").json))
    assert "*SPIN* not filled yet · `/spin Acme`" in shown
    assert "*BATNA* · 2 versions" in shown
    make_deal(running.services.db, name="Beta")
    empty = all_text(within_limits(slack.command(ids.CMD_PIPELINE, "Beta history").json))
    assert "*SPIN* not filled yet" in empty and "*BATNA* not filled yet" in empty
    assert "No checklists, meetings or notes yet" in empty


def test_long_answers_and_many_meetings_stay_within_block_kit_limits(slack, running):
    db = running.services.db
    deal_id = make_deal(db, name="Acme " + "x" * 190)
    with db.transaction() as s:
        deal = store.get_deal(session=s, team_id="T1", deal_id=deal_id)
        full = {q.asked: "a" * cl.TEXT_MAX for q in (*cl.SPIN_QUESTIONS, *cl.DIRECT_QUESTIONS)}
        full.update({q.learned: "l" * cl.TEXT_MAX for q in cl.SPIN_QUESTIONS})
        for i in range(12):
            for kind, data in (
                (cl.SPIN, {"awareness": "unaware", "fields": full}),
                (cl.BATNA, {key: "b" * cl.TEXT_MAX for key in cl.BATNA_TEXTS}),
            ):
                save_version(s, deal, kind, data, now=NOW + timedelta(minutes=i))
        for i in range(40):
            cstore.add_activity(
                session=s,
                team_id="T1",
                deal=deal,
                new=cstore.NewActivity(
                    kind=cstore.NOTE, occurred_on=NOW.date(), notes=f"note {i} " + "n" * 300
                ),
                by="U1",
                now=NOW,
            )
    reply = within_limits(slack.command(ids.CMD_PIPELINE, "Acme history").json)
    assert heads(reply) == [12, 11, 10, 9, 8] and "…more not shown." in all_text(reply)
    for text in (b.get("text", {}).get("text", "") for b in reply["blocks"]):
        assert len(text) <= 3000


def test_a_page_past_the_end_shows_the_last_page(slack, running, fake):
    deal_id = make_deal(running.services.db, name="Acme")
    add_versions(running.services.db, deal_id, cl.SPIN, 7)
    reply = slack.command(ids.CMD_PIPELINE, "Acme history").json
    forged = {**buttons(reply)["Older SPIN versions"]}
    forged["value"] = json.dumps({"d": deal_id, "k": "spin", "p": 99})
    fake.clear()
    slack.block_action(forged["action_id"], value=forged["value"], message=reply)
    [sent] = fake.wait_for("response_url")
    assert heads(within_limits(sent.params)) == [2, 1]


def test_history_of_another_workspaces_deal_is_refused(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    theirs = make_deal(running.services.db, name="Secret", team_id="T2")
    add_versions(running.services.db, theirs, cl.SPIN, 3, team_id="T2")
    reply = slack.command(ids.CMD_PIPELINE, "Acme history").json
    fake.clear()
    slack.block_action(
        f"{ACTION_HISTORY_PAGE}_spin_older",
        value=json.dumps({"d": theirs, "k": "spin", "p": 1}),
        message=reply,
    )
    [sent] = fake.wait_for("response_url")
    shown = all_text(sent.params)
    assert "That deal no longer exists." in shown
    assert "Secret" not in shown and "answer" not in shown


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Acme history", HistoryQuery("Acme")),
        ("Acme  Corp riwayat", HistoryQuery("Acme Corp")),
        ("Acme history SPIN", HistoryQuery("Acme", "spin")),
        ("Acme history batna 3", HistoryQuery("Acme", "batna", 3)),
        ("Acme history spin 0", HistoryQuery("Acme", "spin", 1)),
        ("Acme history 2", None),  # a page follows a checklist's name
        ("Acme 2", None),
        ("history", None),
        ("history spin", None),
        ("Acme", None),
    ],
)
def test_history_words_are_read(text, query):
    assert history_query(text) == query


def test_history_of_one_checklist_by_text(slack, running):
    deal_id = make_deal(running.services.db, name="Acme")
    add_versions(running.services.db, deal_id, cl.SPIN, 12)
    add_versions(running.services.db, deal_id, cl.BATNA, 3)
    reply = within_limits(slack.command(ids.CMD_PIPELINE, "Acme history spin 2").json)
    assert heads(reply) == [7, 6, 5, 4, 3] and "*BATNA v" not in all_text(reply)
    batna = within_limits(slack.command(ids.CMD_PIPELINE, "acme history batna").json)
    assert heads(batna, "BATNA") == [3, 2, 1] and "*SPIN v" not in all_text(batna)


# --- storage on SQLite and PostgreSQL ---------------------------------------------------


def test_storage_pages_one_kind_newest_first(db):
    a, b = make_deal(db, name="A"), make_deal(db, name="B")
    add_versions(db, a, cl.SPIN, 7)
    add_versions(db, a, cl.BATNA, 2)
    add_versions(db, b, cl.SPIN, 1)
    other = make_deal(db, name="A", team_id="T2")
    add_versions(db, other, cl.SPIN, 1, team_id="T2")
    with db.read() as s:

        def page(kind, limit, offset=0, team_id="T1", deal_id=a):
            rows = cstore.list_checklist_page(
                session=s, team_id=team_id, deal_id=deal_id, kind=kind, limit=limit, offset=offset
            )
            return [(r.kind, r.version) for r in rows]

        assert page(cl.SPIN, 3) == [("spin", 7), ("spin", 6), ("spin", 5)]
        assert page(cl.SPIN, 3, 6) == [("spin", 1)]
        assert page(cl.SPIN, 3, 9) == []
        assert page(cl.BATNA, 5) == [("batna", 2), ("batna", 1)]
        assert page(cl.SPIN, 5, team_id="T2") == []  # another workspace's deal id
        assert page(cl.SPIN, 5, team_id="T2", deal_id=other) == [("spin", 1)]
