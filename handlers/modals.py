"""Helpers the checklist, meeting-log and gate listeners share: reading a modal's state and
metadata, opening a modal within the trigger_id's 3 seconds, owner checks on submit, and
storage rows as UI views."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.deals import Actor, ensure_can_change
from bot.core.errors import DomainError, PermissionDenied
from bot.core.i18n import N_, Translator
from handlers.ui import forms
from handlers.ui.checklists import VersionView
from handlers.ui.meetings import ActivityView
from storage.models import Deal
from storage.models_checklist import Activity, ChecklistVersion

log = logging.getLogger(__name__)


def read_meta(view: dict) -> dict:
    try:
        return json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}


def flatten(values: dict) -> dict[str, Any]:
    """``view.state.values`` → ``{block_id: value}`` (one element per block)."""
    out: dict[str, Any] = {}
    for block_id, elements in values.items():
        for el in elements.values():
            if "selected_options" in el:
                out[block_id] = [o["value"] for o in el.get("selected_options") or []]
            elif "selected_option" in el:
                out[block_id] = (el.get("selected_option") or {}).get("value")
            elif "selected_date" in el:
                out[block_id] = el.get("selected_date")
            else:
                out[block_id] = el.get("value")
    return out


def user_today(context: BoltContext, now: datetime) -> date:
    profile = context.get("profile")
    try:
        return now.astimezone(ZoneInfo(profile.tz if profile else "UTC")).date()
    except (KeyError, ValueError):
        return now.date()


def open_then_fill(
    client: WebClient,
    t: Translator,
    trigger_id: str,
    build: Callable[[], dict],
    *,
    push: bool = False,
) -> None:
    """Open (or push) a loading view while the trigger_id is fresh, then fill it in. A
    problem the user can fix is shown in the modal instead."""
    opener = client.views_push if push else client.views_open
    opened = opener(trigger_id=trigger_id, view=forms.loading_modal(t))["view"]
    try:
        view = build()
    except DomainError as err:
        view = forms.notice_modal(t, title=t("Salespath"), text=":warning: " + err.render(t))
    update_view(client, view_id=opened["id"], hash=opened["hash"], view=view)


#: views.update answers that mean "nothing to do": the user closed the modal meanwhile, or
#: a newer update of it already happened (a quick second click).
GONE = frozenset({"not_found", "hash_conflict"})


def update_view(client: WebClient, *, view_id: str, hash: str | None, view: dict) -> bool:
    try:
        client.views_update(view_id=view_id, hash=hash, view=view)
        return True
    except SlackApiError as exc:
        if exc.response.get("error") not in GONE:
            raise
        log.info("views.update skipped: %s", exc.response.get("error"))
        return False


def field_errors(t: Translator, errors: dict[str, DomainError]) -> dict[str, str]:
    return {block: err.render(t) for block, err in errors.items()}


def check_owner(actor: Actor, deal: Deal, meta: dict) -> None:
    """The deal may have changed hands since the modal opened."""
    owner = meta.get("o")
    if owner and deal.owner_id != owner and not actor.is_manager:
        raise PermissionDenied(
            N_(
                "“{deal}” now belongs to <@{owner}>, so only they or a manager can change it. "
                "Nothing was saved; your answers are still here."
            ),
            deal=deal.name,
            owner=deal.owner_id,
        )
    ensure_can_change(actor, deal)


def version_view(v: ChecklistVersion) -> VersionView:
    return VersionView(v.kind, v.version, v.data, v.filled, v.parts, v.created_by, v.created_at)


def activity_view(a: Activity) -> ActivityView:
    return ActivityView(
        kind=a.kind,
        on=a.occurred_on,
        notes=a.notes,
        by=a.created_by,
        outcome=a.outcome,
        attendees=[(x["name"], x.get("role")) for x in a.attendees or []],
        next_step=a.next_step,
        moved=f"{a.stage_from} → {a.stage_to}" if a.stage_to else None,
        link=a.message_link,
    )
