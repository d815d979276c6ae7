"""``user_change``: Slack deactivated a member (``user.deleted``) — no more DMs for them, and
their open deals are listed for the managers — or reactivated them (all undone)."""

from slack_bolt import App

from bot import ids
from bot.usecases import members


def user_change(event, context, services, request_key) -> None:
    user = event.get("user") if isinstance(event.get("user"), dict) else {}
    team_id = context.team_id
    if not user.get("id") or not team_id or user.get("is_bot"):
        return
    if user.get("team_id", team_id) != team_id:
        return  # someone of another organisation (Slack Connect): not our member
    members.member_changed(
        services.db,
        team_id=team_id,
        user_id=user["id"],
        deleted=bool(user.get("deleted")),
        key=request_key,
        now=services.now(),
    )
    services.profiles.drop((team_id, user["id"]))  # users.info asked afresh


def register(app: App) -> None:
    app.event(ids.EVENT_USER_CHANGE)(user_change)
