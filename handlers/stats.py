"""/pipeline stats (the metrics for a period, conversion, where deals drop and why) and
/pipeline export (two CSV files in the user's DM)."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.core import metrics as m
from bot.core.errors import InvalidInput, PermissionDenied
from bot.core.i18n import N_, Translator
from bot.core.slots import valid_timezone
from handlers.common import actor_of, command_text, reply, services_of, translator_of
from handlers.ui import stats as ui_stats
from handlers.ui.common import problem_message
from handlers.ui.export import deals_csv, moves_csv
from handlers.ui.usage import USAGE
from storage import digests as store

TEAM_WORDS = {"team", "tim", "all", "semua"}
MINE_WORDS = {"mine", "me", "my", "saya", "aku"}


def _problem(t: Translator, problem: str, command: dict) -> dict:
    return problem_message(
        t,
        problem,
        command=command["command"],
        text=command_text(command),
        usage=USAGE[command["command"]],
    )


# --- /pipeline stats and export ---------------------------------------------------------


def _stats_args(text: str) -> tuple[str, bool]:
    """``stats [7d|30d|90d|quarter] [team|mine]`` in any order."""
    period, team = "30d", False
    for token in text.split()[1:]:
        low = token.lower()
        if low in TEAM_WORDS:
            team = True
        elif low in MINE_WORDS:
            team = False
        else:
            period = m.parse_period(token)
    return period, team


def pipeline_stats(
    *, ack: Ack, body: dict, text: str, context: BoltContext, client: WebClient, command: dict
) -> None:
    services, t = services_of(context), translator_of(context)
    try:
        key, team = _stats_args(text)
    except InvalidInput as err:
        return reply(ack, _problem(t, err.render(t), command))
    profile = context.get("profile")
    tz = valid_timezone(profile.tz if profile else None)
    period = m.period_bounds(key, now=services.now(), tz=tz)
    scope = m.Scope(context.team_id, () if team else (context.user_id,))
    with services.db.read() as s:
        pm = m.period_metrics(s, scope, period)
        conversion = m.stage_conversion(s, scope, created_from=period.start)
        lost = m.lost_breakdown(s, scope, period)
        weighted = m.weighted_pipeline(s, scope)
    reply(
        ack,
        ui_stats.stats_message(
            t,
            pm=pm,
            team=team,
            conversion=conversion,
            lost=lost,
            weighted=weighted,
            locale=t.locale,
        ),
    )


def pipeline_export(
    *, ack: Ack, body: dict, text: str, context: BoltContext, client: WebClient, command: dict
) -> None:
    services, t = services_of(context), translator_of(context)
    words = [w.lower() for w in text.split()[1:]]
    unknown = [w for w in words if w not in TEAM_WORDS | MINE_WORDS]
    if unknown:
        problem = t(
            "I don't know “{word}” for /pipeline export. Write `/pipeline export` for your "
            "deals or `/pipeline export team` for everyone's (managers).",
            word=unknown[0],
        )
        return reply(ack, _problem(t, problem, command))
    team = any(w in TEAM_WORDS for w in words)
    if team:
        with services.db.read() as s:
            if not actor_of(context, s).is_manager:
                raise PermissionDenied(
                    N_(
                        "Only a manager can export the whole team's deals. `/pipeline export` "
                        "sends yours."
                    )
                )
    reply(ack, ui_stats.export_started_message(t, team=team))
    owners = () if team else (context.user_id,)
    with services.db.read() as s:
        deals, n_deals = deals_csv(
            store.iter_deals_for_export(session=s, team_id=context.team_id, owners=owners)
        )
        moves, n_moves = moves_csv(
            store.iter_moves_for_export(session=s, team_id=context.team_id, owners=owners)
        )
    day = services.now().date().isoformat()
    dm = client.conversations_open(users=context.user_id)["channel"]["id"]
    client.files_upload_v2(
        channel=dm,
        initial_comment=ui_stats.export_comment(t, deals=n_deals, moves=n_moves, team=team),
        file_uploads=[
            {"file": deals, "filename": f"deals-{day}.csv", "title": t("Deals")},
            {"file": moves, "filename": f"stage-history-{day}.csv", "title": t("Stage history")},
        ],
    )
