"""The meeting form, opened at once and filled when ready, the one way both of its doors
open it: the "Log meeting" shortcut (no deal picked yet) and the button on every deal reply
(that deal, answered where the reply was)."""

from __future__ import annotations

from datetime import date

from slack_sdk import WebClient

from bot.core.deals import Actor
from bot.core.i18n import Translator
from bot.usecases import meetings
from handlers.kit.replies import open_then_fill
from handlers.ui import meetings as ui


def open_meeting_form(
    client: WebClient,
    t: Translator,
    services,
    actor: Actor,
    *,
    trigger_id: str,
    today: date,
    deal_id: int | None = None,
    channel: str | None = None,
) -> None:
    def build() -> dict:
        draft = meetings.draft(services.db, actor, deal_id=deal_id, today=today)
        return ui.meeting_form(t, draft, channel=channel)

    open_then_fill(client, t, trigger_id, build)
