"""``/pipeline``: my open deals by stage; ``team``; ``stages``; ``gates``; ``stats``;
``export``; ``forecast [quarter] [team]``; ``target @rep 500jt [Q1]`` (managers);
``managers add|remove|list``; ``lang id|en`` (``bahasa id``); ``settings``
and ``import`` (managers); ``<deal>`` (a card) and ``<deal> history``; ``delete <deal>``,
``merge <A> into <B>``."""

from slack_bolt import Ack, App

from bot import ids
from bot.core import phrases, removal
from bot.core.deals import Actor
from bot.core.i18n import Translator
from bot.usecases import (
    checklists,
    deals,
    imports,
    people,
    pipeline,
    record,
    settings,
    stages,
    stats,
)
from bot.usecases import forecast as forecasts
from handlers.kit.profiles import fetch_profile, known_admin
from handlers.kit.replies import reply
from handlers.ui import cards, gates
from handlers.ui import checklists as ui_checklists
from handlers.ui import deals as ui
from handlers.ui import forecast as ui_forecast
from handlers.ui import imports as ui_imports
from handlers.ui import record as ui_record
from handlers.ui import settings as ui_settings
from handlers.ui import stats as ui_stats
from handlers.ui.export import deals_encoder, moves_encoder
from handlers.ui.usage import USAGE


def pipeline_command(
    ack: Ack, command, text, actor, t, tz, today, services, client, mentions, act
) -> None:
    word = phrases.first_word(text)
    if word in phrases.EXPORT_WORDS:
        return export(ack, text, actor, t, tz, services, client)
    if word in phrases.MANAGER_WORDS:
        return managers(ack, text, actor, t, services, mentions)
    if (language := phrases.language_request(text)) is not None:
        return choose_language(ack, language, t, act)
    if text.strip().lower() in phrases.SETTINGS_WORDS:
        return open_settings(ack, command, actor, t, services, client)
    if phrases.is_forecast(text):
        return forecast(ack, text, actor, t, tz, today, services, act)
    if text.strip().lower() in phrases.IMPORT_WORDS:
        return open_import(ack, command, actor, t, client)
    if word in removal.DELETE_WORDS | removal.MERGE_WORDS:  # issue 15
        return reply(ack, delete_or_merge(text, word, actor, t, services))
    answer = sub_command(text, word, actor, t, tz, services)
    if answer is None:
        return reply(ack, card_or_history(text, actor, t, services, today, tz))
    named = deals.deal_named(services.db, actor, text=text) if text else None
    reply(ack, ui.with_quote_hint(t, answer, named) if named else answer)


def sub_command(text: str, word: str, actor, t, tz, services) -> dict | None:
    """The answer of a sub-command (``None``: the text names a deal)."""
    db = services.db
    if not text or word in phrases.PIPELINE_TEAM_WORDS:
        return ui.pipeline_reply(t, pipeline.pipeline(db, actor, team=bool(text)))
    if word in phrases.STAGES_WORDS:
        return ui.stages_reply(t, pipeline.stage_list(db, actor))
    if text.strip().lower() in phrases.GATE_WORDS:
        return gates.gates_reply(t, stages.gate_list(db, actor))
    if word in phrases.STATS_WORDS:
        period, team = ui_stats.stats_args(text)
        result = stats.stats(db, actor, period=period, team=team, now=services.now(), tz=tz)
        return ui_stats.stats_reply(t, result)
    return None


def open_settings(ack: Ack, command, actor, t, services, client) -> None:
    """``/pipeline settings`` (managers): the workspace's default language and currency."""
    current = settings.workspace_settings(services.db, actor)
    ack()
    view = ui_settings.settings_modal(t, current, channel=command["channel_id"])
    client.views_open(trigger_id=command["trigger_id"], view=view)


def forecast(ack: Ack, text, actor, t, tz, today, services, act) -> None:
    """``forecast [period] [team]``; ``target @rep 500jt [Q1]`` (managers)."""
    if phrases.first_word(text) in phrases.TARGET_WORDS:
        owner, rest = ui_forecast.target_args(text)
        done = act(forecasts.target_from_text, owner_id=owner, text=rest, today=today)
        return reply(ack, ui_forecast.target_set_reply(t, done))
    span, team = ui_forecast.forecast_args(text, today=today)
    result = forecasts.forecast(services.db, actor, span=span, team=team, today=today, tz=tz)
    reply(ack, ui_forecast.forecast_reply(t, result))


