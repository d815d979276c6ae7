"""Global middleware: puts services, the Slack user's profile and a translator in context.

Listeners then read ``context["services"]``, ``context["profile"]`` and
``context["t"]`` instead of resolving them again.
"""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.i18n import Translator
from bot.services import Profile, Services

log = logging.getLogger(__name__)


def fetch_profile(services: Services, client: WebClient, team_id: str, user_id: str) -> Profile:
    """``users.info`` for a user, cached for a few minutes (locale, timezone, admin flags)."""
    key = (team_id, user_id)
    cached = services.profiles.get(key)
    if isinstance(cached, Profile):
        return cached
    try:
        user = client.users_info(user=user_id, include_locale=True)["user"]
    except (SlackApiError, OSError) as exc:  # OSError: timeouts, refused connections
        # Degrade to defaults for this request; not cached so the next request retries.
        why = exc.response.get("error") if isinstance(exc, SlackApiError) else repr(exc)
        log.warning("users.info failed for %s/%s: %s", team_id, user_id, why)
        known = services.profiles.get(key, stale=True)  # last known beats defaults
        if isinstance(known, Profile):
            return known
        return Profile(user_id=user_id, team_id=team_id, name=user_id)
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


def prepare_workspace(services: Services, team_id: str) -> None:
    """A workspace's first request creates its row (default currency) and seeds its
    default stages in a transaction of its own, so that listeners reading in a read-only
    session see committed rows: the settings' currency, and stage ids that stay the same
    for the modal that shows them and the submission that saves."""
    from storage import deals as store

    with services.db.transaction() as s:
        store.ensure_workspace(
            session=s, team_id=team_id, default_currency=services.settings.default_currency
        )
        store.list_stages(session=s, team_id=team_id)
    services.seeded.add(team_id)


def install(app: App, services: Services) -> None:
    from bot.app import make_client

    # Runs before every listener, so before any ack or views.open: never wait out a
    # rate limit here (a 429's Retry-After would spend the 3-second trigger window).
    quick = make_client(services.settings, quick=True)

    @app.middleware
    def resolve_context(context: BoltContext, next) -> None:
        context["services"] = services
        team_id, user_id = context.team_id, context.user_id
        if team_id and team_id not in services.seeded:
            prepare_workspace(services, team_id)
        if team_id and user_id:
            profile = fetch_profile(services, quick, team_id, user_id)
            context["profile"] = profile
            context["t"] = Translator(profile.locale)
        else:
            context["t"] = Translator(None)
        next()
