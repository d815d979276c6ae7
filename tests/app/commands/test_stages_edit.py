"""Managers edit the stage list in a modal; others can't; history stays readable."""

from __future__ import annotations

from bot import ids
from slackkit import all_text
from storage import stages as stage_store
from tests.factories import make_deal


def open_editor(slack, fake, user_id="UADMIN"):
    before = len(fake.calls_to("views.open"))
    resp = slack.command(ids.CMD_PIPELINE, "stages", user_id=user_id)
    assert "Edit stages" in all_text(resp.json)
    slack.block_action(ids.ACTION_EDIT_STAGES, value="edit", user_id=user_id, message=resp.json)
    return fake.wait_for("views.open", count=before + 1)[-1].params["view"]


def stage_ids(running):

    with running.services.db.read() as s:
        return {st.key: st.id for st in stage_store.list_stages(session=s, team_id="T1")}


def stage_names(slack):
    return all_text(slack.command(ids.CMD_PIPELINE, "stages").json)


def test_rep_sees_the_list_but_no_edit_button(slack):
    shown = all_text(slack.command(ids.CMD_PIPELINE, "stages", user_id="U1").json)
    assert "Prospecting" in shown and "Edit stages" not in shown
    assert "Managers can edit" in shown


def test_rename_reorder_probability_add_and_remove(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="probing")
    view = open_editor(slack, fake)
    sid = stage_ids(running)
    resp = slack.view_submission(
        view,
        {
            f"name_{sid['probing']}": "Discovery",
            f"prob_{sid['probing']}": "35",
            f"order_{sid['presentation']}": "2",
            f"remove_{sid['approaching']}": ["remove"],
            "name_new": "Proposal",
            "order_new": "5",
            "prob_new": "60",
        },
        user_id="UADMIN",
    )
    assert resp.status == 200 and not resp.text.strip()
    shown = stage_names(slack)
    assert "Approaching" not in shown
    order = [
        line.split(". ", 1)[1].split(" —")[0].strip("*")
        for line in shown.splitlines()
        if ". *" in line
    ]
    assert order[:3] == ["Prospecting", "Presentation", "Discovery"]
    assert "Proposal" in order and order[-2:] == ["Won", "Lost"]
    assert "Discovery* — 35%" in shown
    card = all_text(slack.command(ids.CMD_PIPELINE, "Acme").json)
    assert "Discovery (open)" in card and "Prospecting → Probing" in card  # history keeps old names
    fake.wait_for("chat.postMessage")


def test_stage_in_use_cannot_be_removed_and_errors_keep_the_modal(slack, running, fake):
    view = open_editor(slack, fake)
    sid = stage_ids(running)
    resp = slack.view_submission(
        view,
        {f"name_{sid['closing']}": "", f"prob_{sid['closing']}": "150"},
        user_id="UADMIN",
        validate=False,
    )
    body = resp.json
    assert body["response_action"] == "errors"
    assert f"name_{sid['closing']}" in body["errors"]
    assert "0 to 100" in body["errors"][f"prob_{sid['closing']}"]
    # Prospecting is used by a deal: its remove box is not offered at all.
    make_deal(running.services.db, name="Acme")
    view = open_editor(slack, fake)
    assert not any(b.get("block_id") == f"remove_{sid['prospecting']}" for b in view["blocks"])


def test_duplicate_names_are_refused(slack, running, fake):
    view = open_editor(slack, fake)
    sid = stage_ids(running)
    resp = slack.view_submission(view, {f"name_{sid['probing']}": "prospecting"}, user_id="UADMIN")
    assert "already called" in resp.json["errors"][f"name_{sid['probing']}"]


def test_non_manager_cannot_open_or_submit_the_editor(slack, running, fake):
    slack.block_action(ids.ACTION_EDIT_STAGES, value="edit", user_id="U1")
    [reply] = fake.wait_for("response_url")
    assert "Only a manager" in all_text(reply.params)
    assert not fake.calls_to("views.open")


def test_a_new_stage_needs_only_its_name(slack, running, fake):
    view = open_editor(slack, fake)
    resp = slack.view_submission(view, {"name_new": "Proposal"}, user_id="UADMIN")
    assert resp.status == 200 and not resp.text.strip(), resp.text
    assert "Proposal* — 0%" in stage_names(slack)
