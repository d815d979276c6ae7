"""A SPIN checklist or BATNA sheet submitted: a new version, unless someone saved one
while this user was writing (then their answers stay in the modal). When a stage gate
waited for it, the move completes."""

from slack_bolt import Ack, App
from slack_sdk.webhook import WebhookClient

from bot import ids
from bot.core.errors import DomainError
from bot.usecases import checklists, deals
from handlers.kit.replies import post_privately
from handlers.ui import checklists as ui
from handlers.ui import deals as ui_deals
from handlers.ui.common import message, read_meta


def checklist_submitted(ack: Ack, view, form, client, actor, t, services, request_key) -> None:
    sub = ui.submitted(view, form)
    result = checklists.save(
        services.db, actor, sub, key=request_key, now=services.now(), locale=t.locale
    )
    if isinstance(result, checklists.NewerVersion):
        return ack(response_action="update", view=ui.newer_version_view(t, view, form, result))
    ack()
    if isinstance(result, checklists.Retried):
        return  # a Slack retry: saved (and answered) the first time
    meta = read_meta(view)
    post_privately(client, actor.user_id, meta.get("c"), ui.saved_reply(t, result))
    then = ui.move_of(meta)
    if then is not None:
        complete_move(client, actor, t, services, meta, result.deal_id, then, request_key)


def complete_move(client, actor, t, services, meta, deal_id, then, key) -> None:
    """The checklist was what a gate waited for: make the move, and say so where the gate's
    message was (or privately). The checklist is saved either way: a move refused now
    (it moved meanwhile, say) is reported, not raised."""
    try:
        result = deals.move(
            services.db,
            actor,
            deal_id=deal_id,
            request=then,
            key=f"{key}:move" if key else None,
            now=services.now(),
            confirmed=True,
        )
        msg = ui_deals.move_reply(t, result)
    except DomainError as err:
        msg = message(":warning: " + err.render(t))
    if meta.get("r"):
        sent = WebhookClient(meta["r"]).send(
            replace_original=True, response_type="ephemeral", **msg
        )
        if sent.status_code == 200:
            return
    post_privately(client, actor.user_id, meta.get("c"), msg)


def register(app: App) -> None:
    app.view(ids.VIEW_SPIN)(checklist_submitted)
    app.view(ids.VIEW_BATNA)(checklist_submitted)
