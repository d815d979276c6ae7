"""Issue 15, item 1 — ``/pipeline import`` end to end: signed requests into the running app,
the local Slack recording its calls. Pipedrive-, HubSpot- and spreadsheet-style files, the
Salespath export read back, a broken file, a re-import that updates, an upload through the
modal's file_input, a rep refused, a replayed confirmation."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from sqlmodel import select

from bot import ids
from slackkit import all_text
from storage.models import Deal, Stage, StageMove
from tests.app.faults import count, held, serve, wait_until
from tests.app.fuzz import check_database, examples, quiet
from tests.app.test_fuzz_modals import answers, check_submitted, submit
from tests.factories import make_deal

DATA = Path(__file__).resolve().parents[1] / "data"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
BOSS = "UADMIN"  # a workspace admin: a manager


def open_import(slack, fake, user: str = BOSS) -> dict:
    fake.clear()
    resp = slack.command(ids.CMD_PIPELINE, "import", user_id=user)
    assert resp.status == 200 and not resp.text.strip(), resp.text
    view = fake.last("views.open").params["view"]
    assert view["callback_id"] == ids.VIEW_IMPORT
    return view


def to_mapping(slack, fake, *, text: str | None = None, file: dict | None = None) -> dict:
    view = open_import(slack, fake)
    answers: dict = {}
    if text is not None:
        answers[ids.BLOCK_IMPORT_TEXT] = text
    if file is not None:
        answers[ids.BLOCK_IMPORT_FILE] = [file]
    resp = slack.view_submission(view, answers, user_id=BOSS)
    assert resp.status == 200, resp.text
    assert resp.json["response_action"] == "update", resp.json
    mapping = resp.json["view"]
    assert mapping["callback_id"] == ids.VIEW_IMPORT_MAP
    return mapping


def to_preview(slack, mapping: dict, answers: dict | None = None) -> dict:
    resp = slack.view_submission(mapping, answers or {}, user_id=BOSS)
    assert resp.status == 200, resp.text
    assert resp.json["response_action"] == "push", resp.json
    preview = resp.json["view"]
    assert preview["callback_id"] == ids.VIEW_IMPORT_PREVIEW
    return preview


def confirm(slack, fake, preview: dict) -> str:
    fake.clear()
    resp = slack.view_submission(preview, {}, user_id=BOSS)
    assert resp.status == 200 and resp.json == {"response_action": "clear"}, resp.text
    return all_text(fake.wait_for("chat.postEphemeral")[0].params)


def chosen(mapping: dict) -> dict[str, str | None]:
    """Each field's pre-selected column, by its header."""
    out = {}
    for block in mapping["blocks"]:
        if block.get("block_id", "").startswith(ids.BLOCK_IMPORT_FIELD):
            option = block["element"].get("initial_option") or {}
            key = block["block_id"][len(ids.BLOCK_IMPORT_FIELD) :]
            out[key] = option["text"]["text"] if option.get("value") != "-" else None
    return out


def deals(running) -> dict[str, Deal]:
    with running.services.db.read() as s:
        return {d.name: d for d in s.exec(select(Deal).where(Deal.team_id == "T1")).all()}


def history(running, deal_id: int) -> list[StageMove]:
    with running.services.db.read() as s:
        q = select(StageMove).where(StageMove.deal_id == deal_id).order_by(StageMove.id)
        return list(s.exec(q).all())


def stage_key(running, deal: Deal) -> str:
    with running.services.db.read() as s:
        return s.get(Stage, deal.stage_id).key


