"""The bits of a Slack user the app needs, from ``users.info``, cached for a few minutes.

A profile already known is used at once, even an old one: when it is older than the cache's
time-to-live it is refreshed in the background, after the request has gone on, so a slow or
rate-limited Slack never delays an answer for someone the app has seen before. Only a user's
very first request waits for ``users.info`` (under the deadline runner, which answers Slack
in time regardless)."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

_refresher = ThreadPoolExecutor(max_workers=2, thread_name_prefix="profiles")
_refreshing: set[tuple[str, str]] = set()
_refreshing_lock = threading.Lock()


@dataclass(frozen=True)
class Profile:
    user_id: str
    team_id: str
    name: str
    tz: str = "UTC"
    locale: str = "en-US"
    is_admin: bool = False
    is_owner: bool = False
    member: bool = True  # a person of this workspace (not deactivated, not a bot)

    @property
    def is_workspace_admin(self) -> bool:
        return self.is_admin or self.is_owner


def fetch_profile(services: Services, client: WebClient, team_id: str, user_id: str) -> Profile:
    """A user's profile: the cached one (refreshed in the background when old), else from
    ``users.info``. When Slack fails, defaults for this request (not cached: the next
    request asks again)."""
    key = (team_id, user_id)
    cached = services.profiles.get(key)
    if isinstance(cached, Profile):
        return cached
    known = services.profiles.get(key, stale=True)
    if isinstance(known, Profile):
        _refresh_later(services, client, key)
        return known
    return _ask_slack(services, client, key) or Profile(user_id, team_id, user_id)


def _refresh_later(services: Services, client: WebClient, key: tuple[str, str]) -> None:
    with _refreshing_lock:
        if key in _refreshing:
            return
        _refreshing.add(key)

    def refresh() -> None:
        try:
            _ask_slack(services, client, key)
        finally:
            with _refreshing_lock:
                _refreshing.discard(key)

    _refresher.submit(refresh)


def _ask_slack(services: Services, client: WebClient, key: tuple[str, str]) -> Profile | None:
    """``users.info``, cached on success; ``None`` when Slack fails (or the user is gone)."""
    team_id, user_id = key
    try:
        user = client.users_info(user=user_id, include_locale=True)["user"]
    except (SlackApiError, OSError) as exc:  # OSError: timeouts, refused connections
        why = exc.response.get("error") if isinstance(exc, SlackApiError) else repr(exc)
        log.warning("users.info failed for %s/%s: %s", team_id, user_id, why)
        return None
    profile = Profile(
        user_id=user_id,
        team_id=team_id,
        name=user.get("real_name") or user.get("name") or user_id,
        tz=user.get("tz") or "UTC",
        locale=user.get("locale") or "en-US",
        is_admin=bool(user.get("is_admin")),
        is_owner=bool(user.get("is_owner") or user.get("is_primary_owner")),
        member=not (user.get("deleted") or user.get("is_bot"))
        and user.get("team_id", team_id) == team_id,
    )
    services.profiles.put(key, profile)
    return profile


def known_members(
    services: Services, client: WebClient, team_id: str, user_ids: list[str]
) -> set[str]:
    """Those of ``user_ids`` who are people in this workspace (not deactivated, not bots,
    not guests from another organisation), as ``users.info`` says (cached)."""
    found = set()
    for user_id in user_ids[:20]:  # a command names a few people; more is not a real text
        key = (team_id, user_id)
        known = services.profiles.get(key, stale=True)
        profile = known if isinstance(known, Profile) else _ask_slack(services, client, key)
        if profile is not None and profile.member:
            found.add(user_id)
    return found


def known_admin(services: Services, team_id: str, user_id: str) -> bool:
    """From profiles already known (no Slack call): a workspace admin or owner."""
    known = services.profiles.get((team_id, user_id), stale=True)
    return isinstance(known, Profile) and known.is_workspace_admin
