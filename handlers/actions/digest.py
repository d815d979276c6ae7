"""Buttons of digests and reminders: a deal's card, Nudge owner (managers), Snooze, and
"See all" under a digest's shortened lists."""

import re

from slack_bolt import Ack, App

from bot import ids
from bot.core.i18n import Translator
from bot.core.slots import local_date, valid_timezone
from bot.usecases import digest, followups, members, people, pipeline
from handlers.kit.profiles import fetch_profile
from handlers.ui import cards
from handlers.ui import digest as ui_digest
from handlers.ui import people as ui_people
from handlers.ui import reminders as ui


def nudge(ack: Ack, action, client, actor, t, services, answer, act):
    """A manager asks a deal's owner for an update: the owner gets a DM (in their language)
    with a one-click way to log a meeting or set the next step — once per click, however
    often the click is replayed."""
    ack()
    deal_id, why = ui.nudge_args(action.get("value"))
    if refused := nudge_refused(client, actor, services, deal_id):
        return answer(refused_message(t, refused))
    done = act(followups.nudge, deal_id=deal_id)
    item = done.item
    if done.fresh:
        owner = fetch_profile(services, client, actor.team_id, item.owner_id)
        owner_t = Translator(
            people.language_of(
                services.db, team_id=actor.team_id, user_id=item.owner_id, slack_locale=owner.locale
            )
        )
        dm = ui.nudge_dm(
            owner_t, item=item, why=why, manager_id=actor.user_id, locale=owner_t.locale
        )
        client.chat_postMessage(channel=item.owner_id, **dm)
    answer(ui.nudged_message(t, owner_id=item.owner_id, deal=item.name))


def nudge_refused(client, actor, services, deal_id: int) -> tuple[str, str] | None:
    """The owner deactivated, or not wanting nudges now (issue 15): why, and who."""
    item = followups.nudge_item(services.db, actor, deal_id=deal_id, now=services.now())
    gate = members.dm_gate(services.db, team_id=actor.team_id, user_id=item.owner_id)
    owner = fetch_profile(services, client, actor.team_id, item.owner_id)
    why = gate.nudge_refused(local_date(services.now(), valid_timezone(owner.tz)))
    return (why, item.owner_id) if why else None


def refused_message(t, refused: tuple[str, str]) -> dict:
    return ui_people.nudge_refused_message(t, refused[0], owner_id=refused[1])


def digest_card(ack: Ack, action, actor, t, services, answer, today, tz):
    ack()
    card = pipeline.card(services.db, actor, deal_id=int(action["value"]), today=today)
    answer(cards.card_message(t, card, now=services.now(), tz=tz))


def see_all(ack: Ack, action, actor, t, services, answer):
    """ "See all" under a digest's stale deals or overdue next steps: the whole list, for
    whoever pressed it, privately."""
    ack()
    why, owners, tz = ui_digest.see_all_args(action.get("value"))
    found = digest.full_list(services.db, actor, why=why, owners=owners, now=services.now(), tz=tz)
    answer(ui_digest.full_list_message(t, found))


def snooze(ack: Ack, body, action, client, actor, t, services, today) -> None:
    ack()
    draft = followups.snooze_draft(services.db, actor, deal_id=int(action["value"]), today=today)
    client.views_open(trigger_id=body["trigger_id"], view=ui.snooze_form(t, draft))


def register(app: App) -> None:
    app.action(ids.ACTION_NUDGE)(nudge)
    app.action(re.compile(rf"^{ids.ACTION_DIGEST_CARD}_\d+$"))(digest_card)
    app.action(ids.ACTION_SNOOZE)(snooze)
    app.action(ids.ACTION_DIGEST_ALL)(see_all)
