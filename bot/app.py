"""The app factory: ``create_app(settings)`` builds everything; importing registers nothing."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot import oauth
from bot.scheduling import Scheduler
from bot.services import Services
from bot.settings import Settings
from handlers import register_listeners
from handlers.announcements import Wins
from handlers.jobs import Jobs
from handlers.kit import errors, middleware

log = logging.getLogger("salespath")


class AnyServerErrorRetryHandler(ServerErrorRetryHandler):
    """slack_sdk's handler retries only 500 and 503; a 502 or 504 from a proxy is just as
    passing, so retry every 5xx (with slack_sdk's backoff)."""

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        return response is not None and 500 <= response.status_code < 600


def make_client(settings: Settings, token: str | None = None, *, quick: bool = False) -> WebClient:
    """Every WebClient the app makes: our base URL, retries on 429 (Retry-After), 5xx, resets.

    ``quick``: a short timeout and one fast retry of a 5xx or a reset, for calls made
    before a listener has answered Slack (the 3-second ack and ``trigger_id`` window):
    there a 429 with ``Retry-After: 3`` must not be waited out; the caller falls back.

    ``token`` None: ``SLACK_BOT_TOKEN`` (none with OAuth: each request brings its own)."""
    one = settings.slack_bot_token if not settings.oauth else None
    bot_token = one.get_secret_value() if one is not None else None
    return WebClient(
        token=token or bot_token,
        base_url=settings.slack_api_url,
        timeout=QUICK_TIMEOUT if quick else 30,
        retry_handlers=[  # one quick retry (~0.5 s backoff), never a Retry-After wait
            ConnectionErrorRetryHandler(max_retry_count=1),
            AnyServerErrorRetryHandler(max_retry_count=1),
        ]
        if quick
        else [
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            AnyServerErrorRetryHandler(max_retry_count=2),
        ],
    )


QUICK_TIMEOUT = 1  # seconds; slack_sdk's timeout is a whole number of seconds


def create_app(settings: Settings, *, services: Services | None = None) -> App:
    """The Bolt app with every listener, the middleware and the one error handler; the
    scheduler and its jobs are built (``services.scheduler``) but not started: the entry
    point starts them (``bot.server``).

    With OAuth (``SLACK_CLIENT_ID``) Bolt authorizes each request with its workspace's
    installation (``bot.oauth``); otherwise with ``SLACK_BOT_TOKEN`` (checked by auth.test)."""
    services = services or Services.from_settings(settings)
    services.clients = clients = oauth.Clients(settings, services, make_client)
    if settings.oauth and settings.slack_bot_token is not None:
        log.warning("SLACK_BOT_TOKEN is not used with OAuth: each workspace has its own token")
    app = App(
        client=clients.for_token(None),
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        logger=logging.getLogger("salespath.bolt"),
        raise_error_for_unhandled_request=False,
        oauth_settings=oauth.oauth_settings(settings, services) if settings.oauth else None,
        user_facing_authorize_error_message=oauth.not_installed_message(),
    )
    app.services = services  # type: ignore[attr-defined] - for the runner (health, shutdown)
    middleware.install(app, services, lambda token: clients.for_token(token, quick=True))
    errors.install(app)
    register_listeners(app)
    jobs = Jobs(services, app.client)
    services.wins = Wins(services, jobs)  # issue 14: won deals posted like the digests
    build_scheduler(services, jobs)
    return app


def build_scheduler(services: Services, jobs: Jobs) -> None:
    services.jobs = jobs
    services.scheduler = Scheduler(
        db=services.db,
        now=lambda: services.now(),  # read at each call: tests swap the clock
        on_digest=jobs.digest,
        on_reminders=jobs.reminders,
        on_retries=one_after_another(jobs.retries, *win_sweep(services)),
        on_purge=lambda: oauth.purge(services),
        on_missed=jobs.missed,
    )


def win_sweep(services: Services) -> tuple:
    """Issue 14: won deals are announced by a sweep that runs with the retry sweep (every
    couple of minutes), until the scheduler has a hook of its own for it."""
    return (services.wins.sweep,) if services.wins is not None else ()


def one_after_another(*sweeps):
    """One scheduled job running several sweeps: one failing never stops the next; the
    first error is raised again once all have run (the scheduler logs a database that is
    down as one line)."""

    def run() -> None:
        first: Exception | None = None
        for sweep in sweeps:
            try:
                sweep()
            except Exception as exc:  # the first raised again below, after the others ran
                if first is not None:
                    log.exception("%s failed", sweep)
                first = first or exc
        if first is not None:
            raise first

    return run
