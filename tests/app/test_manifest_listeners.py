"""manifest.yml and the app agree: every command, shortcut and event in the manifest has a
listener, and every listener the app registers is declared in the manifest."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from slackkit import all_text

MANIFEST = yaml.safe_load((Path(__file__).parents[2] / "manifest.yml").read_text())


def registered(app) -> dict[str, set[str]]:
    """What the Bolt app listens for, read from its built-in matchers' closures."""
    found: dict[str, set[str]] = {"command": set(), "shortcut": set(), "event": set()}
    for listener in app._listeners:
        for matcher in listener.matchers:
            func = getattr(matcher, "func", None)
            if func is None or not func.__closure__:
                continue
            kind = func.__qualname__.split(".")[0]
            values = [c.cell_contents for c in func.__closure__ if isinstance(c.cell_contents, str)]
            if kind == "command":
                found["command"].update(values)
            elif kind == "shortcut":
                found["shortcut"].update(values)
            elif kind == "event":
                found["event"].update(values)
    return found


def test_registered_listeners_match_the_manifest(running):
    got = registered(running.app)
    manifest_commands = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    manifest_shortcuts = {s["callback_id"] for s in MANIFEST["features"]["shortcuts"]}
    manifest_events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert got["command"] == manifest_commands
    assert got["shortcut"] == manifest_shortcuts
    assert got["event"] == manifest_events


@pytest.mark.parametrize("command", [c["command"] for c in MANIFEST["features"]["slash_commands"]])
def test_every_manifest_command_answers_through_slack(slack, command):
    resp = slack.command(command, "help")
    shown = all_text(resp.json)
    assert resp.status == 200 and command in shown
    assert "Examples" in shown and "Sorry" not in shown


@pytest.mark.parametrize(
    "shortcut", MANIFEST["features"]["shortcuts"], ids=lambda s: s["callback_id"]
)
def test_every_manifest_shortcut_is_acknowledged(slack, fake, shortcut):
    if shortcut["type"] == "global":
        resp = slack.global_shortcut(shortcut["callback_id"])
    else:
        resp = slack.message_shortcut(
            shortcut["callback_id"],
            message={"type": "message", "user": "U2", "ts": "1.2", "text": "Budget approved"},
        )
    assert resp.status == 200
    [opened] = fake.wait_for("views.open")  # each shortcut opens its modal at once
    assert opened.response["ok"] is True
    [filled] = fake.wait_for("views.update")  # then fills it (deals, the message's link)
    assert filled.response["ok"] is True
