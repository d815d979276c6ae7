"""Small helpers the listeners share: who is acting, deal summaries for the UI, replies."""

from __future__ import annotations

from slack_bolt import BoltContext
from sqlmodel import Session

from bot.core.deals import Actor, is_manager
from bot.core.i18n import Translator
from bot.core.sources import source_by_key
from bot.services import Services
from storage import deals as store
from storage.models import Deal, Stage


def services_of(context: BoltContext) -> Services:
    return context["services"]


def translator_of(context: BoltContext) -> Translator:
    return context["t"]


def actor_of(context: BoltContext, session: Session) -> Actor:
    profile = context.get("profile")
    admin = bool(profile and profile.is_workspace_admin)
    return Actor(
        team_id=context.team_id,
        user_id=context.user_id,
        is_manager=is_manager(
            session=session, team_id=context.team_id, user_id=context.user_id, workspace_admin=admin
        ),
    )


def summarise(deal: Deal, stages: list[Stage], t: Translator, session: Session | None = None):
    from handlers.ui.deals import DealSummary

    stage = next((s for s in stages if s.id == deal.stage_id), None)
    src = source_by_key(deal.source) if deal.source else None
    return DealSummary(
        id=deal.id,
        name=deal.name,
        value=store.deal_money(deal),
        owner_id=deal.owner_id,
        stage=stage.name if stage else "?",
        status=deal.status,
        source_label=t(src.label) if src else None,
        expected_close=deal.expected_close,
        next_step=deal.next_step,
        next_step_due=deal.next_step_due,
        probability=deal.probability,
        created_at=deal.created_at,
        stage_since=store.stage_entered_at(session=session, team_id=deal.team_id, deal_id=deal.id)
        if session is not None
        else None,
        last_activity_at=deal.last_activity_at,
        lost_reason=deal.lost_reason,
        lost_note=deal.lost_note,
    )


def reply(ack, msg: dict) -> None:
    """Answer a slash command in the ack, visible only to the user."""
    ack(response_type="ephemeral", **msg)


def slack_text(text: str | None) -> str:
    """Text as the user typed it: Slack sends ``&``, ``<`` and ``>`` in slash commands and
    messages as ``&amp;``, ``&lt;`` and ``&gt;`` (mentions and links stay ``<…>``)."""
    return (text or "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def command_text(command: dict) -> str:
    """A slash command's text, unescaped and trimmed."""
    return slack_text(command.get("text")).strip()


def request_key(body: dict) -> str | None:
    """Identity of a Slack request across retries (same trigger for the same user action)."""
    return body.get("trigger_id") or (body.get("event_id"))