def test_a_pipedrive_export_is_mapped_previewed_and_imported(running, slack, fake):
    running.services.now = lambda: NOW
    mapping = to_mapping(slack, fake, text=(DATA / "import_pipedrive.csv").read_text())
    assert "4 rows, read as a Pipedrive export" in all_text(mapping)
    assert chosen(mapping) == {
        "name": "Deal - Title",
        "value": "Deal - Value",
        "currency": "Deal - Currency",
        "stage": "Deal - Stage",
        "status": "Deal - Status",
        "owner": "Deal - Owner",
        "source": None,
        "expected_close": "Deal - Expected close date",
        "next_step": None,
        "created": "Deal - Deal created",
        "external_id": "Deal - ID",
    }
    assert deals(running) == {}
    preview = to_preview(slack, mapping)
    shown = all_text(preview)
    assert "4 new deals will be created." in shown and "0 deals already here" in shown
    assert "*PT Maju Jaya - ERP rollout* · Rp150.000.000 · Negotiation · <@U1>" in shown
    assert "$12,500.50 · Presentation · <@U2>" in shown
    assert preview["submit"]["text"] == "Import 4 deals"
    assert deals(running) == {}  # nothing is written before the confirmation
    summary = confirm(slack, fake, preview)
    assert "Import done: 4 new deals, 0 updated." in summary
    found = deals(running)
    erp = found["PT Maju Jaya - ERP rollout"]
    assert (erp.value_cents, erp.currency, erp.owner_id) == (150_000_000_00, "IDR", "U1")
    assert (erp.external_id, erp.expected_close, erp.status) == ("101", date(2026, 12, 15), "open")
    assert stage_key(running, erp) == "negotiation"
    assert erp.created_at.astimezone(UTC).date() == date(2026, 8, 31)  # 1 Sep, Jakarta
    [move] = history(running, erp.id)
    assert (move.from_stage_id, move.to_name, move.moved_at) == (
        None,
        "Negotiation",
        erp.created_at,
    )
    won = found["Hotel Santika renewal"]
    assert (won.status, stage_key(running, won)) == ("won", "won")
    assert won.closed_at is not None and won.closed_at.date() == date(2026, 11, 20)
    [won_move] = history(running, won.id)
    assert won_move.to_status == "won"
    lost = found["Toko Sinar"]
    assert (lost.status, lost.owner_id) == ("lost", "U1")
    pos = found["Kopi Kenangan POS"]
    assert (pos.value_cents, pos.currency, pos.owner_id) == (1_250_050, "USD", "U2")


def test_a_hubspot_export_with_owners_by_email(running, slack, fake):
    running.services.now = lambda: NOW
    fake.add_user("U3", name="maria", real_name="Maria Santoso")
    mapping = to_mapping(slack, fake, text=(DATA / "import_hubspot.csv").read_text())
    assert "read as a HubSpot export" in all_text(mapping)
    assert chosen(mapping)["external_id"] == "Record ID"
    assert chosen(mapping)["owner"] == "Deal owner"
    preview = to_preview(slack, mapping)
    assert "3 new deals will be created." in all_text(preview)
    confirm(slack, fake, preview)
    found = deals(running)
    assert found["Globex annual licence"].value_cents == 4_800_000
    assert found["Globex annual licence"].currency == "USD"
    assert stage_key(running, found["Globex annual licence"]) == "closing"
    assert found["Initech onboarding"].owner_id == "U3"
    assert stage_key(running, found["Initech onboarding"]) == "approaching"
    assert found["Umbrella expansion"].status == "won"


def test_an_indonesian_spreadsheet_with_semicolons_and_mentions(running, slack, fake):
    running.services.now = lambda: NOW
    fake.add_user("U3", name="maria", real_name="Maria Santoso")
    mapping = to_mapping(slack, fake, text=(DATA / "import_spreadsheet_id.csv").read_text())
    assert chosen(mapping)["owner"] == "Pemilik"
    assert chosen(mapping)["expected_close"] == "Perkiraan tutup"
    assert chosen(mapping)["created"] == "Tanggal dibuat"
    confirm(slack, fake, to_preview(slack, mapping))
    found = deals(running)
    sumber = found["PT Sumber Rejeki"]
    assert (sumber.value_cents, sumber.owner_id, sumber.source) == (
        250_000_000_00,
        "U3",
        "referral",
    )
    assert sumber.expected_close == date(2026, 12, 15)
    assert stage_key(running, sumber) == "presentation"
    bintang = found["CV Bintang Terang"]
    assert (bintang.owner_id, bintang.expected_close) == ("U2", date(2026, 12, 31))
    assert stage_key(running, bintang) == "negotiation"


BROKEN = (
    "Deal,Value,Stage,Owner,Created\n"
    "Café Bandung,50jt,Prospecting,rep.one,2026-11-01\n"
    ",10jt,Prospecting,rep.one,2026-11-01\n"
    "Warung Sate,abc,Prospecting,rep.one,2026-11-01\n"
    "Toko Roti,5jt,Shipping,rep.one,2026-11-01\n"
    "Bengkel Jaya,5jt,Probing,nobody@nowhere.test,2026-11-01\n"
    "Apotek Sehat,5jt,Probing,rep.two,31/02/2026\n"
    "Ragged Row,5jt,Probing,rep.one,2026-11-01,extra,cells\n"
)


