"""Many workspaces from one install (OAuth), and the client that speaks for each workspace.

With ``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET`` set, Bolt's OAuth flow serves
``GET /slack/install`` (a state in the database and a cookie, then Slack's authorize page)
and ``GET /slack/oauth_redirect`` (``oauth.v2.access``, then the installation is saved), and
authorizes each request with the bot token of the workspace it comes from. Installations
and states live in our database, in slack_sdk's SQLAlchemy stores (tables made by our
migrations, ``storage.installations``). Without OAuth, the one ``SLACK_BOT_TOKEN`` speaks
for the one workspace, as before.

``Clients.for_team(team_id)`` is the WebClient for work that no request carries (scheduled
digests and reminders): the workspace's own token. ``purge`` is the scheduled job that deletes
the data of workspaces uninstalled longer ago than ``UNINSTALL_GRACE_DAYS``.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from urllib.parse import urljoin

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.core.i18n import N_, Translator
from bot.ids import BOT_SCOPES
from bot.services import Services
from bot.settings import Settings
from bot.usecases import installs

log = logging.getLogger("salespath.oauth")

STATE_TTL = 600  # seconds an install link stays valid (slack_sdk's default)
#: Slack errors of auth.test that mean the bot token no longer works in its workspace.
TOKEN_GONE = {"invalid_auth", "token_revoked", "account_inactive", "not_authed"}


#: Answered to a request from a workspace with no installation (removed, or never installed
#: here). Its user's language cannot be asked of Slack without a token: both languages.
NOT_INSTALLED = N_(
    "Salespath is no longer installed in this workspace, so it cannot answer. "
    "A workspace admin can install it again."
)


def not_installed_message() -> str:
    return "\n".join(Translator(lang)(NOT_INSTALLED) for lang in ("en", "id"))


class NotInstalled(LookupError):
    """No installation (bot token) for this workspace: it never installed the app through
    /slack/install, or it uninstalled it."""


class InstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store on our database. Saving an installation first marks the workspace
    installed (a reinstall within the grace period keeps its data; a new one gets its row and
    default stages), then saves it."""

    def __init__(self, services: Services, client_id: str) -> None:
        super().__init__(client_id=client_id, engine=services.db.engine, logger=log)
        self.services = services

    def save(self, installation: Installation) -> None:
        team_id = installation.team_id
        if team_id and not installation.is_enterprise_install:
            currency = self.services.settings.default_currency
            installs.installed(self.services.db, team_id=team_id, default_currency=currency)
            self.services.seeded.add(team_id)
        super().save(installation)
        log.info("installed in %s (%s)", team_id, installation.team_name)


def authorize_url(api_url: str) -> str:
    """Slack's authorize page on the same host as the Web API (slack.com, GovSlack, the
    local Slack): ``https://slack.com/api/`` → ``https://slack.com/oauth/v2/authorize``."""
    return urljoin(api_url, "../oauth/v2/authorize")


def oauth_settings(settings: Settings, services: Services) -> OAuthSettings:
    client_id = settings.slack_client_id or ""
    return OAuthSettings(
        client_id=client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        authorization_url=authorize_url(settings.slack_api_url),
        installation_store=InstallationStore(services, client_id),
        installation_store_bot_only=True,  # no user tokens: one query per request
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_TTL, engine=services.db.engine, logger=log
        ),
        state_expiration_seconds=STATE_TTL,
        logger=log,
    )


class Clients:
    """WebClients by token (they keep no per-call state, so one per token serves every
    thread), and the one that speaks for a workspace."""

    def __init__(self, settings: Settings, services: Services, make) -> None:
        self.settings, self.services, self._make = settings, services, make
        self._made: dict[tuple[str | None, bool], WebClient] = {}
        self._lock = threading.Lock()

    def for_token(self, token: str | None, *, quick: bool = False) -> WebClient:
        """The client for ``token`` (None: ``SLACK_BOT_TOKEN``, or no token with OAuth)."""
        key = (token, quick)
        with self._lock:
            client = self._made.get(key)
            if client is None:
                if len(self._made) > 1000:  # tokens of uninstalled workspaces: start afresh
                    self._made.clear()
                client = self._made[key] = self._make(self.settings, token, quick=quick)
            return client

    def for_team(self, team_id: str, *, quick: bool = False) -> WebClient:
        """The client that speaks for ``team_id``: its installation's bot token with OAuth
        (``NotInstalled`` when it has none), ``SLACK_BOT_TOKEN`` otherwise."""
        if not self.settings.oauth:
            return self.for_token(None, quick=quick)
        token = installs.bot_token(self.services.db, team_id=team_id)
        if token is None:
            raise NotInstalled(f"no installation for workspace {team_id}: open /slack/install")
        return self.for_token(token, quick=quick)

    def came_back(self, team_id: str) -> bool:
        """Is an uninstalled workspace installed again? With OAuth: it has an installation.
        Otherwise: ``SLACK_BOT_TOKEN`` (a new one after a reinstall, and a restart) works
        in that workspace. ``installs.Unsure`` when Slack cannot say."""
        if self.settings.oauth:
            return installs.bot_token(self.services.db, team_id=team_id) is not None
        try:
            auth = self.for_token(None).auth_test()
        except SlackApiError as exc:
            if exc.response.get("error") in TOKEN_GONE:
                return False
            raise installs.Unsure(str(exc.response.get("error"))) from exc
        except OSError as exc:
            raise installs.Unsure(repr(exc)) from exc
        return auth.get("team_id") == team_id


def purge(services: Services) -> None:
    """The scheduled job: delete the data of workspaces uninstalled more than
    ``UNINSTALL_GRACE_DAYS`` ago (and expired OAuth states)."""
    grace = timedelta(days=services.settings.uninstall_grace_days)
    purged = installs.purge_departed(
        services.db, now=services.now(), grace=grace, came_back=services.clients.came_back
    )
    for p in purged:
        services.seeded.discard(p.team_id)
