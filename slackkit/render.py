"""The playground's HTML for what Slack's client draws around Block Kit: a message (avatar,
name, APP badge, time, "Only visible to you", shared files), a modal and the Home tab.

Each piece is a pure function of Slack-shaped data and a ``Look`` (names, time zone, the
app's name and colour), so tests can render without a browser. Message keys change when a
message's content changes: the page replaces only those, keeping what a user is typing or
has picked elsewhere.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .blockkit import Canvas, render_blocks, render_text
from .conversations import Posted
from .mrkdwn import mrkdwn

__all__ = ["Look", "avatar", "render_home", "render_messages", "render_modal"]

Json = dict[str, Any]
GROUP_SECONDS = 5 * 60  # Slack folds a sender's messages within five minutes under one header
EYE = (
    '<svg class="icon eye" viewBox="0 0 20 20" aria-hidden="true"><path d="M1.5 10S5 4 10 4s8.5 '
    '6 8.5 6-3.5 6-8.5 6S1.5 10 1.5 10z" fill="none" stroke="currentColor" stroke-width="1.6"/>'
    '<circle cx="10" cy="10" r="2.5" fill="currentColor"/></svg>'
)
PALETTE = ("#e8912d", "#2bac76", "#1264a3", "#e01e5a", "#4a154b", "#36c5f0", "#9e6a03")


@dataclass(frozen=True)
class Look:
    """Who is looking, and how names, times and the app appear to them."""

    canvas: Canvas
    viewer: str
    tz: str = "UTC"
    bot_user_id: str = "UBOT"
    app_name: str = "App"
    app_color: str = "#4a154b"


def avatar(name: str, color: str | None = None) -> str:
    """A square with the sender's initial (no image fetched: the playground stays offline)."""
    digest = int(hashlib.sha1(name.encode()).hexdigest(), 16)
    fill = color or PALETTE[digest % len(PALETTE)]
    initial = html.escape((name.strip() or "?")[0].upper())
    return f'<div class="avatar" style="background:{html.escape(fill)}">{initial}</div>'


def _time(ts: str, tz: str) -> str:
    try:
        moment = datetime.fromtimestamp(float(ts), ZoneInfo(tz))
    except (ValueError, OSError):
        return ""
    return moment.strftime("%I:%M %p").lstrip("0")


def _is_app(message: Json, look: Look) -> bool:
    return bool(message.get("bot_id")) or message.get("user") == look.bot_user_id


def _sender(message: Json, look: Look) -> str:
    if _is_app(message, look):
        return look.app_name
    return look.canvas.names.user(str(message.get("user", "")))


def _files(message: Json, look: Look) -> str:
    parts = []
    for f in message.get("files") or []:
        url = html.escape(look.canvas.file_url(str(f.get("id"))), quote=True)
        title = html.escape(str(f.get("title") or f.get("name") or ""))
        if str(f.get("mimetype", "")).startswith("image/"):
            alt = html.escape(str(f.get("alt_txt") or f.get("title") or ""), quote=True)
            parts.append(
                f'<figure class="file-image"><figcaption>{title}</figcaption>'
                f'<img src="{url}" alt="{alt}"></figure>'
            )
        else:
            kind = html.escape(str(f.get("name", "")).rsplit(".", 1)[-1].upper())
            parts.append(
                f'<a class="file-card" href="{url}" download><span class="file-icon">{kind}'
                f'</span><span class="file-name">{title}</span></a>'
            )
    return f'<div class="files">{"".join(parts)}</div>' if parts else ""


def _body(message: Json, look: Look) -> str:
    if message.get("blocks"):
        return f'<div class="blocks">{render_blocks(message["blocks"], look.canvas)}</div>'
    text = str(message.get("text") or "")
    return f'<div class="msg-text mrkdwn">{mrkdwn(text, look.canvas.names)}</div>' if text else ""


def _head(message: Json, look: Look) -> str:
    badge = '<span class="app-badge">APP</span>' if _is_app(message, look) else ""
    name = html.escape(_sender(message, look))
    when = _time(str(message.get("ts", "")), look.tz)
    return f'<div class="msg-head"><b class="sender">{name}</b>{badge}<time>{when}</time></div>'


