"""Slack's ``mrkdwn`` and ``plain_text`` as HTML, for the playground.

Written by hand because Slack's mrkdwn is not Markdown: ``*bold*``, ``_italic_``, ``~strike~``,
no headings or ``- `` lists (bullets are plain ``•`` characters and stay as written), links as
``<url|text>``, mentions as ``<@U…>`` and ``<#C…>``, ``<!here>``, ``<!date^…|fallback>``,
``&gt;`` quotes, and text arriving with ``&``, ``<`` and ``>`` already escaped. A Markdown
library would get most of these wrong.

The approach: entities and code spans are swapped for inert placeholders, the rest is
unescaped (Slack's three escapes only) and HTML-escaped, the bold/italic/strike/emoji rules
run over the whole line (so ``*<@U1>*`` is a bold mention), then the placeholders come back as
HTML. Newlines are kept (the page styles text with ``white-space: pre-wrap``).
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .emoji import emoji_for

__all__ = ["Names", "mrkdwn", "plain"]

_CODE_BLOCK = re.compile(r"```\n?(.*?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_ENTITY = re.compile(r"<([^<>\n]+)>")
_SLOT = re.compile(r"\x00(\d+)\x00")
_EMOJI = re.compile(r":([a-z0-9_+'-]+):(?::skin-tone-\d:)?", re.IGNORECASE)
_STYLES = [
    (re.compile(rf"(?<![\w{m}]){m}(?![\s{m}])([^{m}\n]*?[^\s{m}]){m}(?![\w{m}])"), tag)
    for m, tag in (("\\*", "b"), ("_", "i"), ("~", "s"))
]


@dataclass(frozen=True)
class Names:
    """How ids read: user ids to display names, channel ids to channel names."""

    users: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)

    def user(self, user_id: str) -> str:
        return self.users.get(user_id, user_id)

    def channel(self, channel_id: str) -> str:
        return self.channels.get(channel_id, channel_id.lower())


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _esc(text: str) -> str:
    return html.escape(_unescape(text), quote=True)


def emojify(escaped: str) -> str:
    """Shortcodes in already-escaped HTML become characters (unknown ones stay as typed)."""

    def one(m: re.Match[str]) -> str:
        return emoji_for(m.group(1)) or m.group(0)

    return _EMOJI.sub(one, escaped)


def plain(text: str, *, emoji: bool = True) -> str:
    """A ``plain_text`` object's text as HTML (no formatting; emoji when asked)."""
    escaped = html.escape(text, quote=True)
    return emojify(escaped) if emoji else escaped


def _link(target: str, label: str | None) -> str:
    href = html.escape(_unescape(target), quote=True)
    text = _esc(label) if label else href
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{text}</a>'


def entity(body: str, names: Names) -> str:
    """``<…>`` as HTML: mention, channel, special mention, date or link."""
    target, _, label = body.partition("|")
    if target.startswith("@"):
        return f'<span class="mention">@{html.escape(label or names.user(target[1:]))}</span>'
    if target.startswith("#"):
        return f'<span class="mention">#{html.escape(label or names.channel(target[1:]))}</span>'
    if target.startswith("!"):
        return _special(target[1:], label)
    return _link(target, label or None)


def _special(target: str, label: str) -> str:
    if target.startswith("date^"):
        return _esc(label or target)
    if target.startswith("subteam^"):
        return f'<span class="mention">{_esc(label or "@group")}</span>'
    return f'<span class="mention">@{html.escape(target.split("^")[0])}</span>'


def mrkdwn(text: str, names: Names | None = None) -> str:
    """Slack mrkdwn as HTML."""
    names = names or Names()
    slots: list[str] = []

    def keep(rendered: str) -> str:
        slots.append(rendered)
        return f"\x00{len(slots) - 1}\x00"

    text = _CODE_BLOCK.sub(lambda m: keep(f"<pre>{_esc(m.group(1))}</pre>"), text)
    text = _CODE.sub(lambda m: keep(f"<code>{_esc(m.group(1))}</code>"), text)
    text = _ENTITY.sub(lambda m: keep(entity(m.group(1), names)), text)
    lines = [_styled(_esc(line)) for line in text.split("\n")]
    out = _quotes(lines)
    return _SLOT.sub(lambda m: slots[int(m.group(1))], out)


def _styled(escaped: str) -> str:
    for pattern, tag in _STYLES:
        escaped = pattern.sub(rf"<{tag}>\1</{tag}>", escaped)
    return emojify(escaped)


def _quotes(lines: list[str]) -> str:
    """Join lines, folding each run of ``&gt;`` lines into one ``<blockquote>``."""
    parts: list[str] = []
    for quoted, run in itertools.groupby(lines, key=lambda line: line.startswith("&gt;")):
        if quoted:
            inner = "\n".join(line[4:].removeprefix(" ") for line in run)
            parts.append(f"<blockquote>{inner}</blockquote>")
        else:
            parts.append("\n".join(run) + "\n")
    return "".join(parts).removesuffix("\n")
