"""Stage gates end to end: defaults, /advance held at a gate (warning: fill it or move anyway;
required: fill it), the checklist completing the move, managers editing gates, and the
migration that gives existing workspaces the default gates."""

from __future__ import annotations

import json

import sqlalchemy as sa
from slack_sdk.models.blocks import Block
from sqlmodel import select

from bot import ids
from slackkit import all_text, block_problems
from storage import deals as store
from storage import stages as stage_store
from storage.migrate import upgrade
from storage.models import Stage, StageMove
from storage.models_checklist import ChecklistVersion
from tests.app.views.test_checklists import filled_modal, valid
from tests.factories import add_manager, make_deal


def stages(running) -> dict[str, Stage]:
    with running.services.db.read() as s:
        return {st.key: st for st in stage_store.list_stages(session=s, team_id="T1")}


def stage_of(running, deal_id=1) -> str:
    with running.services.db.read() as s:
        deal = store.get_deal(session=s, team_id="T1", deal_id=deal_id)
        return stage_store.get_stage(session=s, team_id="T1", stage_id=deal.stage_id).key


def set_gate(running, key: str, checklist: str | None, mode: str) -> None:
    with running.services.db.transaction() as s:
        st = next(x for x in stage_store.list_stages(session=s, team_id="T1") if x.key == key)
        st.gate_checklist, st.gate_mode = checklist, mode
        s.add(st)


def buttons(payload: dict) -> dict[str, dict]:
    return {
        el["text"]["text"]: el
        for b in payload.get("blocks", [])
        if b["type"] == "actions"
        for el in b["elements"]
    }


def click(slack, payload: dict, label: str, **kw):
    b = buttons(payload)[label]
    return slack.block_action(b["action_id"], value=b["value"], message=payload, **kw)


def test_default_gates_are_seeded(running):
    got = {k: (st.gate_checklist, st.gate_mode) for k, st in stages(running).items()}
    assert got["presentation"] == ("spin", "warn")
    assert got["negotiation"] == ("batna", "warn")
    assert got["closing"] == (None, "off")


def test_warning_gate_holds_the_move_until_move_anyway(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="probing")
    resp = slack.command(ids.CMD_ADVANCE, "Acme")
    shown = all_text(resp.json)
    assert "asks for a SPIN checklist first" in shown
    assert {"Fill SPIN and move", "Move anyway", "Cancel"} <= set(buttons(resp.json))
    assert stage_of(running) == "probing"
    fake.clear()
    click(slack, resp.json, "Move anyway")
    [reply] = fake.wait_for("response_url")
    assert reply.params["replace_original"] is True
    assert "Probing → *Presentation*" in all_text(reply.params)
    assert stage_of(running) == "presentation"


def test_filling_the_checklist_completes_the_move(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="presentation")
    resp = slack.command(ids.CMD_ADVANCE, "Acme")
    assert "asks for a BATNA checklist" in all_text(resp.json)
    fake.clear()
    click(slack, resp.json, "Fill BATNA and move")
    view = filled_modal(fake)
    assert view["callback_id"] == ids.VIEW_BATNA
    fake.clear()
    sub = slack.view_submission(view, {"possible": "60jt", "target": "50jt", "critical": "40jt"})
    assert not sub.text.strip(), sub.text
    [moved] = fake.wait_for("response_url")  # the gate message becomes the move
    assert moved.params["replace_original"] is True
    assert "Presentation → *Negotiation*" in all_text(moved.params)
    assert stage_of(running) == "negotiation"
    # Retried, the submission neither saves again nor moves again.
    slack.resend(sub, retry_num=1)
    with running.services.db.read() as s:
        assert len(s.exec(select(StageMove)).all()) == 3  # created, the factory's move, the gate's


def test_a_deal_with_the_checklist_passes_the_gate(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="probing")
    fake.clear()
    slack.command(ids.CMD_SPIN, "Acme")
    slack.view_submission(filled_modal(fake), {"problem_learned": "Slow month-end"})
    resp = slack.command(ids.CMD_ADVANCE, "Acme")
    assert "Probing → *Presentation*" in all_text(resp.json)


def test_required_gate_refuses_and_cannot_be_bypassed(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="probing")
    set_gate(running, "presentation", "spin", "require")
    resp = slack.command(ids.CMD_ADVANCE, "Acme to presentation")
    assert "requires a SPIN checklist" in all_text(resp.json)
    assert "Move anyway" not in buttons(resp.json)
    forged = json.loads(buttons(resp.json)["Fill SPIN and move"]["value"])
    fake.clear()
    slack.block_action(ids.ACTION_GATE_MOVE_ANYWAY, value=json.dumps(forged), message=resp.json)
    [reply] = fake.wait_for("response_url")
    assert "requires a SPIN checklist" in all_text(reply.params)
    assert stage_of(running) == "probing"


def test_required_gate_fill_and_move_completes_the_move(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="probing")
    set_gate(running, "presentation", "spin", "require")
    resp = slack.command(ids.CMD_ADVANCE, "Acme to presentation")
    assert "requires a SPIN checklist" in all_text(resp.json)
    fake.clear()
    click(slack, resp.json, "Fill SPIN and move")
    view = filled_modal(fake)
    assert view["callback_id"] == ids.VIEW_SPIN and "Acme" in all_text(view)
    assert stage_of(running) == "probing"  # opening the checklist moves nothing
    fake.clear()
    sub = slack.view_submission(view, {"problem_learned": "Orders get lost at month-end"})
    assert not sub.text.strip(), sub.text
    [moved] = fake.wait_for("response_url")  # the gate's message becomes the move
    assert moved.params["replace_original"] is True
    assert "Probing → *Presentation*" in all_text(moved.params)
    assert stage_of(running) == "presentation"
    with running.services.db.read() as s:
        [version] = s.exec(select(ChecklistVersion)).all()
        last = s.exec(select(StageMove).order_by(StageMove.id.desc())).first()
    assert (version.kind, version.deal_id, version.created_by) == ("spin", 1, "U1")
    assert (last.from_name, last.to_name, last.moved_by) == ("Probing", "Presentation", "U1")
    # Retried, the submission neither saves again nor moves again.
    slack.resend(sub, retry_num=1)
    with running.services.db.read() as s:
        assert len(s.exec(select(ChecklistVersion)).all()) == 1
        assert len(s.exec(select(StageMove)).all()) == 3  # created, the factory's, the gate's


