"""The Home tab, drawn the one way every path publishes it (opened, a language picked, a
deal advanced from it, a manager's team/mine switch): the dashboard in the user's timezone,
the workspace settings for managers, and the people blocks (notifications; deactivated
members' deals for managers)."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.core.deals import Actor
from bot.core.i18n import Translator
from bot.usecases import members, pipeline
from handlers.ui import home as ui_home
from handlers.ui import people as ui_people


def publish_home(
    client: WebClient, services, actor: Actor, t: Translator, *, today, tz: str, view=None
) -> None:
    """``view``: ``"team"`` or ``"mine"`` for a manager (``None``: their default)."""
    drawn = pipeline.home(services.db, actor, now=services.now(), today=today, view=view, tz=tz)
    page = ui_home.home_reply(t, drawn, manager=actor.is_manager)
    people = ui_people.home_blocks(t, members.leavers(services.db, actor))
    client.views_publish(user_id=actor.user_id, view=ui_people.with_people(page, people))
