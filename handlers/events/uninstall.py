"""The app leaves a workspace: ``app_uninstalled``, ``tokens_revoked``. Its installation
goes at once; its data after the grace period (``bot.usecases.installs``)."""

from slack_bolt import App

from bot import ids
from bot.usecases import installs


def app_uninstalled(context, services, request_key):
    installs.uninstalled(services.db, team_id=context.team_id, key=request_key, now=services.now())


def tokens_revoked(event, context, services, request_key):
    tokens = event.get("tokens") or {}
    installs.tokens_revoked(
        services.db,
        team_id=context.team_id,
        key=request_key,
        now=services.now(),
        bot=bool(tokens.get("bot")),
        users=list(tokens.get("oauth") or []),
    )


def register(app: App) -> None:
    app.event(ids.EVENT_APP_UNINSTALLED)(app_uninstalled)
    app.event(ids.EVENT_TOKENS_REVOKED)(tokens_revoked)