def test_a_broken_file_shows_every_bad_row_with_its_reason_and_text(running, slack, fake):
    running.services.now = lambda: NOW
    upload = fake.add_user_file(BOSS, "broken.csv", BROKEN.encode("cp1252"))
    mapping = to_mapping(slack, fake, file=upload)
    assert "read as Windows-1252" in all_text(mapping)
    preview = to_preview(slack, mapping)
    shown = all_text(preview)
    assert "1 new deal will be created." in shown
    assert "6 rows can't be read and will be skipped" in shown
    assert "*Row 3* — No deal name.\n>,10jt,Prospecting,rep.one,2026-11-01" in shown
    assert "*Row 4* — I couldn't read “abc” as an amount." in shown
    assert "*Row 5* — There is no stage “Shipping”. The stages are: Prospecting" in shown
    assert "*Row 6* — No one in this workspace is “nobody@nowhere.test”." in shown
    assert "*Row 7* — Created: I couldn't read “31/02/2026” as a date." in shown
    assert "*Row 8* — This row has 7 cells; the header has 5." in shown
    assert ">Ragged Row,5jt,Probing,rep.one,2026-11-01,extra,cells" in shown
    assert "Café Bandung" in shown  # read as Windows-1252: the accent survives
    assert fake.calls_to("files.info") and fake.calls_to("file_download")
    summary = confirm(slack, fake, preview)
    assert (
        "Import done: 1 new deal, 0 updated." in summary
        and "6 rows couldn't be read and were skipped" in summary
    )
    assert set(deals(running)) == {"Café Bandung"}


def test_files_that_cant_be_imported_are_refused_in_the_modal(running, slack, fake):
    view = open_import(slack, fake)
    empty = slack.view_submission(view, {}, user_id=BOSS)
    assert "Paste the CSV text or upload a CSV file." in str(empty.json["errors"])
    blank = fake.add_user_file(BOSS, "empty.csv", b"")
    resp = slack.view_submission(view, {ids.BLOCK_IMPORT_FILE: [blank]}, user_id=BOSS)
    assert "The file is empty" in str(resp.json["errors"])
    header_only = slack.view_submission(view, {ids.BLOCK_IMPORT_TEXT: "Deal,Value\n"}, user_id=BOSS)
    assert "no deals under it" in str(header_only.json["errors"])
    binary = fake.add_user_file(BOSS, "sheet.csv", b"PK\x03\x04\x00\x00binary")
    resp = slack.view_submission(view, {ids.BLOCK_IMPORT_FILE: [binary]}, user_id=BOSS)
    assert "doesn't look like a CSV file" in str(resp.json["errors"])
    image = fake.add_user_file(BOSS, "photo.png", b"\x89PNG")
    resp = slack.view_submission(view, {ids.BLOCK_IMPORT_FILE: [image]}, user_id=BOSS)
    assert "“photo.png” is not a CSV file" in str(resp.json["errors"])
    many = "Deal\n" + "".join(f"Deal {i}\n" for i in range(5001))
    big = fake.add_user_file(BOSS, "big.csv", many.encode())
    resp = slack.view_submission(view, {ids.BLOCK_IMPORT_FILE: [big]}, user_id=BOSS)
    assert "The file has 5001 deals; an import takes at most 5000" in str(resp.json["errors"])
    huge = fake.add_user_file(BOSS, "huge.csv", b"Deal\n" + b"x" * 2_100_000)
    resp = slack.view_submission(view, {ids.BLOCK_IMPORT_FILE: [huge]}, user_id=BOSS)
    assert "The file is 2.1 MB; an import takes at most 2 MB" in str(resp.json["errors"])


def test_a_reimport_updates_instead_of_adding_again(running, slack, fake):
    running.services.now = lambda: NOW
    text = (DATA / "import_pipedrive.csv").read_text()
    confirm(slack, fake, to_preview(slack, to_mapping(slack, fake, text=text)))
    first = deals(running)
    changed = text.replace(
        '"150,000,000",IDR,"Negotiations Started"', '"175,000,000",IDR,"Closing"'
    )
    changed = changed.replace("PT Maju Jaya - ERP rollout", "PT Maju Jaya - ERP rollout phase 1")
    preview = to_preview(slack, to_mapping(slack, fake, text=changed))
    assert "0 new deals will be created." in all_text(preview)
    assert "4 deals already here will be updated." in all_text(preview)
    assert "(update)" in all_text(preview)
    summary = confirm(slack, fake, preview)
    assert "Import done: 0 new deals, 4 updated." in summary
    after = deals(running)
    assert len(after) == 4
    erp = after["PT Maju Jaya - ERP rollout phase 1"]
    assert erp.id == first["PT Maju Jaya - ERP rollout"].id  # keyed by the external id
    assert erp.value_cents == 175_000_000_00 and stage_key(running, erp) == "closing"
    assert [m.to_name for m in history(running, erp.id)] == ["Negotiation", "Closing"]


