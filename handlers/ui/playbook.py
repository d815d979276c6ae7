"""A stage's playbook (``bot.core.playbook``, data only) as Slack mrkdwn."""

from __future__ import annotations

from bot.core.i18n import Translator
from bot.core.playbook import Playbook, playbook_for
from handlers.ui.common import escape


def render_playbook(pb: Playbook, t: Translator) -> str:
    """The title in bold, then one "•" bullet per point, translated."""
    lines = [f"*{escape(t(pb.title))}*"]
    lines += [f"• {escape(t(point))}" for point in pb.points]
    return "\n".join(lines)


def playbook_text(t: Translator, stage_key: str | None) -> str | None:
    """The playbook of a default stage, or ``None`` (a workspace's own stage has none)."""
    pb = playbook_for(stage_key or "")
    return render_playbook(pb, t) if pb else None