def test_off_gate_and_moves_to_ungated_stages_are_direct(slack, running):
    make_deal(running.services.db, name="Acme", stage_key="probing")
    set_gate(running, "presentation", "spin", "off")
    assert "*Presentation*" in all_text(slack.command(ids.CMD_ADVANCE, "Acme").json)
    assert stage_of(running) == "presentation"
    make_deal(running.services.db, name="Beta", stage_key="negotiation")
    assert "*Closing*" in all_text(slack.command(ids.CMD_ADVANCE, "Beta").json)
    assert "lost" in all_text(slack.command(ids.CMD_ADVANCE, "Beta lost price").json)


def test_gate_answers_respect_ownership(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="probing", owner_id="U1")
    resp = slack.command(ids.CMD_ADVANCE, "Acme", user_id="U2")
    assert "Only the deal's owner (<@U1>)" in all_text(resp.json)


# --- managers set the gates -------------------------------------------------------------


def test_managers_edit_gates_in_a_modal(slack, running, fake):
    fake.add_user("UMGR")
    add_manager(running.services.db, "UMGR")
    listing = slack.command(ids.CMD_PIPELINE, "gates", user_id="UMGR")
    shown = all_text(listing.json)
    assert "*Presentation* — SPIN: warning" in shown and "*Closing* — No gate" in shown
    fake.clear()
    click(slack, listing.json, "Edit gates", user_id="UMGR")
    view = filled_modal(fake)
    assert view["callback_id"] == ids.VIEW_GATES
    ids_by_name = {
        b["label"]["text"]: b["block_id"] for b in view["blocks"] if b["type"] == "input"
    }
    assert "Lost" not in ids_by_name
    fake.clear()
    sub = slack.view_submission(
        view,
        {ids_by_name["Presentation"]: "spin:require", ids_by_name["Closing"]: "batna:warn"},
        user_id="UMGR",
    )
    assert not sub.text.strip(), sub.text
    assert "Saved the stage gates" in all_text(fake.wait_for("chat.postMessage")[0].params)
    got = stages(running)
    assert (got["presentation"].gate_checklist, got["presentation"].gate_mode) == (
        "spin",
        "require",
    )
    assert (got["closing"].gate_checklist, got["closing"].gate_mode) == ("batna", "warn")
    assert (got["negotiation"].gate_checklist, got["negotiation"].gate_mode) == ("batna", "warn")


def test_reps_see_gates_but_cannot_change_them(slack, running, fake):
    listing = slack.command(ids.CMD_PIPELINE, "gates")
    assert "Managers can change the gates" in all_text(listing.json)
    assert "Edit gates" not in buttons(listing.json)
    fake.clear()
    slack.block_action(ids.ACTION_EDIT_GATES, value="edit", message=listing.json)
    refused = filled_modal(fake)
    assert "Only a manager" in all_text(refused)
    fake.clear()
    slack.block_action(ids.ACTION_EDIT_GATES, value="edit", user_id="UADMIN")
    admin_view = filled_modal(fake)
    block = next(b["block_id"] for b in admin_view["blocks"] if b["type"] == "input")
    sub = slack.view_submission(admin_view, {block: "off"}, user_id="U2")
    assert "Only a manager" in sub.json["errors"][block]
    assert stages(running)["prospecting"].gate_mode == "off"


def test_usage_mentions_gates(slack):
    assert "/pipeline gates" in all_text(slack.command(ids.CMD_PIPELINE, "help").json)


def test_gate_message_and_gates_modal_are_valid_block_kit(slack, running, fake):
    make_deal(running.services.db, name="A" * 200, stage_key="probing")
    resp = slack.command(ids.CMD_ADVANCE, "A" * 200)
    assert not block_problems(resp.json["blocks"])
    assert [b.to_dict() for b in Block.parse_all(resp.json["blocks"])] == resp.json["blocks"]
    fake.clear()
    slack.block_action(ids.ACTION_EDIT_GATES, value="edit", user_id="UADMIN")
    valid(filled_modal(fake))


# --- the migration ----------------------------------------------------------------------


def test_migration_gives_existing_workspaces_the_default_gates(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0002")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for key, pos in (("presentation", 4), ("negotiation", 5), ("closing", 6)):
            conn.execute(
                sa.text(
                    "INSERT INTO stage (team_id, key, name, position, probability, kind, "
                    "gate_mode, created_at) VALUES ('T1', :key, :key, :pos, 0, 'open', 'off', "
                    "'2026-01-01 00:00:00')"
                ),
                {"key": key, "pos": pos},
            )
    upgrade(url, "heads")
    with engine.connect() as conn:
        got = dict(
            (
                (k, (c, m))
                for k, c, m in conn.execute(
                    sa.text("SELECT key, gate_checklist, gate_mode FROM stage")
                )
            )
        )
    engine.dispose()
    assert got == {
        "presentation": ("spin", "warn"),
        "negotiation": ("batna", "warn"),
        "closing": (None, "off"),
    }
