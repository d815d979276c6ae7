"""The playground's drawing without a browser: every Block Kit type the app builds is one the
renderer draws, mrkdwn reads like Slack's, every emoji the app writes is in the table."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest
from slack_sdk.models import blocks as sdk

from slackkit.blockkit import Canvas, render_blocks, supported_types
from slackkit.emoji import EMOJI
from slackkit.mrkdwn import Names, mrkdwn, plain
from slackkit.render import Look, render_modal

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "handlers" / "ui"
SDK_MODULES = ("slack_sdk.models.blocks", "slack_sdk.models.blocks.block_elements")


def used_block_kit_types() -> dict[str, set[str]]:
    """Block and element types named in handlers/ui: slack_sdk classes it imports, and
    ``"type": "…"`` in any raw dict."""
    found: dict[str, set[str]] = {"blocks": set(), "elements": set()}
    for path in UI.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module in SDK_MODULES:
                for alias in node.names:
                    cls = getattr(importlib.import_module(node.module), alias.name)
                    if isinstance(cls, type) and issubclass(cls, sdk.Block):
                        found["blocks"].add(cls.type)
                    elif isinstance(cls, type) and issubclass(cls, sdk.BlockElement):
                        found["elements"].add(cls.type)
        for kind in re.findall(r"""["']type["']\s*:\s*["'](\w+)["']""", source):
            found["elements" if kind not in supported_types()["blocks"] else "blocks"].add(kind)
    return found


def test_every_block_kit_type_the_app_builds_is_drawn() -> None:
    used = used_block_kit_types()
    supported = supported_types()
    assert used["blocks"] and used["elements"]  # the scan found the builders
    assert used["blocks"] <= supported["blocks"], used["blocks"] - supported["blocks"]
    text_objects = {"plain_text", "mrkdwn"}
    missing = used["elements"] - supported["elements"] - text_objects
    assert not missing, f"handlers/ui uses {missing}: teach slackkit/blockkit.py to draw them"


def test_an_unknown_type_is_shown_not_dropped() -> None:
    out = render_blocks([{"type": "video", "block_id": "v"}])
    assert "Unsupported block: video" in out


def test_every_emoji_the_app_writes_is_in_the_table() -> None:
    sources = [*ROOT.glob("handlers/**/*.py"), *ROOT.glob("bot/**/*.py"), *ROOT.glob("bot/**/*.po")]
    names = {
        name
        for path in sources
        for name in re.findall(r"(?<![\w:]):([a-z0-9_+-]+):(?![\w:])", path.read_text("utf-8"))
    }
    names.discard("func")  # Sphinx's :func: role in docstrings
    assert names and not names - EMOJI.keys(), sorted(names - EMOJI.keys())


NAMES = Names({"U1": "Rina Wijaya"}, {"C1": "sales"})


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("*bold* _italic_ ~gone~", "<b>bold</b> <i>italic</i> <s>gone</s>"),
        ("snake_case_name and 2*3*4", "snake_case_name and 2*3*4"),
        ("`code *not bold*`", "<code>code *not bold*</code>"),
        ("```\nline 1\n<b>```", "<pre>line 1\n&lt;b&gt;</pre>"),
        ("a &amp; b &lt;tag&gt;", "a &amp; b &lt;tag&gt;"),
        ("<https://x.test/a_b|the site>", 'href="https://x.test/a_b"'),
        ("<@U1> in <#C1>", '@Rina Wijaya</span> in <span class="mention">#sales'),
        ("<@U9|maria>", "@maria"),
        ("*<@U1>*", '<b><span class="mention">@Rina Wijaya</span></b>'),
        ("<!here> :white_check_mark: :nope:", "@here</span> ✅ :nope:"),
        ("&gt; quoted\n&gt; twice\nafter", "<blockquote>quoted\ntwice</blockquote>after"),
        ("• one\n• two", "• one\n• two"),
    ],
)
def test_mrkdwn_reads_like_slack(text: str, html: str) -> None:
    assert html in mrkdwn(text, NAMES)


def test_plain_text_is_escaped_and_not_formatted() -> None:
    assert plain("<b>*x*</b> :wave:") == "&lt;b&gt;*x*&lt;/b&gt; 👋"
    assert plain(":wave:", emoji=False) == ":wave:"


def test_elements_carry_what_the_page_needs() -> None:
    canvas = Canvas(names=NAMES, people={"U1": "Rina Wijaya"})
    confirm = {
        "title": {"type": "plain_text", "text": "Sure?"},
        "text": {"type": "mrkdwn", "text": "Move *back*?"},
        "confirm": {"type": "plain_text", "text": "Move"},
        "deny": {"type": "plain_text", "text": "Stay"},
    }
    option = {"text": {"type": "plain_text", "text": "Two"}, "value": "2"}
    out = render_blocks(
        [
            {
                "type": "actions",
                "block_id": "row",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "go",
                        "value": "7",
                        "style": "danger",
                        "text": {"type": "plain_text", "text": "Go"},
                        "confirm": confirm,
                    },
                    {
                        "type": "static_select",
                        "action_id": "pick",
                        "options": [option],
                        "initial_option": option,
                    },
                    {"type": "users_select", "action_id": "who", "initial_user": "U1"},
                    {"type": "datepicker", "action_id": "when", "initial_date": "2026-12-01"},
                ],
            }
        ],
        canvas,
    )
    assert 'data-action-id="go"' in out and 'data-block-id="row"' in out
    assert 'data-value="7"' in out and "bk-danger" in out and "&lt;b&gt;back&lt;/b&gt;" in out
    assert '<option value="2" selected>Two</option>' in out
    assert '<option value="U1" selected>Rina Wijaya</option>' in out
    assert 'type="date"' in out and 'value="2026-12-01"' in out


def test_modal_has_title_buttons_hints_and_error_slots() -> None:
    view = {
        "id": "V1",
        "title": {"type": "plain_text", "text": "New deal"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [
            {
                "type": "input",
                "block_id": "value",
                "optional": True,
                "label": {"type": "plain_text", "text": "Value"},
                "hint": {"type": "plain_text", "text": "50jt works"},
                "element": {"type": "number_input", "action_id": "v", "is_decimal_allowed": False},
            }
        ],
    }
    out = render_modal(view, Look(canvas=Canvas(), viewer="U1"))
    assert 'data-view-id="V1"' in out and "<h2>New deal</h2>" in out and "Save</button>" in out
    assert "(optional)" in out and "50jt works" in out and 'data-decimal="false"' in out
    assert '<div class="bk-error" role="alert" hidden></div>' in out
