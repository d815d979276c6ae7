"""``/pipeline reassign @from @to [all]`` (``alihkan``): a manager's bulk reassignment, shown
first; ``/pipeline notify`` (``notifikasi``): my notification preferences;
``/pipeline export all`` (``ekspor semua``): the whole workspace as a zip of CSV files in
the manager's DM. Registered before ``/pipeline``'s own listener, for these words only."""

from slack_bolt import Ack, App

from bot import ids
from bot.core import phrases
from bot.usecases import dataexport, members
from handlers.kit.replies import reply
from handlers.ui import dataexport as ui_export
from handlers.ui import people as ui


def is_people_command(body: dict) -> bool:
    text = (body.get("text") or "").strip()
    word = phrases.first_word(text)
    return word in phrases.REASSIGN_WORDS | phrases.NOTIFY_WORDS or phrases.is_export_all(text)


def people_command(ack: Ack, command, text, actor, t, services, client, mentions) -> None:
    word = phrases.first_word(text)
    if word in phrases.NOTIFY_WORDS:
        ack()
        view = ui.notify_modal(t, members.preferences(services.db, actor))
        client.views_open(trigger_id=command["trigger_id"], view=view)
        return
    if word in phrases.REASSIGN_WORDS:
        args = phrases.reassign_args(text)
        shown = members.reassign_preview(services.db, actor, args=args, real=mentions, text=text)
        return reply(ack, ui.preview_message(t, shown))
    export_all(ack, actor, t, services, client)


def export_all(ack: Ack, actor, t, services, client) -> None:
    dataexport.check_export_all(actor)
    reply(ack, ui_export.export_all_started(t))
    day = services.now().date()
    pack = ui_export.zip_packer(t, team_id=actor.team_id, day=day)
    done = dataexport.export_all(services.db, actor, pack=pack)
    dm = client.conversations_open(users=actor.user_id)["channel"]["id"]
    client.files_upload_v2(channel=dm, **ui_export.export_all_upload(t, done, day=day))


def register(app: App) -> None:
    app.command(ids.CMD_PIPELINE, matchers=[is_people_command])(people_command)
