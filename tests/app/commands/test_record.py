"""Issue 15, items 3 and 5, end to end through signed requests and the fake Slack: changes on
record (the edit form, ``won`` with a value) on the card and in ``/pipeline <deal> history``;
deleting a deal (``/pipeline delete``, ``hapus``, the card's ⋯) with a confirmation, Undo, a
refusal for others, a replay applied once; merging two deals (``/pipeline merge A into B``,
``gabungkan A ke B``, the card's ⋯) with a preview, and a merged deal's name pointing to the
survivor."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlmodel import select

from bot import ids
from slackkit import all_text
from storage.models import Contact, Deal, DealChange, ProcessedRequest
from storage.models_checklist import Activity
from tests.app.commands.test_deals import buttons, click, deals
from tests.factories import NOW, add_manager, add_note, make_deal


def deal_named(running, name: str) -> Deal | None:
    return next((d for d in deals(running) if d.name == name), None)


def edit(slack, fake, resp_json, answers: dict) -> None:
    button = next(b for b in buttons(resp_json).values() if b["action_id"] == ids.ACTION_EDIT_DEAL)
    opened = len([c for c in fake.calls if c.method == "views.open"])
    slack.block_action(ids.ACTION_EDIT_DEAL, value=button["value"], message=resp_json)
    view = fake.wait_for("views.open", count=opened + 1)[-1].params["view"]  # the form filled now
    base = {ids.BLOCK_NAME: "Acme", ids.BLOCK_OWNER: "U1"}
    sub = slack.view_submission(view, {**base, **answers})
    assert sub.status == 200 and not sub.text.strip(), sub.text


def overflow(payload: dict) -> dict:
    for block in payload.get("blocks", []):
        if (block.get("accessory") or {}).get("type") == "overflow":
            return block["accessory"]
    raise AssertionError("no ⋯ menu")


# --- changes on record --------------------------------------------------------------------


def test_edits_and_a_won_value_are_on_the_card_and_in_the_history(slack, running, fake):
    running.services.now = lambda: NOW
    resp = slack.command(ids.CMD_PROSPECT, "Acme 50jt")
    edit(slack, fake, resp.json, {ids.BLOCK_VALUE: "45jt", ids.BLOCK_CLOSE_DATE: "2026-12-20"})
    card = slack.command(ids.CMD_PIPELINE, "Acme").json
    shown = all_text(card)
    assert "Changes on record" in shown
    assert "value Rp50m → Rp45m by <@U1>, Mon 23 Nov" in shown
    assert "close date — → Sun 20 Dec by <@U1>" in shown
    assert overflow(card)["action_id"] == ids.ACTION_CARD_MENU
    edit(slack, fake, resp.json, {ids.BLOCK_VALUE: "45jt", ids.BLOCK_OWNER: "U2"})
    won = slack.command(ids.CMD_ADVANCE, "Acme won 40jt", user_id="U2")  # theirs now
    assert "Won" in all_text(won.json)
    history = all_text(slack.command(ids.CMD_PIPELINE, "Acme history").json)
    assert "owner <@U1> → <@U2> by <@U1>" in history
    assert "value Rp45m → Rp40m by <@U2>" in history
    assert "stage Prospecting → Won by <@U2>" in history
    with running.services.db.read() as s:
        fields = [c.field for c in s.exec(select(DealChange).order_by(DealChange.id)).all()]
    assert fields == ["value", "expected_close", "owner", "value"]  # the form kept the date


def test_the_record_reads_in_indonesian_in_the_readers_timezone(slack, running, fake):
    running.services.now = lambda: NOW.replace(hour=20)  # 03:00 the next day in Jakarta
    fake.add_user("U1", tz="Asia/Jakarta")
    slack.command(ids.CMD_PIPELINE, "lang id")
    resp = slack.command(ids.CMD_PROSPECT, "Acme 50jt")
    edit(slack, fake, resp.json, {ids.BLOCK_VALUE: "45jt"})
    shown = all_text(slack.command(ids.CMD_PIPELINE, "Acme riwayat").json)
    assert "Perubahan tercatat" in shown
    assert "nilai Rp50 jt → Rp45 jt oleh <@U1>, Sel 24 Nov" in shown


# --- deleting -----------------------------------------------------------------------------


def test_delete_confirm_then_undo(slack, running, fake):
    running.services.now = lambda: NOW
    make_deal(running.services.db, name="Globex")
    make_deal(running.services.db, name="Initech")
    resp = slack.command(ids.CMD_PIPELINE, "delete Globex")
    shown = all_text(resp.json)
    assert "Delete *Globex*" in shown and "history is kept for audit" in shown
    button = buttons(resp.json)["Delete"]
    assert button["style"] == "danger" and button["confirm"]["title"]["text"] == "Delete this deal?"
    assert deal_named(running, "Globex").deleted_at is None  # nothing until confirmed
    clicked = click(slack, resp.json, "Delete")
    slack.resend(clicked)  # a replay of the same click: applied once
    [done, *_] = fake.wait_for("response_url")
    assert "Deleted *Globex*" in all_text(done.params)
    gone = deal_named(running, "Globex")
    assert gone.deleted_at is not None and gone.deleted_by == "U1"
    assert "Globex" not in all_text(slack.command(ids.CMD_PIPELINE, "").json)
    assert "Initech" in all_text(slack.command(ids.CMD_PIPELINE, "").json)
    assert "“Globex” was deleted" not in all_text(slack.command(ids.CMD_PIPELINE, "Globex").json)
    assert "Globex" not in all_text(slack.command(ids.CMD_ADVANCE, "Globex").json).split("“")[0]
    with running.services.db.read() as s:
        assert len(s.exec(select(ProcessedRequest)).all()) == 1
    click(slack, done.params, "Undo")
    back = fake.wait_for("response_url", count=3)[-1]  # after the replay's answer
    assert "*Globex* is back" in all_text(back.params)
    assert deal_named(running, "Globex").deleted_at is None
    assert "Globex" in all_text(slack.command(ids.CMD_PIPELINE, "").json)


def test_a_pressed_delete_on_an_old_card_says_it_was_deleted(slack, running, fake):
    deal_id = make_deal(running.services.db, name="Globex")
    card = slack.command(ids.CMD_PIPELINE, "Globex").json
    resp = slack.command(ids.CMD_PIPELINE, "hapus Globex")  # Indonesian
    click(slack, resp.json, "Delete")
    fake.wait_for("response_url")
    slack.block_action(ids.ACTION_OPEN_CARD, value=str(deal_id), message=card)
    answer = fake.wait_for("response_url", count=2)[-1]
    assert "“Globex” was deleted." in all_text(answer.params)


def test_only_the_owner_or_a_manager_deletes(slack, running, fake):
    make_deal(running.services.db, name="Globex", owner_id="U1")
    refused = all_text(slack.command(ids.CMD_PIPELINE, "delete Globex", user_id="U2").json)
    assert "Only the deal's owner (<@U1>) or a manager can delete or merge “Globex”" in refused
    card = slack.command(ids.CMD_PIPELINE, "Globex", user_id="U2").json
    slack.block_action(ids.ACTION_CARD_MENU, selected_option="delete:1", message=card, user_id="U2")
    assert "Only the deal's owner" in all_text(fake.wait_for("response_url")[-1].params)
    assert deal_named(running, "Globex").deleted_at is None
    add_manager(running.services.db, "U3")
    resp = slack.command(ids.CMD_PIPELINE, "delete Globex", user_id="U3")
    click(slack, resp.json, "Delete", user_id="U3")
    fake.wait_for("response_url", count=2)
    assert deal_named(running, "Globex").deleted_by == "U3"


def test_the_card_menu_deletes_after_a_confirmation(slack, running, fake):
    deal_id = make_deal(running.services.db, name="Globex")
    card = slack.command(ids.CMD_PIPELINE, "Globex").json
    slack.block_action(ids.ACTION_CARD_MENU, selected_option=f"delete:{deal_id}", message=card)
    confirm = fake.wait_for("response_url")[-1]
    assert "Delete *Globex*" in all_text(confirm.params)
    click(slack, confirm.params, "Delete")
    fake.wait_for("response_url", count=2)
    assert deal_named(running, "Globex").deleted_at is not None


def test_delete_without_a_name_says_how_to_write_it(slack, running):
    shown = all_text(slack.command(ids.CMD_PIPELINE, "delete").json)
    assert "/pipeline delete <deal>" in shown


# --- merging ------------------------------------------------------------------------------


def test_merge_moves_everything_to_the_survivor(slack, running, fake):
    running.services.now = lambda: NOW
    db = running.services.db
    old = make_deal(db, name="Acme Old", contact_name="Budi", stage_key="probing")
    new = make_deal(db, name="Acme", contact_name="Sari")
    add_note(db, old, "call")
    resp = slack.command(ids.CMD_PIPELINE, "merge Acme Old into Acme")
    shown = all_text(resp.json)
    assert "Merge *Acme Old*" in shown and "1 contact" in shown and "1 meeting or note" in shown
    assert deal_named(running, "Acme Old").deleted_at is None  # a preview only
    clicked = click(slack, resp.json, "Merge")
    slack.resend(clicked)
    done = fake.wait_for("response_url")[0]
    assert "Merged *Acme Old* into *Acme*" in all_text(done.params)
    gone = deal_named(running, "Acme Old")
    assert gone.merged_into == new and gone.deleted_at is not None
    with db.read() as s:
        names = sorted(c.name for c in s.exec(select(Contact).where(Contact.deal_id == new)))
        assert names == ["Budi", "Sari"]
        assert s.exec(select(Activity)).one().deal_id == new
        merged = s.exec(select(DealChange).where(DealChange.field == "merged")).all()
        assert len(merged) == 1  # the replay was not applied again
    history = all_text(slack.command(ids.CMD_PIPELINE, "Acme history").json)
    assert "merged “Acme Old” into this deal" in history
    assert "Prospecting → Probing" in history  # the merged deal's stage history came along
    typed = slack.command(ids.CMD_PIPELINE, "Acme Old").json
    picks = [b for b in buttons(typed).values() if b["action_id"].startswith(ids.ACTION_PICK_DEAL)]
    assert [b["text"]["text"] for b in picks][:1] == ["Acme"]  # the survivor, suggested first
    again = all_text(slack.command(ids.CMD_PIPELINE, "merge Acme Old into Acme").json)
    assert "“Acme Old” was merged into “Acme”" in again


def test_gabungkan_ke_in_indonesian_and_both_deals_checked(slack, running, fake):
    db = running.services.db
    make_deal(db, name="Toko Lama", owner_id="U1")
    make_deal(db, name="Toko Baru", owner_id="U2")
    refused = all_text(slack.command(ids.CMD_PIPELINE, "gabungkan Toko Lama ke Toko Baru").json)
    assert "Only the deal's owner (<@U2>)" in refused
    add_manager(db, "U3")
    resp = slack.command(ids.CMD_PIPELINE, "gabungkan Toko Lama ke Toko Baru", user_id="U3")
    click(slack, resp.json, "Merge", user_id="U3")
    fake.wait_for("response_url")
    assert deal_named(running, "Toko Lama").merged_into == deal_named(running, "Toko Baru").id
    same = all_text(slack.command(ids.CMD_PIPELINE, "merge Toko Baru into Toko Baru").json)
    assert "can't be merged into itself" in same
    bad = all_text(slack.command(ids.CMD_PIPELINE, "merge Toko Baru").json)
    assert "/pipeline merge <deal A> into <deal B>" in bad


def test_merge_from_the_card_menu_with_a_picked_deal(slack, running, fake):
    db = running.services.db
    old = make_deal(db, name="Globex Old")
    new = make_deal(db, name="Globex")
    elsewhere = make_deal(db, name="Other Workspace", team_id="T2")
    card = slack.command(ids.CMD_PIPELINE, "Globex Old").json
    forged = slack.block_action(ids.ACTION_CONFIRM_MERGE, value=f"{old}:{elsewhere}", message=card)
    assert forged.status == 200
    refused = fake.wait_for("response_url")[-1].params  # another workspace's deal: not found
    assert "That deal no longer exists." in all_text(refused)
    assert deal_named(running, "Globex Old").merged_into is None
    slack.block_action(ids.ACTION_CARD_MENU, selected_option=f"merge:{old}", message=card)
    pick = fake.wait_for("response_url", count=2)[-1].params
    assert "Merge *Globex Old* into which deal?" in all_text(pick)
    options = slack.block_suggestion(ids.ACTION_MERGE_PICK, "glob", message=pick).json
    assert str(new) in [o["value"] for o in options["options"]]
    block_id = next(b["block_id"] for b in pick["blocks"] if b.get("accessory"))
    slack.block_action(
        ids.ACTION_MERGE_PICK,
        selected_option={"text": {"type": "plain_text", "text": "Globex"}, "value": str(new)},
        block_id=block_id,
        message=pick,
        action_type="external_select",
    )
    confirm = fake.wait_for("response_url", count=3)[-1].params
    assert "*into* *Globex*" in all_text(confirm)
    click(slack, confirm, "Merge")
    fake.wait_for("response_url", count=4)
    assert deal_named(running, "Globex Old").merged_into == new


def test_a_deleted_deal_is_in_no_digest_and_no_home_tab(slack, running, fake):
    running.services.now = lambda: NOW
    db = running.services.db
    overdue = NOW.date() - timedelta(days=3)
    for name in ("Globex", "Initech"):
        make_deal(db, name=name, next_step="call them", next_step_due=overdue)
    resp = slack.command(ids.CMD_PIPELINE, "delete Globex")
    click(slack, resp.json, "Delete")
    fake.wait_for("response_url")
    slack.command(ids.CMD_DIGEST, "now")
    deadline = time.monotonic() + 10
    while not (digests := [m for m in fake.messages("C1") if m["method"] == "chat.postMessage"]):
        assert time.monotonic() < deadline, "no digest posted"
        time.sleep(0.05)
    digest = all_text(digests[-1]["params"])
    assert "Initech" in digest and "Globex" not in digest
    slack.app_home_opened("U1")
    home = all_text(fake.last("views.publish").params["view"])
    assert "Initech" in home and "Globex" not in home


def test_help_names_the_new_sub_commands_in_both_languages(slack, running):
    shown = all_text(slack.command(ids.CMD_PIPELINE, "help").json)
    assert "/pipeline delete <deal>" in shown
    assert "/pipeline merge <deal A> into <deal B>" in shown
    slack.command(ids.CMD_PIPELINE, "lang id")
    shown = all_text(slack.command(ids.CMD_PIPELINE, "bantuan").json)
    assert "/pipeline hapus <deal>" in shown and "/pipeline gabungkan <deal A> ke <deal B>" in shown
