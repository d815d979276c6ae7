"""Both languages end to end (issue 11), through signed requests and the fake Slack: choosing
a language (/pipeline bahasa id, the Home tab, the workspace default in /pipeline settings),
quick add with amounts read per language (and the question when M is ambiguous), advance,
won and lost, a modal's field error, /pipeline stats, stage names by key, and the CSV export.

Dewi (U3) chose Bahasa Indonesia; Rep One (U1) chose nothing and reads English (Slack's
en-US locale says nothing, the workspace default is English until a manager changes it)."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot import ids
from slackkit import all_text
from storage.models import Deal, Stage, UserSetting, Workspace
from tests.factories import add_deal

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Jakarta
DEWI = "U3"


def deal_named(running, name: str) -> Deal:
    with running.services.db.read() as s:
        return s.exec(select(Deal).where(Deal.name == name)).one()


def buttons(payload: dict) -> dict[str, dict]:
    out = {}
    for block in payload.get("blocks", []):
        for el in block.get("elements", []) if block.get("type") == "actions" else []:
            out[el["text"]["text"]] = el
    return out


@pytest.fixture
def dewi(running, fake, slack):
    """Dewi Lestari, who prefers Indonesian, says so once."""
    running.services.now = lambda: NOW
    fake.add_user(DEWI, name="dewi", real_name="Dewi Lestari")
    said = all_text(slack.command(ids.CMD_PIPELINE, "bahasa id", user_id=DEWI).json)
    assert "Selesai: mulai sekarang Salespath memakai bahasa Indonesia untuk Anda." in said
    assert "2,5M berarti Rp2.500.000.000 (miliar)" in said  # how her amounts are read now
    return running


# --- choosing the language --------------------------------------------------------------


def test_the_choice_is_stored_per_person_and_lang_alone_says_which(dewi, slack):
    with dewi.services.db.read() as s:
        rows = s.exec(select(UserSetting)).all()
    assert [(r.team_id, r.user_id, r.language) for r in rows] == [("T1", DEWI, "id")]
    assert "Salespath memakai bahasa Indonesia untuk Anda" in all_text(
        slack.command(ids.CMD_PIPELINE, "lang", user_id=DEWI).json
    )
    assert "Salespath writes to you in English" in all_text(
        slack.command(ids.CMD_PIPELINE, "lang").json
    )
    # Her help is Indonesian, with the Indonesian words the commands read.
    help_ = all_text(slack.command(ids.CMD_ADVANCE, "bantuan", user_id=DEWI).json)
    assert "/advance <deal> ke <tahap>" in help_ and "kalah <alasan> [catatan]" in help_
    assert "/advance <deal> to <stage>" in all_text(slack.command(ids.CMD_ADVANCE, "help").json)


def test_an_unknown_language_is_refused_with_the_two_we_have(dewi, slack):
    shown = all_text(slack.command(ids.CMD_PIPELINE, "lang klingon").json)
    assert "I don't know the language “klingon”" in shown and "id (Bahasa Indonesia)" in shown
    assert "/pipeline lang klingon" in shown  # the user's text, echoed


def test_the_home_tab_menu_switches_the_language_at_once(running, fake, slack):
    running.services.now = lambda: NOW
    slack.app_home_opened("U1")
    home = fake.last("views.publish").params["view"]
    menu = next(b for b in home["blocks"] if b.get("block_id") == ids.BLOCK_LANGUAGE)
    assert menu["accessory"]["initial_option"]["value"] == "en"
    assert {o["text"]["text"] for o in menu["accessory"]["options"]} == {
        "English",
        "Bahasa Indonesia",
    }
    fake.clear()
    slack.block_action(ids.ACTION_LANGUAGE, selected_option="id", view=home)
    republished = fake.last("views.publish").params["view"]
    assert "Pipeline saya" in all_text(republished)
    assert "Anda belum punya deal aktif" in all_text(republished)
    assert "Pipeline saya" in all_text(slack.command(ids.CMD_PIPELINE, "").json)


def test_managers_set_the_workspace_default_language_and_currency(running, fake, slack):
    running.services.now = lambda: NOW
    refused = all_text(slack.command(ids.CMD_PIPELINE, "settings").json)
    assert "Only a manager" in refused and "workspace's settings" in refused
    fake.add_user("U9", is_admin=True, name="boss")
    resp = slack.command(ids.CMD_PIPELINE, "pengaturan", user_id="U9")
    assert resp.status == 200
    view = fake.last("views.open").params["view"]
    assert view["callback_id"] == ids.VIEW_SETTINGS
    sub = slack.view_submission(
        view, {ids.BLOCK_LANGUAGE: "id", ids.BLOCK_CURRENCY: "USD"}, user_id="U9"
    )
    assert sub.status == 200 and not sub.text.strip()
    with running.services.db.read() as s:
        ws = s.get(Workspace, "T1")
    assert (ws.default_locale, ws.default_currency) == ("id", "USD")
    # U1 chose nothing: the workspace's default now speaks for them, and reads their amounts.
    shown = all_text(slack.command(ids.CMD_PROSPECT, "Kopi Kita 2,5M").json)
    assert "Yang saya tangkap" in shown and "US$2.500.000 — 2,5 juta" in shown


# --- quick add: amounts as each language writes them ------------------------------------


def test_quick_add_in_indonesian_reads_m_as_miliar_and_writes_it_out(dewi, slack):
    shown = all_text(
        slack.command(ids.CMD_PROSPECT, "Hotel Santika 2,5M referal teman", user_id=DEWI).json
    )
    assert "*Hotel Santika* ditambahkan di tahap Prospecting." in shown
    assert "Nilai: Rp2.500.000.000 — 2,5 miliar" in shown
    assert "Yang saya tangkap" in shown and "nilai 2,5M → Rp2.500.000.000 — 2,5 miliar" in shown
    assert "Teman atau kenalan" in shown
    deal = deal_named(dewi, "Hotel Santika")
    assert (deal.value_cents, deal.currency, deal.source) == (
        250_000_000_000,
        "IDR",
        "referral_friend",
    )


def test_an_ambiguous_m_is_asked_about_with_two_buttons_then_added(dewi, slack, fake):
    asked = slack.command(ids.CMD_PROSPECT, "Hotel Mawar 2.5M inbound")
    shown = all_text(asked.json)
    assert "Which amount did you mean by “2.5M”" in shown
    assert "Rp2.500.000 (2.5 million) or Rp2.500.000.000 (2.5 billion)?" in shown
    assert set(buttons(asked.json)) == {"Rp2.500.000", "Rp2.500.000.000"}
    with dewi.services.db.read() as s:
        assert not s.exec(select(Deal)).all()  # nothing added on a guess
    picked = buttons(asked.json)["Rp2.500.000.000"]
    slack.block_action(picked["action_id"], value=picked["value"], message=asked.json)
    [reply] = fake.wait_for("response_url")
    added = all_text(reply.params)
    assert reply.params["replace_original"] is True
    assert "Added *Hotel Mawar*" in added and "Rp2.500.000.000 — 2.5 billion" in added
    assert deal_named(dewi, "Hotel Mawar").value_cents == 250_000_000_000
    # Indonesian, lower-case m: asked too, in her words.
    dewi_asked = all_text(slack.command(ids.CMD_PROSPECT, "Toko Baru 2,5m", user_id=DEWI).json)
    assert "Nominal mana yang Anda maksud dengan “2,5m”" in dewi_asked
    assert "Rp2.500.000 (2,5 juta) atau Rp2.500.000.000 (2,5 miliar)?" in dewi_asked


def test_dollars_read_m_as_million_in_either_language(dewi, slack):
    en = all_text(slack.command(ids.CMD_PROSPECT, "Acme $2.5M").json)
    assert "$2,500,000 — 2.5 million" in en
    id_ = all_text(slack.command(ids.CMD_PROSPECT, "Acme Dua $2,5M", user_id=DEWI).json)
    assert "US$2.500.000 — 2,5 juta" in id_
    assert deal_named(dewi, "Acme Dua").value_cents == 250_000_000


# --- advance, won, lost -----------------------------------------------------------------


def test_advance_won_and_lost_in_both_languages(dewi, slack, fake):
    for name, owner in (("Hotel Santika", DEWI), ("Villa Asri", DEWI), ("Acme Corp", "U1")):
        slack.command(ids.CMD_PROSPECT, f"{name} 50jt", user_id=owner)
    gated = slack.command(ids.CMD_ADVANCE, "Hotel Santika ke presentasi", user_id=DEWI)
    assert "*Presentasi* meminta checklist SPIN lebih dulu" in all_text(gated.json)
    anyway = buttons(gated.json)["Tetap pindahkan"]
    slack.block_action(anyway["action_id"], value=anyway["value"], user_id=DEWI, message=gated.json)
    moved = all_text(fake.wait_for("response_url")[0].params)
    assert ":arrow_right: *Hotel Santika* pindah Prospecting → *Presentasi*." in moved
    lost = all_text(
        slack.command(
            ids.CMD_ADVANCE,
            "Hotel Santika kalah keberatan kebutuhan belum ada anggaran tahun ini",
            user_id=DEWI,
        ).json
    )
    assert "*Hotel Santika* kalah (Presentasi → Kalah)." in lost
    deal = deal_named(dewi, "Hotel Santika")
    assert (deal.status, deal.lost_reason, deal.lost_note) == (
        "lost",
        "need",
        "belum ada anggaran tahun ini",
    )
    won = all_text(slack.command(ids.CMD_ADVANCE, "Villa Asri menang", user_id=DEWI).json)
    assert ":trophy: *Villa Asri* menang! (Prospecting → Menang)" in won
    english = all_text(slack.command(ids.CMD_ADVANCE, "Acme Corp to negotiation").json)
    assert "*Negotiation* asks for a BATNA checklist first" in english
    english = all_text(slack.command(ids.CMD_ADVANCE, "Acme Corp to closing").json)
    assert ":arrow_right: *Acme Corp* moved Prospecting → *Closing*." in english
    assert ":trophy: *Acme Corp* is won! (Closing → Won)" in all_text(
        slack.command(ids.CMD_ADVANCE, "Acme Corp won").json
    )
    # A reason she mistypes: the reasons she can type, in her words, and her text echoed.
    wrong = all_text(slack.command(ids.CMD_ADVANCE, "Villa Asri ke tahap-x", user_id=DEWI).json)
    assert "Tidak ada tahap “tahap-x”" in wrong and "Presentasi, Negosiasi" in wrong
    slack.command(ids.CMD_PROSPECT, "Toko Lama 5jt", user_id=DEWI)
    reasons = all_text(slack.command(ids.CMD_ADVANCE, "Toko Lama kalah zzz", user_id=DEWI).json)
    assert "bukan alasan kalah" in reasons and "produk, kebutuhan, emosi, harga" in reasons
    assert "/advance Toko Lama kalah zzz" in reasons


def test_a_closed_deal_says_its_status_in_the_readers_words(dewi, slack):
    slack.command(ids.CMD_PROSPECT, "Villa Asri 50jt", user_id=DEWI)
    slack.command(ids.CMD_ADVANCE, "Villa Asri menang", user_id=DEWI)
    again = all_text(slack.command(ids.CMD_ADVANCE, "Villa Asri ke probing", user_id=DEWI).json)
    assert "(menang)" in again and "(won)" not in again


# --- a modal with a field error ---------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "typed", "error"),
    [
        (
            DEWI,
            "2,5m",
            "“2,5m” bisa berarti Rp2.500.000 (2,5 juta) atau Rp2.500.000.000 (2,5 miliar). "
            "Tulis 2,5jt atau 2,5 miliar agar pasti.",
        ),
        (
            "U1",
            "2.5M",
            "“2.5M” could be Rp2.500.000 (2.5 million) or Rp2.500.000.000 (2.5 billion). "
            "Write 2.5 million or 2.5 billion to be sure.",
        ),
    ],
    ids=["indonesian", "english"],
)
def test_the_deal_modal_shows_both_readings_under_the_value(dewi, slack, fake, user, typed, error):
    slack.command(ids.CMD_PROSPECT, "", user_id=user)
    view = fake.last("views.open").params["view"]
    labels = [b["label"]["text"] for b in view["blocks"] if b.get("type") == "input"]
    assert ("Nilai" in labels) is (user == DEWI) and ("Value" in labels) is (user != DEWI)
    answers = {ids.BLOCK_NAME: "Hotel Kenanga", ids.BLOCK_VALUE: typed, ids.BLOCK_OWNER: user}
    resp = slack.view_submission(view, answers, user_id=user)
    assert resp.json["response_action"] == "errors"
    assert resp.json["errors"] == {ids.BLOCK_VALUE: error}
    # Written unambiguously, it saves, and the reply writes it out.
    fixed = {**answers, ids.BLOCK_VALUE: "2,5 miliar"}
    assert slack.view_submission(view, fixed, user_id=user).status == 200
    note = all_text(fake.wait_for("chat.postEphemeral")[0].params)
    assert "Rp2.500.000.000 — " + ("2,5 miliar" if user == DEWI else "2.5 billion") in note


# --- stats, stage names, export ---------------------------------------------------------


@pytest.fixture
def closed(dewi):
    db, day = dewi.services.db, timedelta(days=1)
    for owner in ("U1", DEWI):
        add_deal(
            db,
            "Won " + owner,
            1_234_500_000,
            owner=owner,
            created=NOW - 20 * day,
            path=(("probing", NOW - 10 * day), ("won", NOW - 5 * day)),
        )
        add_deal(
            db,
            "Lost " + owner,
            20_000_000,
            owner=owner,
            created=NOW - 20 * day,
            path=(("lost", NOW - 4 * day, "price"),),
        )
        add_deal(
            db,
            "Open " + owner,
            304_100_000,
            owner=owner,
            created=NOW - 2 * day,
            path=(("negotiation", NOW - day),),
        )
    return dewi


def test_pipeline_stats_in_both_languages(closed, slack):
    id_ = all_text(slack.command(ids.CMD_PIPELINE, "statistik 30 hari", user_id=DEWI).json)
    assert "Statistik pipeline · 30 hari terakhir · deal saya" in id_
    assert "*Win rate*\n50% (1 menang, 1 kalah)" in id_
    assert "*Rata-rata nilai deal*\nRp1.234.500.000" in id_
    assert "*Waktu closing*\n15 hari (median 15 hari)" in id_
    assert "Negosiasi" in id_ or "Probing" in id_
    en = all_text(slack.command(ids.CMD_PIPELINE, "stats 30d").json)
    assert "Pipeline stats · last 30 days · my deals" in en
    assert "*Win rate*\n50% (1 won, 1 lost)" in en and "*Time to close*\n15 days" in en


def test_default_stages_show_in_the_readers_language_until_renamed(closed, slack):
    card = all_text(slack.command(ids.CMD_PIPELINE, "Open U3", user_id=DEWI).json)
    assert "*Tahap*\nNegosiasi (aktif)" in card
    with closed.services.db.transaction() as s:
        stage = s.exec(select(Stage).where(Stage.key == "negotiation")).one()
        stage.name = "Nego Harga"  # a workspace's own name: shown as written, to everyone
        s.add(stage)
    card = all_text(slack.command(ids.CMD_PIPELINE, "Open U3", user_id=DEWI).json)
    assert "*Tahap*\nNego Harga (aktif)" in card
    assert "*Stage*\nNego Harga (open)" in all_text(slack.command(ids.CMD_PIPELINE, "Open U1").json)
    # The old name still reads in her language in the history; "negosiasi" still finds it.
    moved = all_text(slack.command(ids.CMD_ADVANCE, "Won U3 ke negosiasi", user_id=DEWI).json)
    assert "Nego Harga" in moved


def test_the_stage_editor_keeps_a_default_name_it_showed_translated(closed, slack, fake):
    fake.add_user("U8", is_admin=True, name="manajer")
    slack.command(ids.CMD_PIPELINE, "bahasa id", user_id="U8")
    listed = slack.command(ids.CMD_PIPELINE, "tahapan", user_id="U8")
    assert "Presentasi* — 50%" in all_text(listed.json) and "(menang)" in all_text(listed.json)
    edit = buttons(listed.json)["Ubah tahapan"]
    slack.block_action(edit["action_id"], value=edit["value"], user_id="U8", message=listed.json)
    view = fake.wait_for("views.open")[-1].params["view"]
    shown = [b["element"].get("initial_value") for b in view["blocks"] if b.get("type") == "input"]
    assert "Presentasi" in shown and "Negosiasi" in shown
    resp = slack.view_submission(view, {}, user_id="U8")  # saved as it was shown
    assert resp.status == 200 and not resp.text.strip(), resp.text
    with closed.services.db.read() as s:
        names = {st.key: st.name for st in s.exec(select(Stage)).all()}
    assert names["presentation"] == "Presentation" and names["negotiation"] == "Negotiation"
    # …so an English reader still gets the English names.
    assert "Negotiation" in all_text(slack.command(ids.CMD_PIPELINE, "stages").json)


def _uploads(fake, count: int) -> list:
    """The uploads, once ``count`` of them have their bytes (an upload URL is handed out
    before the file is sent to it)."""
    deadline = time.monotonic() + 10

    def sent() -> int:
        return sum(1 for _, _, data, _ in fake.uploaded_files() if data is not None)

    while sent() < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return fake.uploaded_files()


def test_the_csv_export_speaks_the_readers_language(closed, slack, fake):
    slack.command(ids.CMD_PIPELINE, "ekspor", user_id=DEWI)
    files = {name.split("-")[0]: data for _, name, data, _ in _uploads(fake, 2)}
    rows = list(csv.DictReader(io.StringIO(files["deals"].decode("utf-8-sig"))))
    won = next(r for r in rows if r["Deal"] == "Won U3")  # headers for people (issue 14)
    assert (won["Tahap"], won["Status"], won["Nilai"], won["Mata uang"]) == (
        "Menang",
        "menang",
        "1234500000",
        "IDR",
    )
    moves = list(csv.DictReader(io.StringIO(files["stage"].decode("utf-8-sig"))))
    assert {"ID deal", "Deal", "Dari tahap", "Ke tahap", "Dipindahkan pada"} <= set(moves[0])
