"""The workspace's settings (``/pipeline settings``, managers): the default language — of
channel posts, and of everyone who chose none — and the default currency of amounts typed
without one. A digest that chose no language of its own follows the default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.deals import Actor, require_manager
from bot.core.errors import DomainError, InvalidInput, field_errors
from bot.core.i18n import LANGUAGE_NAMES, N_
from bot.core.money import SUPPORTED_CURRENCIES
from storage import forecast as forecast_store
from storage import preferences as store
from storage.db import Database, run_once

CHANGE_SETTINGS = N_(
    "Only a manager (a workspace admin or owner, or someone named with /pipeline managers "
    "add) can change the workspace's settings."
)


@dataclass(frozen=True)
class WorkspaceSettings:
    language: str
    currency: str
    team_view: str = forecast_store.EVERYONE  # issue 15: who sees the team's figures


def workspace_settings(db: Database, actor: Actor) -> WorkspaceSettings:
    """The settings as they are, for a manager to change."""
    require_manager(actor, CHANGE_SETTINGS)
    with db.read() as s:
        language, currency = store.workspace_settings(session=s, team_id=actor.team_id)
        team_view = forecast_store.team_view(session=s, team_id=actor.team_id)
    return WorkspaceSettings(language, currency, team_view)


def channel_language(db: Database, *, team_id: str) -> str:
    """The language of a post in a channel that chose none: the workspace's default."""
    with db.read() as s:
        return store.workspace_settings(session=s, team_id=team_id)[0]


@dataclass(frozen=True)
class SettingsSaved:
    settings: WorkspaceSettings
    digests: int  # channel digests that follow the default language


def save_workspace_settings(
    db: Database,
    actor: Actor,
    *,
    language: str,
    currency: str,
    key: str | None,
    now: datetime,
    team_view: str | None = None,
) -> SettingsSaved:
    """The settings modal submitted (``FieldErrors`` name ``language``, ``currency`` and
    ``team_view``; ``team_view`` None: left as it is)."""
    require_manager(actor, CHANGE_SETTINGS)
    errors: dict[str, DomainError] = {}
    if team_view is not None and team_view not in forecast_store.TEAM_VIEWS:
        errors["team_view"] = InvalidInput(N_("Pick who may see the team."), field="team_view")
    if language not in LANGUAGE_NAMES:
        errors["language"] = InvalidInput(N_("Pick a language."), field="language")
    if currency not in SUPPORTED_CURRENCIES:
        errors["currency"] = InvalidInput(N_("Pick a currency."), field="currency")
    field_errors(errors)

    def work(s) -> tuple[SettingsSaved, str]:
        store.save_workspace_settings(
            session=s, team_id=actor.team_id, language=language, currency=currency
        )
        following = store.follow_workspace_language(
            session=s, team_id=actor.team_id, language=language
        )
        if team_view is not None:
            forecast_store.set_team_view(session=s, team_id=actor.team_id, view=team_view)
        return SettingsSaved(saved(s), following), str(following)

    def saved(s) -> WorkspaceSettings:
        view = forecast_store.team_view(session=s, team_id=actor.team_id)
        return WorkspaceSettings(language, currency, view)

    def replay(s, record: str) -> SettingsSaved:
        return SettingsSaved(saved(s), int(record))

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)
