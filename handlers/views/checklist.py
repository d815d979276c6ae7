"""A SPIN checklist or BATNA sheet submitted: a new version, unless someone saved one
while this user was writing (then their answers stay in the modal). When a stage gate
waited for it, the move completes."""

from slack_bolt import Ack, App
from slack_sdk.webhook import WebhookClient

from bot import ids
from bot.core.errors import DomainError
from bot.usecases import checklists, deals
from handlers.kit.replies import response_url_allowed
from handlers.ui import checklists as ui
from handlers.ui import deals as ui_deals
from handlers.ui.common import message, problem_text, read_meta


def checklist_submitted(ack: Ack, view, form, actor, t, services, act, request_key, answer) -> None:
    result = act(checklists.save, ui.submitted(view, form), locale=t.locale)
    if isinstance(result, checklists.NewerVersion):
        return ack(response_action="update", view=ui.newer_version_view(t, view, form, result))
    ack()
    if isinstance(result, checklists.Retried):
        return  # a Slack retry: saved (and answered) the first time
    meta = read_meta(view)
    answer.privately(ui.saved_reply(t, result), channel=meta.get("c"))
    then = ui.move_of(meta)
    if then is not None:
        complete_move(answer, actor, t, services, meta, result.deal_id, then, request_key)


def complete_move(answer, actor, t, services, meta, deal_id, then, key) -> None:
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
            gate_override=True,  # the gate's message said all it held the move for
        )
        msg = ui_deals.move_reply(t, result)
    except DomainError as err:
        msg = message(":warning: " + problem_text(t, err))
    url = meta.get("r")  # the gate message's response_url, if it is Slack's
    if url and response_url_allowed(url, services.settings.slack_api_url):
        sent = WebhookClient(url).send(replace_original=True, response_type="ephemeral", **msg)
        if sent.status_code == 200:
            return
    answer.privately(msg, channel=meta.get("c"))


def register(app: App) -> None:
    for callback_id in (ids.VIEW_SPIN, ids.VIEW_BATNA, ids.VIEW_APPROACH, ids.VIEW_FAB):
        app.view(callback_id)(checklist_submitted)