def test_without_ids_a_reimport_matches_name_and_owner(running, slack, fake):
    running.services.now = lambda: NOW
    text = "Deal,Value,Owner\nPT Abadi,10jt,rep.one\nPT Abadi,20jt,rep.two\n"
    confirm(slack, fake, to_preview(slack, to_mapping(slack, fake, text=text)))
    again = "Deal,Value,Owner\npt abadi,12jt,rep.one\n"
    preview = to_preview(slack, to_mapping(slack, fake, text=again))
    assert "1 deal already here will be updated." in all_text(preview)
    confirm(slack, fake, preview)
    with running.services.db.read() as s:
        rows = s.exec(select(Deal).order_by(Deal.id)).all()
    assert [(d.owner_id, d.value_cents) for d in rows] == [
        ("U1", 12_000_000_00),
        ("U2", 20_000_000_00),
    ]


def test_the_salespath_export_reads_back_into_the_same_deals(running, slack, fake):
    running.services.now = lambda: NOW
    make_deal(running.services.db, name="Acme Corp", owner_id="U1", stage_key="negotiation")
    make_deal(running.services.db, name="Globex", owner_id="U2", value=None)
    fake.clear()
    slack.command(ids.CMD_PIPELINE, "export team", user_id=BOSS)
    fake.wait_for("files.completeUploadExternal")
    [exported] = [data for _, name, data, _ in fake.uploaded_files() if "deals" in name]
    upload = fake.add_user_file(BOSS, "salespath-deals.csv", exported)
    mapping = to_mapping(slack, fake, file=upload)
    assert "read as a Salespath export" in all_text(mapping)
    assert chosen(mapping)["name"] == "Deal" and chosen(mapping)["external_id"] == "Deal id"
    preview = to_preview(slack, mapping)
    assert "2 deals already here will be updated." in all_text(preview)
    assert "can't be read" not in all_text(preview)
    confirm(slack, fake, preview)
    after = deals(running)
    assert set(after) == {"Acme Corp", "Globex"}
    assert stage_key(running, after["Acme Corp"]) == "negotiation"
    assert after["Acme Corp"].value_cents == 50_000_000_00


def test_a_replayed_confirmation_is_not_applied_twice(running, slack, fake):
    running.services.now = lambda: NOW
    text = "Deal,Value\nPT Satu,10jt\nPT Dua,20jt\n"
    preview = to_preview(slack, to_mapping(slack, fake, text=text))
    payload = slack.view_submission_payload(preview, {}, user_id=BOSS)
    first = slack.interactive(payload, trigger_id=payload["trigger_id"])
    again = slack.interactive(payload, trigger_id=payload["trigger_id"])
    other = slack.view_submission(preview, {}, user_id=BOSS)  # a second click, a new trigger
    assert first.json == again.json == other.json == {"response_action": "clear"}
    assert len(deals(running)) == 2
    notes = [all_text(c.params) for c in fake.calls_to("chat.postEphemeral")]
    assert notes and all("Import done: 2 new deals, 0 updated." in n for n in notes)


def test_reps_are_refused_and_the_help_lists_import(running, slack, fake):
    resp = slack.command(ids.CMD_PIPELINE, "impor", user_id="U1")
    shown = all_text(resp.json)
    assert "Only a manager" in shown and "can import deals" in shown
    assert not fake.calls_to("views.open")
    assert "/pipeline import" in all_text(slack.command(ids.CMD_PIPELINE, "help").json)


def test_a_rep_cant_submit_a_managers_draft(running, slack, fake):
    mapping = to_mapping(slack, fake, text="Deal\nPT Satu\n")
    resp = slack.view_submission(mapping, {}, user_id="U1")
    assert "Only a manager" in str(resp.json.get("errors"))
    assert deals(running) == {}


def test_a_preview_submitted_by_someone_else_says_why_in_the_modal(running, slack, fake):
    preview = to_preview(slack, to_mapping(slack, fake, text="Deal\nPT Satu\n"))
    resp = slack.view_submission(preview, {}, user_id="U1")
    assert resp.json["response_action"] == "update"
    assert "Only a manager" in all_text(resp.json["view"])
    assert deals(running) == {}