def render_message(posted: Posted, look: Look, *, compact: bool) -> str:
    message = posted.message
    ephemeral = posted.ephemeral
    color = look.app_color if _is_app(message, look) else None
    side = (
        f'<time class="gutter-time">{_time(posted.ts, look.tz)}</time>'
        if compact
        else avatar(_sender(message, look), color)
    )
    note = f'<div class="ephemeral-note">{EYE} Only visible to you</div>' if ephemeral else ""
    classes = "msg" + (" compact" if compact else "") + (" ephemeral" if ephemeral else "")
    more = (
        ""
        if ephemeral
        else '<div class="msg-hover"><button type="button" class="more" '
        'aria-label="More actions" title="More actions">&#8943;</button></div>'
    )
    return (
        f'<div class="{classes}" data-ts="{html.escape(posted.ts)}" '
        f'data-channel="{html.escape(posted.channel)}" data-ephemeral="{str(ephemeral).lower()}">'
        f'<div class="gutter">{side}</div><div class="msg-body">{note}'
        f"{'' if compact else _head(message, look)}{_body(message, look)}{_files(message, look)}"
        f"</div>{more}</div>"
    )


def _folds(previous: Posted | None, posted: Posted, look: Look) -> bool:
    """Does ``posted`` sit under ``previous``'s header (same sender, within five minutes)?"""
    if previous is None or previous.ephemeral or posted.ephemeral:
        return False
    if _sender(previous.message, look) != _sender(posted.message, look):
        return False
    try:
        return float(posted.ts) - float(previous.ts) < GROUP_SECONDS
    except ValueError:
        return False


def render_messages(history: list[Posted], look: Look) -> list[Json]:
    """``[{"key", "html"}]`` for a channel, oldest first; a key changes with the content."""
    out = []
    previous: Posted | None = None
    for posted in history:
        compact = _folds(previous, posted, look)
        body = render_message(posted, look, compact=compact)
        key = hashlib.sha1(body.encode()).hexdigest()[:16]
        out.append({"key": f"{posted.ts}:{key}", "html": body})
        previous = posted
    return out


def render_modal(view: Json, look: Look) -> str:
    """A modal: header with title (and a back arrow for a pushed view), blocks, footer."""
    title = render_text(view.get("title"), look.canvas)
    back = (
        '<button type="button" class="modal-back" aria-label="Back">&#8592;</button>'
        if view.get("previous_view_id")
        else ""
    )
    close = render_text(view.get("close"), look.canvas) or "Cancel"
    submit = render_text(view.get("submit"), look.canvas)
    submit_button = (
        f'<button type="button" class="bk-button bk-primary modal-submit">{submit}</button>'
        if submit
        else ""
    )
    flags = {
        "notify_on_close": bool(view.get("notify_on_close")),
        "clear_on_close": bool(view.get("clear_on_close")),
    }
    return (
        f'<div class="modal" role="dialog" aria-modal="true" data-view-id="{view["id"]}" '
        f'data-flags="{html.escape(json.dumps(flags), quote=True)}">'
        f'<header>{back}<h2>{title}</h2><button type="button" class="modal-x" '
        f'aria-label="Close">&#215;</button></header>'
        f'<div class="modal-body"><div class="modal-error" role="alert" hidden></div>'
        f"{render_blocks(view.get('blocks'), look.canvas)}</div>"
        f'<footer><button type="button" class="bk-button modal-close">{close}</button>'
        f"{submit_button}</footer></div>"
    )


def render_home(view: Json | None, look: Look) -> str:
    """The Home tab the app last published for the viewer (or a note that it has none)."""
    if view is None:
        return '<div class="home-empty">This app has not published a Home tab yet.</div>'
    return (
        f'<div class="home-view" data-view-id="{html.escape(str(view.get("id", "")))}">'
        f"{render_blocks(view.get('blocks'), look.canvas)}</div>"
    )
