"""``/spin <deal>`` and ``/batna <deal>``: the modal opens at once (the trigger_id lives 3
seconds) with a loading view, then shows the checklist, a deal picker, or the problem."""

from slack_bolt import Ack, App

from bot import ids
from bot.core import checklists as cl
from bot.core.errors import DomainError
from bot.usecases import checklists
from handlers.kit.replies import open_then_fill
from handlers.ui import checklists as ui
from handlers.ui.common import echo_line

KIND = {ids.CMD_SPIN: cl.SPIN, ids.CMD_BATNA: cl.BATNA}


def checklist_command(ack: Ack, body, command, client, text, actor, t, services) -> None:
    ack()
    kind, channel = KIND[command["command"]], command.get("channel_id")

    echo = echo_line(t, command["command"], text)

    def build() -> dict:
        found = checklists.find(services.db, actor, kind=kind, text=text)
        return ui.opened_view(t, found, kind=kind, channel=channel, echo=echo)

    def problem(err: DomainError) -> dict:
        return ui.problem_modal(t, kind=kind, problem=err.render(t), echo=echo)

    open_then_fill(client, t, body["trigger_id"], build, problem=problem)


def register(app: App) -> None:
    app.command(ids.CMD_SPIN)(checklist_command)
    app.command(ids.CMD_BATNA)(checklist_command)
