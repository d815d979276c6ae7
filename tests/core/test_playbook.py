"""Every stage of the default pipeline has a short playbook, rendered as Slack mrkdwn."""

from __future__ import annotations

import pytest

from bot.core.i18n import Translator
from bot.core.playbook import PLAYBOOKS, Playbook, playbook_for
from bot.core.stages import DEFAULT_STAGES
from handlers.ui.playbook import render_playbook

KEYS = [s.key for s in DEFAULT_STAGES]


@pytest.mark.parametrize("key", KEYS)
def test_every_stage_has_a_short_playbook(key: str) -> None:
    pb = playbook_for(key)
    assert pb is not None
    assert 3 <= len(pb.points) <= 5
    text = render_playbook(pb, Translator("en"))
    assert len(text) <= 500
    lines = text.split("\n")
    assert lines[0] == f"*{pb.title}*"
    assert lines[1:] == [f"• {p}" for p in pb.points]


def test_only_default_stages_have_playbooks() -> None:
    assert sorted(PLAYBOOKS) == sorted(KEYS)
    assert playbook_for("custom_stage") is None


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("prospecting", ["referral", "itch cycle", "idle account", "swap", "canvass"]),
        (
            "approaching",
            [
                "prepare",
                "decision maker",
                "user influence",
                "technical influence",
                "coach",
                "3m",
                "moment",
                "media",
                "mood",
                "f.o.r.m.",
                "why you came",
            ],
        ),
        (
            "probing",
            [
                "listen more",
                "spin",
                "situation",
                "problem",
                "implication",
                "need-payoff",
                "direct questions",
            ],
        ),
        ("presentation", ["f.a.b.", "feature", "advantage", "benefit", "b.a.f."]),
        (
            "negotiation",
            [
                "react",
                "recognize",
                "respond",
                "re-confirm",
                "product",
                "need",
                "emotion",
                "reverse",
                "admit",
                "feel-felt-found",
                "b.a.t.n.a.",
                "possible",
                "target",
                "critical",
                "win-win",
                "new dimensions",
            ],
        ),
        ("closing", ["ask for it", "buying signals", "summary of benefit", "suggestion close"]),
        (
            "won",
            [
                "keep",
                "grow",
                "upsell",
                "cross-sell",
                "listen",
                "clarify",
                "apologise",
                "explain",
                "agree on an action",
            ],
        ),
        ("lost", ["win back"]),
    ],
)
def test_playbooks_cover_the_techniques(key: str, words: list[str]) -> None:
    pb = playbook_for(key)
    assert pb is not None
    text = " ".join((pb.title, *pb.points)).lower()
    for word in words:
        assert word in text, word


def test_render_translates_each_msgid_and_escapes() -> None:
    seen: list[str] = []

    def shout(msgid: str) -> str:
        seen.append(msgid)
        return msgid.upper()

    pb = Playbook("Title <b>", ("one & two", "three"))
    assert render_playbook(pb, shout) == "*TITLE &lt;B&gt;*\n• ONE &amp; TWO\n• THREE"
    assert seen == ["Title <b>", "one & two", "three"]
