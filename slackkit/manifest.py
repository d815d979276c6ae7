"""What the playground needs from the app's ``manifest.yml``: its name and colour, its slash
commands (for the composer's autocomplete) and its shortcuts (for the ⚡ and ⋯ menus)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["AppSurface", "Command", "Shortcut", "read_manifest"]


@dataclass(frozen=True)
class Command:
    command: str
    description: str = ""
    usage_hint: str = ""


@dataclass(frozen=True)
class Shortcut:
    name: str
    callback_id: str
    kind: str  # "global" or "message"
    description: str = ""


@dataclass(frozen=True)
class AppSurface:
    """The app as a Slack client shows it."""

    name: str = "App"
    color: str = "#4a154b"
    commands: tuple[Command, ...] = ()
    shortcuts: tuple[Shortcut, ...] = field(default=())

    def shortcuts_of(self, kind: str) -> list[Shortcut]:
        return [s for s in self.shortcuts if s.kind == kind]


def read_manifest(path: str | Path) -> AppSurface:
    """The surface declared in a Slack app manifest (YAML)."""
    import yaml  # only the playground reads manifests; the app itself never needs PyYAML

    data: dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    info = data.get("display_information") or {}
    features = data.get("features") or {}
    bot = features.get("bot_user") or {}
    commands = tuple(
        Command(c["command"], c.get("description", ""), c.get("usage_hint", ""))
        for c in features.get("slash_commands") or []
    )
    shortcuts = tuple(
        Shortcut(s["name"], s["callback_id"], s.get("type", "global"), s.get("description", ""))
        for s in features.get("shortcuts") or []
    )
    name = info.get("name") or bot.get("display_name") or "App"
    return AppSurface(name, info.get("background_color") or "#4a154b", commands, shortcuts)