def test_many_bad_rows_are_all_counted_and_the_modal_stays_within_slacks_limits(
    running, slack, fake
):
    bad = "".join(f"Deal {i},not money {i}\n" for i in range(2500))
    preview = to_preview(slack, to_mapping(slack, fake, text="Deal,Value\nGood,5jt\n" + bad[:2900]))
    assert len(preview["blocks"]) <= 100
    big = fake.add_user_file(BOSS, "bad.csv", ("Deal,Value\nGood,5jt\n" + bad).encode())
    preview = to_preview(slack, to_mapping(slack, fake, file=big))
    shown = all_text(preview)
    assert "2500 rows can't be read" in shown
    assert "*Row 3* — I couldn't read “not money 0” as an amount." in shown
    assert "more rows that can't be read: the whole list is in your DM, as a CSV." in shown
    fake.wait_for("files.completeUploadExternal")
    [(data, done)] = [(d, c) for _, n, d, c in fake.uploaded_files() if n == "import-problems.csv"]
    assert done["channel_id"] == "D" + BOSS
    listed = data.decode("utf-8-sig").splitlines()
    assert listed[0] == "Row,Reason,The row as written" and len(listed) == 2501
    assert listed[-1].startswith("2502,\"I couldn't read “not money 2499” as an amount.")
    assert listed[-1].endswith(',"Deal 2499,not money 2499"')
    assert len(preview["blocks"]) <= 100
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in preview["blocks"])
    assert preview["submit"]["text"] == "Import 1 deal"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request) -> str:
    return request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_url")


def test_a_late_import_shows_saving_then_the_summary_in_the_modal(fake, any_db_url):
    with serve(fake, any_db_url) as app:
        assert app.slack.command(ids.CMD_PIPELINE, "help", user_id=BOSS).status == 200
        mapping = to_mapping(app.slack, fake, text="Deal,Value\nPT Satu,10jt\nPT Dua,5jt\n")
        preview = to_preview(app.slack, mapping)
        release = threading.Event()
        with held(any_db_url, release):
            resp = app.slack.view_submission(preview, {}, user_id=BOSS)
            assert resp.status == 200 and not resp.timed_out
            assert resp.json["response_action"] == "update"
            assert "Saving" in all_text(resp.json["view"])
            release.set()
        shown = wait_until(
            fake, lambda: [v for v in fake.open_views(BOSS) if "Import done" in all_text(v)]
        )
        assert "Import done: 2 new deals, 0 updated." in all_text(shown)
        assert count(app.db, "select count(*) from deal") == 2
        assert count(app.db, "select count(*) from stage_move") == 2


def test_owners_by_email_are_looked_up_when_the_member_list_is_out_of_reach(running, slack, fake):
    fake.set_error("users.list", "ratelimited")
    text = "Deal,Owner\nPT Satu,rep.two@example.com\nPT Dua,Rep Two\nPT Tiga,rep.two@example.com\n"
    preview = to_preview(slack, to_mapping(slack, fake, text=text))
    shown = all_text(preview)
    assert "2 new deals will be created." in shown
    assert "*Row 3* — No one in this workspace is “Rep Two”." in shown
    assert [c.params["email"] for c in fake.calls_to("users.lookupByEmail")] == [
        "rep.two@example.com"
    ]  # once per email, not per row
    fake.clear_error("users.list")
    confirm(slack, fake, preview)
    assert {d.name: d.owner_id for d in deals(running).values()} == {
        "PT Satu": "U2",
        "PT Tiga": "U2",
    }


@pytest.mark.parametrize(("where", "n"), [("db_url", 40), ("pg_url", 15)])
def test_fuzzed_import_forms_are_answered_cleanly(fake, request, caplog, where, n):
    """Whatever is pasted or picked (forged options, NUL bytes, huge text), each step answers
    in time with a valid view or errors under its own inputs, never an apology."""
    caplog.set_level(logging.ERROR)
    with serve(fake, request.getfixturevalue(where)) as app:
        view = open_import(app.slack, fake)

        @examples(n)
        @given(values=answers(view))
        def paste(values: dict) -> None:
            check_submitted(submit(app, fake, view, values), view, values)

        paste()
        mapping = to_mapping(app.slack, fake, text=(DATA / "import_hubspot.csv").read_text())

        @examples(n)
        @given(values=answers(mapping))
        def pick(values: dict) -> None:
            check_submitted(submit(app, fake, mapping, values), mapping, values)

        pick()
        quiet(fake)
        check_database(app.db)
        assert count(app.db, "select count(*) from deal") == 0  # nothing before a confirmation
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors[:3]
