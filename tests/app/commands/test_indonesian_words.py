"""The Indonesian words a reply tells a reader to type are words the commands read (issue 11):
the refusals' `/pipeline manajer tambah`, the digest's `/digest sini … menang`, `sekarang` and
`berhenti`; language names in a sentence in the reader's words ("Ditulis dalam bahasa
Inggris"); and Slack's `id-ID` locale as the first guess of a reader's language, which a choice
made in Salespath overrides. End to end, through signed requests and the fake Slack.

Dewi (U3) chose Bahasa Indonesia; Rep One (U1) chose nothing and reads English; Boss (U9) is a
workspace admin who reads Indonesian."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot import ids
from handlers.ui.digest import CHANGED_EVENT
from slackkit import all_text
from storage.models import Manager
from storage.models_digest import DigestSubscription
from tests.app.jobs.test_digest import posted, wait_digest
from tests.app.jobs.test_scheduling import wait_until
from tests.factories import add_deal

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Jakarta
DEWI, BOSS = "U3", "U9"


@pytest.fixture
def dewi(running, fake, slack):
    running.services.now = lambda: NOW
    fake.add_user(DEWI, name="dewi", real_name="Dewi Lestari")
    fake.add_user(BOSS, name="boss", real_name="Boss", is_admin=True)
    for user in (DEWI, BOSS):
        slack.command(ids.CMD_PIPELINE, "bahasa id", user_id=user)
    return running


def subscriptions(running) -> list[DigestSubscription]:
    with running.services.db.read() as s:
        return list(s.exec(select(DigestSubscription)).all())


# --- the refusals name /pipeline manajer tambah, which works ----------------------------


def test_a_refusal_names_manajer_tambah_and_that_command_makes_a_manager(dewi, slack, fake):
    refused = all_text(slack.command(ids.CMD_PIPELINE, "manajer tambah <@U1>", user_id=DEWI).json)
    assert "lewat /pipeline manajer tambah) yang dapat mengubah daftar manajer" in refused
    assert "managers add" not in refused
    imports = all_text(slack.command(ids.CMD_PIPELINE, "impor", user_id=DEWI).json)
    assert "/pipeline manajer tambah) yang dapat mengimpor deal" in imports
    assert "managers add" not in imports
    settings = all_text(slack.command(ids.CMD_PIPELINE, "pengaturan", user_id=DEWI).json)
    assert "/pipeline manajer tambah) yang dapat mengubah pengaturan workspace" in settings
    # The command the refusal names, typed as it says, by a manager: Dewi becomes one.
    added = slack.command(ids.CMD_PIPELINE, f"manajer tambah <@{DEWI}>", user_id=BOSS)
    assert added.status == 200 and f"<@{DEWI}>" in all_text(added.json)
    with dewi.services.db.read() as s:
        assert [m.user_id for m in s.exec(select(Manager)).all()] == [DEWI]
    fake.clear()
    opened = slack.command(ids.CMD_PIPELINE, "pengaturan", user_id=DEWI)
    assert opened.status == 200
    assert fake.last("views.open").params["view"]["callback_id"] == ids.VIEW_SETTINGS


def test_the_gates_and_stages_refusals_name_manajer_tambah(dewi, slack, fake):
    slack.block_action(ids.ACTION_EDIT_STAGES, value="edit", action_type="button", user_id=DEWI)
    [stages] = fake.wait_for("response_url")
    shown = all_text(stages.params)
    assert "/pipeline manajer tambah) yang dapat mengubah tahapan" in shown
    slack.block_action(ids.ACTION_EDIT_GATES, value="edit", action_type="button", user_id=DEWI)
    [gates] = fake.wait_for("views.update")  # the loading modal, then the refusal in it
    shown = all_text(gates.params["view"])
    assert "/pipeline manajer tambah) yang dapat mengubah gerbang tahap" in shown
    assert not fake.calls_to("views.push")


# --- the digest: sini, menang, sekarang, berhenti; its language named in Indonesian ------


def test_digest_sini_menang_subscribes_with_wins_and_the_tips_use_those_words(dewi, slack, fake):
    plain = all_text(slack.command(ids.CMD_DIGEST, "sini 08.30", user_id=DEWI).json)
    assert "Tambahkan `menang` pada `/digest sini`" in plain
    assert "`wins`" not in plain and "/digest here" not in plain
    [sub] = subscriptions(dewi)
    assert (sub.channel_id, sub.at, sub.wins_from) == ("C1", "08:30", None)
    with_wins = all_text(slack.command(ids.CMD_DIGEST, "sini 08.30 menang", user_id=DEWI).json)
    assert "Hapus `menang` dari `/digest sini` untuk menghentikannya" in with_wins
    [sub] = subscriptions(dewi)
    assert sub.wins_from == NOW  # won deals are announced from now on


def test_digest_language_is_named_in_the_readers_words(dewi, slack):
    english = all_text(slack.command(ids.CMD_DIGEST, "sini 09:00 bahasa en", user_id=DEWI).json)
    assert "Ditulis dalam bahasa Inggris; pilih dengan `/digest sini … bahasa id`" in english
    assert "dalam English" not in english
    status = all_text(slack.command(ids.CMD_DIGEST, "status", user_id=DEWI).json)
    assert "Ditulis dalam bahasa Inggris" in status
    indonesian = all_text(slack.command(ids.CMD_DIGEST, "sini 09:00 bahasa id", user_id=DEWI).json)
    assert "Ditulis dalam bahasa Indonesia" in indonesian
    # Rep One reads English: the same subscription, named in English.
    assert "Written in Bahasa Indonesia" in all_text(slack.command(ids.CMD_DIGEST, "status").json)


def test_digest_sekarang_posts_the_digest_in_indonesian(dewi, slack, fake):
    add_deal(dewi.services.db, "Hotel Santika", 50_000_000, owner=DEWI, created=NOW)
    slack.command(ids.CMD_DIGEST, "sini 09:00 bahasa id", user_id=DEWI)  # written in Indonesian
    resp = slack.command(ids.CMD_DIGEST, "sekarang", user_id=DEWI)
    assert "Mengirim ringkasan di sini…" in all_text(resp.json)
    wait_digest(fake)
    [digest] = posted(fake)
    shown = all_text(digest["params"])
    assert "Ringkasan pipeline · Sen 23 Nov" in shown and "*Prospecting* · 1 deal" in shown


def notices(fake) -> list:
    """The channel's notices of a digest subscription changed (posted after the ack)."""
    return [
        m
        for m in fake.messages("C1")
        if (m["params"].get("metadata") or {}).get("event_type") == CHANGED_EVENT
    ]


