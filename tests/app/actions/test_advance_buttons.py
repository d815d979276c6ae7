"""Advance buttons carry the stage their user saw the deal in: pressed after someone else
moved it, they change nothing and say so (issue 12, item 6)."""

from __future__ import annotations

from sqlmodel import select

from bot import ids
from slackkit import all_text
from storage.models import Deal, StageMove
from tests.factories import make_deal


def advance_value(payload: dict) -> str:
    """The value of the Advance button in a reply."""
    for block in payload.get("blocks", []):
        for element in block.get("elements", []):
            if element.get("action_id") == ids.ACTION_ADVANCE_DEAL:
                return element["value"]
    raise AssertionError(f"no Advance button in {payload}")


def moves(running) -> list[tuple[str | None, str]]:
    with running.services.db.read() as s:
        rows = s.exec(select(StageMove).order_by(StageMove.id)).all()
    return [(m.from_name, m.to_name) for m in rows]


def test_an_advance_button_pressed_after_the_deal_moved_changes_nothing(slack, running, fake):
    deal_id = make_deal(running.services.db, name="Acme")
    card = slack.command(ids.CMD_PIPELINE, "Acme").json  # seen in Prospecting
    button = advance_value(card)
    assert button == f"{deal_id}:{_stage(running, deal_id)}"
    slack.command(ids.CMD_ADVANCE, "Acme")  # meanwhile: Prospecting → Approaching
    slack.block_action(ids.ACTION_ADVANCE_DEAL, value=button)
    [reply] = fake.wait_for("response_url")
    assert "was moved by someone else meanwhile; nothing changed" in all_text(reply.params)
    assert moves(running) == [(None, "Prospecting"), ("Prospecting", "Approaching")]


def test_an_advance_button_moves_from_the_stage_it_shows(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    moved = slack.command(ids.CMD_ADVANCE, "Acme").json  # its reply's button: Approaching
    slack.block_action(ids.ACTION_ADVANCE_DEAL, value=advance_value(moved))
    [reply] = fake.wait_for("response_url")
    assert "Probing" in all_text(reply.params)
    assert moves(running)[-1] == ("Approaching", "Probing")


def test_a_button_sent_before_stages_were_carried_still_advances(slack, running, fake):
    deal_id = make_deal(running.services.db, name="Acme")
    slack.block_action(ids.ACTION_ADVANCE_DEAL, value=str(deal_id))
    [reply] = fake.wait_for("response_url")
    assert "Approaching" in all_text(reply.params)


def test_the_home_tab_menu_carries_the_stage_too(slack, running, fake):
    deal_id = make_deal(running.services.db, name="Acme")
    seen = _stage(running, deal_id)
    slack.command(ids.CMD_ADVANCE, "Acme")
    slack.block_action(ids.ACTION_HOME_DEAL, selected_option=f"advance:{deal_id}:{seen}")
    [reply] = fake.wait_for("response_url")
    assert "moved by someone else meanwhile" in all_text(reply.params)


def _stage(running, deal_id: int) -> int:
    with running.services.db.read() as s:
        return s.get(Deal, deal_id).stage_id
