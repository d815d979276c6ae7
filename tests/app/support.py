"""Helpers the app tests share (beside ``tests.factories``): rows written the way the app
writes them, so that a test sets up its state in one line."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import ids
from slackkit import FakeSlack, Response, SlackClient
from storage import checklists as cstore
from storage.models import Deal
from storage.models_checklist import ChecklistVersion


def save_version(
    s: Session, deal: Deal, kind: str, data: dict, *, now: datetime, **more: object
) -> ChecklistVersion:
    """One more version of a checklist on ``deal``; by default U1 of T1 saved it with every
    one of its five parts filled (``more`` overrides ``team_id``, ``filled``, ``parts``, ``by``)."""
    fields: dict = {"team_id": "T1", "filled": 5, "parts": 5, "by": "U1", **more}
    return cstore.save_checklist(session=s, deal=deal, kind=kind, data=data, now=now, **fields)


def home_deal_menus(slack: SlackClient, fake: FakeSlack, user_id: str = "U1") -> tuple[dict, list]:
    """The Home tab ``user_id`` sees once they open it, and its deals' ⋯ menus, top to bottom."""
    slack.app_home_opened(user_id)
    fake.wait_for("views.publish")
    home = fake.home_view(user_id)
    menus = [
        b["accessory"]
        for b in home["blocks"]
        if (b.get("accessory") or {}).get("action_id") == ids.ACTION_HOME_DEAL
    ]
    return home, menus


def new_deal_form(slack: SlackClient, fake: FakeSlack) -> dict:
    """The empty ``/prospect`` modal, opened the way a user opens it."""
    slack.command(ids.CMD_PROSPECT, "")
    return fake.last("views.open").params["view"]


def submit_and_replay(
    slack: SlackClient, fake: FakeSlack, action_id: str, deal_id: int, answers: dict, **resend
) -> tuple[Response, Response]:
    """Open a deal's modal with its button, submit ``answers``, then send the very same
    submission again (a Slack retry; ``resend`` goes to ``SlackClient.resend``)."""
    slack.block_action(action_id, value=str(deal_id), action_type="button")
    view = fake.wait_for("views.open")[-1].params["view"]
    first = slack.interactive(slack.view_submission_payload(view, answers))
    return first, slack.resend(first, **resend)
