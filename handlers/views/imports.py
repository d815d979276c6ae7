"""``/pipeline import``'s modal, step by step: the file (pasted or uploaded) → the column
mapping (the view updated in place) → the preview (pushed over it, so Back returns to the
mapping) → the import, confirmed, and its summary where the manager ran the command."""

from slack_bolt import Ack, App

from bot import ids
from bot.usecases import imports
from handlers.kit.imports import Directory, download_csv
from handlers.ui import imports as ui


def file_submitted(ack: Ack, view, form, client, actor, t, act) -> None:
    imports.check_import(actor)  # before fetching anything
    text, files = ui.read_import_form(form)
    name, data = download_csv(client, files[0]) if files else (t("pasted text"), None)
    draft = act(imports.start_import, data=data, text=text, filename=name)
    mapping = ui.mapping_modal(t, draft, channel=ui.channel_of(view))
    ack(response_action="update", view=mapping)


def mapping_submitted(ack: Ack, view, form, client, actor, t, services, today, request_key) -> None:
    draft_id = ui.meta_draft(view)
    preview = imports.preview_import(
        services.db,
        actor,
        draft_id=draft_id,
        mapping=ui.read_mapping(form),
        owner_of=Directory(client),
        today=today,
        key=request_key,
    )
    ack(response_action="push", view=ui.preview_modal(t, preview, channel=ui.channel_of(view)))
    if ui.hidden_problems(t, preview):  # more than the modal holds: every one in a DM
        dm = client.conversations_open(users=actor.user_id)["channel"]["id"]
        client.files_upload_v2(channel=dm, **ui.problems_upload(t, preview))


def preview_confirmed(ack: Ack, view, actor, t, tz, services, today, answer) -> None:
    done = imports.confirm_import(
        services.db,
        actor,
        draft_id=ui.meta_draft(view),
        today=today,
        tz=tz,
        now=services.now(),
    )
    ack(response_action="clear")
    answer.privately(ui.import_done_message(t, done), channel=ui.channel_of(view))


def register(app: App) -> None:
    app.view(ids.VIEW_IMPORT)(file_submitted)
    app.view(ids.VIEW_IMPORT_MAP)(mapping_submitted)
    app.view(ids.VIEW_IMPORT_PREVIEW)(preview_confirmed)
