"""Issue 14, item 20 — the Approach preparation and Presentation F.A.B. checklists end to end:
opened from the card, stored as versions, shown on the card, each with its own gate option,
B.A.F. order after SPIN; reminders and the digest ask for a missing checklist of a gated
stage instead of showing "—"."""

from __future__ import annotations

from datetime import timedelta

from bot import ids
from handlers.jobs import Jobs
from slackkit import all_text
from storage import checklists as cstore
from storage import stages as stage_store
from storage.models import Deal
from tests.app.commands.test_deals import buttons, click
from tests.app.jobs.test_digest import NOW, add_deal, digest_payload, dms, wait_digest
from tests.app.views.test_checklists import filled_modal, initial, versions
from tests.factories import add_manager, make_deal


def card(slack, name: str) -> dict:
    return slack.command(ids.CMD_PIPELINE, name).json


def open_from_card(slack, fake, name: str, label: str) -> dict:
    fake.clear()
    click(slack, card(slack, name), label)
    return filled_modal(fake)


def set_gate(running, stage_key: str, checklist: str | None, mode: str) -> None:
    with running.services.db.transaction() as s:
        stage = next(
            st for st in stage_store.list_stages(session=s, team_id="T1") if st.key == stage_key
        )
        cstore.set_stage_gates(session=s, team_id="T1", gates={stage.id: (checklist, mode)})


def test_approach_preparation_from_the_card(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="approaching")
    view = open_from_card(slack, fake, "Acme", "Fill Approach")
    assert view["callback_id"] == ids.VIEW_APPROACH
    shown = all_text(view)
    for words in ("Profile studied", "Decision-maker unit mapped", "3M: Moment", "F.O.R.M."):
        assert words in shown
    empty = slack.view_submission(view, {})
    assert "Nothing to save yet" in empty.json["errors"]["profile"]
    fake.clear()
    sub = slack.view_submission(
        view,
        {
            "profile": "Owns three coffee shops",
            "dmu": "Budi decides; Sari runs the tills",
            "moment": "Before 10am",
            "media": "WhatsApp first",
            "mood": "Busy, friendly",
            "purpose": "Show how orders stop getting lost",
        },
    )
    assert sub.status == 200 and not sub.text.strip()
    saved = all_text(fake.wait_for("chat.postEphemeral")[0].params)
    assert "Saved Approach preparation version 1 for *Acme* (4/5 parts filled)" in saved
    [row] = versions(running, "approach")
    assert row.data["fields"]["purpose"] == "Show how orders stop getting lost"
    shown = all_text(card(slack, "Acme"))
    assert "*Approach preparation v1* · 4/5 parts" in shown
    assert "_Purpose:_ Show how orders stop getting lost" in shown
    assert "Update Approach" in set(buttons(card(slack, "Acme")))


def test_fab_after_spin_goes_in_baf_order_with_the_needs_spin_found(slack, running, fake):
    deal_id = make_deal(running.services.db, name="Acme", stage_key="presentation")
    with running.services.db.transaction() as s:
        cstore.save_checklist(
            session=s,
            team_id="T1",
            deal=s.get(Deal, deal_id),
            kind="spin",
            data={"mode": "spin", "fields": {"need_payoff_learned": "Save an admin's salary"}},
            filled=2,
            parts=5,
            by="U1",
            now=NOW,
        )
    view = open_from_card(slack, fake, "Acme", "Fill F.A.B.")
    assert view["callback_id"] == ids.VIEW_FAB
    assert initial(view, "need_1") == "Save an admin's salary"
    order = [b["block_id"] for b in view["blocks"] if b.get("block_id", "").endswith("_1")]
    assert order == ["need_1", "benefit_1", "advantage_1", "feature_1"]  # B.A.F. after SPIN
    assert "*B.A.F.*" in all_text(view)
    bad = slack.view_submission(view, {"benefit_2": "Faster"})
    assert "Write the need these answers are for" in bad.json["errors"]["need_2"]
    fake.clear()
    slack.view_submission(
        view,
        {
            "benefit_1": "One admin fewer",
            "advantage_1": "Free setup in December",
            "feature_1": "Shared order inbox",
        },
    )
    [row] = versions(running, "fab")
    assert row.data["order"] == "baf" and row.filled == row.parts == 1
    shown = all_text(card(slack, "Acme"))
    assert "*Presentation F.A.B. v1* · 1/1 parts" in shown and "_Needs:_ Save" in shown


def test_each_checklist_has_its_own_gate_option(slack, running, fake):
    add_manager(running.services.db, "U1")
    resp = slack.command(ids.CMD_PIPELINE, "gates")
    fake.clear()
    click(slack, resp.json, "Edit gates")
    shown = all_text(filled_modal(fake))
    assert "Approach preparation: warning" in shown and "Presentation F.A.B. required" in shown
    set_gate(running, "presentation", "fab", "require")
    make_deal(running.services.db, name="Acme", stage_key="probing")
    moved = slack.command(ids.CMD_ADVANCE, "Acme to presentation")
    shown = all_text(moved.json)
    assert "requires a Presentation F.A.B. checklist" in shown
    assert "Fill Presentation F.A.B. and move" in buttons(moved.json)
    assert buttons(moved.json)["Fill Presentation F.A.B. and move"]["action_id"] == (
        ids.ACTION_OPEN_FAB
    )


def test_digest_and_reminder_ask_for_the_missing_checklist(slack, running, fake):
    running.services.now = lambda: NOW
    db = running.services.db
    add_deal(
        db,
        "Quiet Presenter",
        created=NOW - timedelta(days=30),
        path=(("presentation", NOW - timedelta(days=20)),),
    )
    slack.command(ids.CMD_DIGEST, "now")
    wait_digest(fake)  # one message, its chart inside
    shown = all_text(digest_payload(fake))
    assert "Presentation asks for SPIN: fill it from the deal's card." in shown
    Jobs(running.services, running.app.client).reminders()
    [dm] = dms(fake, "U1")
    assert "Presentation asks for SPIN" in all_text(dm["params"])
    fill = next(b for b in dm["params"]["blocks"] if b["type"] == "actions")["elements"][0]
    assert (fill["text"]["text"], fill["action_id"]) == ("Fill SPIN", ids.ACTION_OPEN_SPIN)
    card_text = all_text(card(slack, "Quiet Presenter"))
    assert "Presentation asks for SPIN, and this deal has none yet" in card_text
