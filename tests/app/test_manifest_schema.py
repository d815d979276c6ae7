"""manifest.yml is valid against Slack's published manifest schema (vendored in tests/data) and
lists exactly the commands, shortcuts, scopes and settings the app relies on."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot import ids
from bot.core.stages import DEFAULT_STAGES, open_stages

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_PATH = ROOT / "manifest.yml"
SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "manifest.schema.1.0.0.json"

EVENTS_URL = "https://salespath.example.com/slack/events"
COMMANDS = {"/prospect", "/advance", "/spin", "/batna", "/pipeline", "/digest"}
SHORTCUTS = {("log_meeting", "global"), ("add_to_deal", "message")}
BOT_SCOPES = {
    "commands",
    "chat:write",
    "im:write",
    "users:read",
    "files:write",
    "channels:read",
    "groups:read",
    "channels:history",
    "groups:history",
    "files:read",  # /pipeline import: a CSV uploaded in the modal (issue 15)
    "users:read.email",  # /pipeline import: owners given by email (issue 15)
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    with MANIFEST_PATH.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _errors(validator: jsonschema.protocols.Validator, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def test_schema_is_draft7(validator: jsonschema.protocols.Validator) -> None:
    assert validator.schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert isinstance(validator, jsonschema.Draft7Validator)


def test_manifest_validates_against_slack_schema(
    manifest: dict[str, Any], validator: jsonschema.protocols.Validator
) -> None:
    assert _errors(validator, manifest) == []


@pytest.mark.parametrize(
    "breakage",
    [
        lambda m: m["features"]["slash_commands"][0].update(command="prospect"),
        lambda m: m["features"]["shortcuts"][0].update(type="workflow"),
        lambda m: m["display_information"].update(long_description="too short"),
        lambda m: m["settings"].update(unknown_setting=True),
    ],
    ids=["command-without-slash", "bad-shortcut-type", "short-long-description", "unknown-key"],
)
def test_schema_check_catches_broken_manifest(
    manifest: dict[str, Any], validator: jsonschema.protocols.Validator, breakage: Any
) -> None:
    broken = copy.deepcopy(manifest)
    breakage(broken)
    assert _errors(validator, broken) != []


def test_display_information(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert info["name"] == "Salespath"
    assert 1 <= len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    steps = [spec.key for spec in open_stages(DEFAULT_STAGES)] + ["after-sales"]
    unnamed = [step for step in steps if step not in info["long_description"]]
    assert not unnamed, unnamed  # the description walks through the whole sales path
    # The schema spells this constraint "regex", which validators ignore; check it here.
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", info["background_color"])


def test_bot_user_and_app_home(manifest: dict[str, Any]) -> None:
    features = manifest["features"]
    assert features["bot_user"] == {"display_name": "salespath", "always_online": True}
    assert features["app_home"] == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }


def test_slash_commands(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    names = [c["command"] for c in commands]
    assert len(names) == len(set(names)), "duplicate command"
    assert set(names) == COMMANDS
    for c in commands:
        assert c["description"].strip(), c["command"]
        assert c["usage_hint"].strip(), c["command"]
        assert "help" in c["usage_hint"], c["command"]
        assert c["should_escape"] is True, c["command"]
        assert c["url"] == EVENTS_URL, c["command"]


def test_shortcuts(manifest: dict[str, Any]) -> None:
    shortcuts = manifest["features"]["shortcuts"]
    assert len(shortcuts) == len(SHORTCUTS)
    assert {(s["callback_id"], s["type"]) for s in shortcuts} == SHORTCUTS
    by_id = {s["callback_id"]: s for s in shortcuts}
    assert by_id["log_meeting"]["name"] == "Log meeting"
    assert by_id["add_to_deal"]["name"] == "Add to deal"


def test_bot_scopes(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(scopes) == len(set(scopes)), "duplicate scope"
    assert set(scopes) == BOT_SCOPES == set(ids.BOT_SCOPES)  # OAuth installs ask for these
    # The digest asks to be invited instead of posting uninvited.
    assert "chat:write.public" not in scopes
    assert "user" not in manifest["oauth_config"]["scopes"]


def test_oauth_redirect_url(manifest: dict[str, Any]) -> None:
    assert manifest["oauth_config"]["redirect_urls"] == [
        "https://salespath.example.com/slack/oauth_redirect"
    ]


def test_settings(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["event_subscriptions"] == {
        "request_url": EVENTS_URL,
        "bot_events": ["app_home_opened", "app_uninstalled", "tokens_revoked", "user_change"],
    }
    assert settings["interactivity"] == {
        "is_enabled": True,
        "request_url": EVENTS_URL,
        "message_menu_options_url": EVENTS_URL,
    }
    assert settings["org_deploy_enabled"] is False
    assert settings["socket_mode_enabled"] is True
    assert settings["token_rotation_enabled"] is False
    assert manifest["_metadata"] == {"major_version": 1, "minor_version": 1}