def open_import(ack: Ack, command, actor, t, client) -> None:
    """``/pipeline import`` (managers): the modal that takes a CSV (``handlers.views.imports``)."""
    imports.check_import(actor)
    ack()
    view = ui_imports.import_modal(t, channel=command["channel_id"])
    client.views_open(trigger_id=command["trigger_id"], view=view)


def choose_language(ack: Ack, language: str, t, act) -> None:
    """``/pipeline lang id``: answered in the language chosen; alone, the reader's own."""
    if not language:
        return reply(ack, ui_settings.language_status(t))
    done = act(people.set_language, language)
    reply(ack, ui_settings.language_set_reply(Translator(done.language), done))


def export(ack: Ack, text, actor, t, tz, services, client) -> None:
    """Two CSV files in the user's DM: their deals (or the team's, for managers), with
    names, labels and the user's local dates."""
    team = ui_stats.export_args(text)
    stats.check_export(actor, team=team)
    reply(ack, ui_stats.export_started_message(t, team=team))

    def name(user_id: str) -> str:
        return fetch_profile(services, client, actor.team_id, user_id).name

    deals_csv = deals_encoder(t, tz=tz, names=name)
    moves_csv = moves_encoder(t, tz=tz, names=name)
    done = stats.export(services.db, actor, team=team, deals_csv=deals_csv, moves_csv=moves_csv)
    dm = client.conversations_open(users=actor.user_id)["channel"]["id"]
    upload = ui_stats.export_upload(t, done, day=services.now().date(), team=team)
    client.files_upload_v2(channel=dm, **upload)


def managers(ack: Ack, text, actor, t, services, mentions) -> None:
    op, users = phrases.managers_args(text)
    result = people.managers(
        services.db, actor, op=op, users=users, now=services.now(), text=text, real=mentions
    )
    admins = [
        u for u in result.changed + result.unchanged if known_admin(services, actor.team_id, u)
    ]
    reply(ack, ui.managers_reply(t, result, admins=admins if op == "remove" else []))


def card_or_history(text: str, actor: Actor, t: Translator, services, today, tz=None) -> dict:
    """A deal's card; ``<deal> history [spin|batna] [page]`` its history — unless a deal is
    called that whole text ("Acme History" is its own card). Text that names no deal at
    all (only distant suggestions) is answered with the usage, and the closest deals."""
    db, query = services.db, phrases.history_query(text)
    with db.read() as s:
        found = deals.resolve_deal(session=s, team_id=actor.team_id, text=text) if query else None
        if found is None or not found.exact:
            found = deals.resolve_deal(
                session=s, team_id=actor.team_id, text=query.name if query else text
            )
        else:
            query = None
    typed = query.name if query else text
    if found.deal is None and not found.choices:
        choices = deals.choices_of(found, typed, None) if found.suggestions else None
        return ui.not_a_deal_message(t, usage=USAGE[ids.CMD_PIPELINE], text=text, choices=choices)
    if found.deal is None:
        choices = deals.choices_of(found, typed, None, db=db, team_id=actor.team_id)
        return ui.choices_message(t, choices)
    if query is not None:
        return history_reply(db, actor, t, found.deal.id, query, tz)
    card = pipeline.card(db, actor, deal_id=found.deal.id, today=today)
    return cards.card_message(t, card, now=services.now(), tz=tz)


def history_reply(db, actor: Actor, t: Translator, deal_id: int, query, tz) -> dict:
    """``<deal> history``: its changes on record (stage moves among them), checklists and
    meetings; ``<deal> history spin [page]``: that checklist alone."""
    history = checklists.history(db, actor, deal_id=deal_id, kind=query.kind, page=query.page)
    shown = ui_checklists.history_reply(t, history)
    if query.kind:
        return shown
    return ui_record.with_record(t, shown, record.deal_record(db, actor, deal_id=deal_id), tz)


def delete_or_merge(text: str, word: str, actor: Actor, t: Translator, services) -> dict:
    """``/pipeline delete <deal>`` (``hapus``) and ``/pipeline merge <A> into <B>``
    (``gabungkan <A> ke <B>``): what would happen, with the button that does it."""
    if word in removal.DELETE_WORDS:
        shown = record.delete_preview(services.db, actor, text=removal.delete_target(text))
        return ui_record.delete_confirm_message(t, shown)
    names = removal.merge_target(text)
    preview = record.merge_preview_named(
        services.db, actor, merged=names.merged, survivor=names.survivor
    )
    return ui_record.merge_confirm_message(t, preview)


def register(app: App) -> None:
    app.command(ids.CMD_PIPELINE)(pipeline_command)