def test_digest_berhenti_stops_it_and_says_so_in_indonesian(dewi, slack, fake):
    slack.command(ids.CMD_DIGEST, "sini", user_id=DEWI)
    assert dewi.services.scheduler.job_ids()
    wait_until(lambda: notices(fake))  # the subscription's own notice, before clearing
    fake.clear()
    stopped = all_text(slack.command(ids.CMD_DIGEST, "berhenti", user_id=DEWI).json)
    assert "Ringkasan di <#C1> dihentikan" in stopped and "`/digest sini`" in stopped
    [sub] = subscriptions(dewi)
    assert not sub.active
    assert dewi.services.scheduler.job_ids() == set()
    wait_until(lambda: notices(fake))
    [notice] = notices(fake)
    assert f"<@{DEWI}>" in all_text(notice["params"])
    again = all_text(slack.command(ids.CMD_DIGEST, "matikan", user_id=DEWI).json)
    assert "<#C1> tidak punya ringkasan yang bisa dihentikan." in again


# --- Slack's locale is the first guess; a choice in Salespath wins ----------------------


def test_an_id_locale_reads_indonesian_until_they_choose_english(running, fake, slack):
    running.services.now = lambda: NOW
    fake.add_user("U5", name="sari", locale="id-ID")
    fake.add_user("U6", name="tono", locale="id-ID")
    first = all_text(slack.command(ids.CMD_PROSPECT, "Toko Maju 50jt", user_id="U5").json)
    assert "*Toko Maju* ditambahkan di tahap Prospecting." in first
    assert "Rp50.000.000 — 50 juta" in first
    chose = all_text(slack.command(ids.CMD_PIPELINE, "bahasa en", user_id="U6").json)
    assert "Done: Salespath now writes to you in English." in chose
    kept = all_text(slack.command(ids.CMD_PROSPECT, "Toko Jaya 50jt", user_id="U6").json)
    assert "Added *Toko Jaya* at Prospecting." in kept
    assert "Salespath writes to you in English" in all_text(
        slack.command(ids.CMD_PIPELINE, "bahasa", user_id="U6").json
    )
    assert "Salespath memakai bahasa Indonesia untuk Anda" in all_text(
        slack.command(ids.CMD_PIPELINE, "bahasa", user_id="U5").json
    )


def test_a_manager_op_without_a_mention_is_told_in_the_readers_words(dewi, slack):
    shown = all_text(slack.command(ids.CMD_PIPELINE, "manajer tambah", user_id=BOSS).json)
    assert "Mention orangnya: /pipeline manajer tambah @nama" in shown
    shown = all_text(slack.command(ids.CMD_PIPELINE, "manajer hapus", user_id=BOSS).json)
    assert "/pipeline manajer hapus @nama" in shown
    # UADMIN, a workspace admin of the fake Slack, reads English
    shown = all_text(slack.command(ids.CMD_PIPELINE, "managers add", user_id="UADMIN").json)
    assert "Mention the person: /pipeline managers add @someone" in shown
