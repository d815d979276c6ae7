"""The bits of a Slack user the app needs, from ``users.info``, cached for a few minutes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Profile:
    user_id: str
    team_id: str
    name: str
    tz: str = "UTC"
    locale: str = "en-US"
    is_admin: bool = False
    is_owner: bool = False

    @property
    def is_workspace_admin(self) -> bool:
        return self.is_admin or self.is_owner


def fetch_profile(services: Services, client: WebClient, team_id: str, user_id: str) -> Profile:
    """``users.info`` for a user, cached (locale, timezone, admin flags). When Slack fails,
    the last known profile, else defaults for this request (not cached: the next retries)."""
    key = (team_id, user_id)
    cached = services.profiles.get(key)
    if isinstance(cached, Profile):
        return cached
    try:
        user = client.users_info(user=user_id, include_locale=True)["user"]
    except (SlackApiError, OSError) as exc:  # OSError: timeouts, refused connections
        why = exc.response.get("error") if isinstance(exc, SlackApiError) else repr(exc)
        log.warning("users.info failed for %s/%s: %s", team_id, user_id, why)
        known = services.profiles.get(key, stale=True)
        return known if isinstance(known, Profile) else Profile(user_id, team_id, user_id)
    profile = Profile(
        user_id=user_id,
        team_id=team_id,
        name=user.get("real_name") or user.get("name") or user_id,
        tz=user.get("tz") or "UTC",
        locale=user.get("locale") or "en-US",
        is_admin=bool(user.get("is_admin")),
        is_owner=bool(user.get("is_owner") or user.get("is_primary_owner")),
    )
    services.profiles.put(key, profile)
    return profile


def known_admin(services: Services, team_id: str, user_id: str) -> bool:
    """From profiles already known (no Slack call): a workspace admin or owner."""
    known = services.profiles.get((team_id, user_id), stale=True)
    return isinstance(known, Profile) and known.is_workspace_admin
