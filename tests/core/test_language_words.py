"""Issue 11 by value: which language a reader gets, dates and numbers written for them, stage
names by key, and every command word in both languages (sub-commands, periods, managers,
lost reasons and roles, weekdays and times of day, the digest's language)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from bot.core.errors import InvalidInput
from bot.core.i18n import Msg, MsgList, Number, Translator, choose_language, parse_language
from bot.core.phrases import language_request, managers_args, period_words
from bot.core.reasons import DMU_ROLES, LOST_REASONS, match_reason, match_role
from bot.core.slots import parse_schedule
from bot.core.stages import DEFAULT_STAGES, edited_name, match_stage, stage_label

ID, EN = Translator("id"), Translator("en")


# --- which language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "workspace", "slack", "chosen"),
    [
        ("id", "en", "en-US", "id"),  # their own choice wins
        ("en", "id", "en-US", "en"),
        (None, "id", "en-US", "id"),  # Slack's English says nothing: the workspace's default
        (None, "en", "id-ID", "id"),  # a Slack locale we have, other than English: first guess
        (None, None, None, "en"),
        (None, "id", "fr-FR", "id"),  # no French catalogue
        ("xx", "en", None, "en"),
    ],
)
def test_choose_language(user, workspace, slack, chosen):
    assert choose_language(user=user, workspace=workspace, slack_locale=slack) == chosen


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("id", "id"),
        ("Bahasa Indonesia", "id"),
        ("bahasa", "id"),
        ("english", "en"),
        ("inggris", "en"),
        ("EN", "en"),
        ("klingon", None),
        ("", None),
    ],
)
def test_parse_language(text, language):
    assert parse_language(text) == language


# --- dates and numbers ------------------------------------------------------------------


def test_dates_and_numbers_are_written_for_the_reader():
    day = date(2026, 11, 30)
    assert (ID.date(day), ID.day(day), ID.short_date(day)) == (
        "Senin, 30 Nov 2026",
        "Sen 30 Nov",
        "30/11",
    )
    assert (EN.date(day), EN.day(day), EN.short_date(day)) == (
        "Monday, 30 Nov 2026",
        "Mon 30 Nov",
        "11/30",
    )
    assert (ID.number(1234), EN.number(1234), ID.number(2.5), EN.number(2.5)) == (
        "1.234",
        "1,234",
        "2,5",
        "2.5",
    )
    assert (ID.percent(0.714), EN.percent(0.714), ID.percent(None)) == ("71%", "71%", "—")


def test_parameters_that_are_msgids_or_counts_are_shown_to_each_reader():
    stages = MsgList([Msg("Presentation"), "Demo Day", Msg("Won")])
    assert stages == "Presentation, Demo Day, Won"  # as an English string, for logs
    assert ID("{stages}", stages=stages) == "Presentasi, Demo Day, Menang"
    assert ID("{n}", n=Number(1234)) == "1.234" and EN("{n}", n=Number(1234)) == "1,234"
    assert f"{Number(1234)}" == "1,234"


# --- stages by key -----------------------------------------------------------------------


def test_a_default_stage_name_is_translated_and_a_workspaces_own_is_not():
    assert isinstance(stage_label("Negotiation"), Msg)
    assert ID.shown(stage_label("Negotiation")) == "Negosiasi"
    assert ID.shown(stage_label("Nego Harga")) == "Nego Harga"
    assert ID.shown(stage_label("Open")) == "Open"  # a msgid, but not a stage's default name


def test_translated_stage_names_are_typed_back_even_after_a_rename():
    renamed = [
        SimpleNamespace(
            key=s.key,
            name="Demo Produk" if s.key == "presentation" else s.name,
            position=s.position,
            kind=s.kind,
        )
        for s in DEFAULT_STAGES
    ]
    assert match_stage("presentasi", renamed).name == "Demo Produk"
    assert match_stage("Negosiasi", renamed).key == "negotiation"
    assert match_stage("menang", renamed).key == "won"
    with pytest.raises(InvalidInput) as unknown:
        match_stage("pengiriman", renamed)
    assert "Demo Produk" in unknown.value.render(ID) and "Negosiasi" in unknown.value.render(ID)


def test_the_stage_editor_keeps_a_default_name_shown_in_the_readers_language():
    assert edited_name("Presentasi", "Presentation", "id") == "Presentation"
    assert edited_name("presentasi", "Presentation", "id") == "Presentation"
    assert edited_name("Presentation", "Presentation", "en") == "Presentation"
    assert edited_name("Demo", "Presentation", "id") == "Demo"
    assert edited_name("Presentasi", "Demo", "id") == "Presentasi"  # not a default name


# --- lost reasons and roles ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("keberatan kebutuhan", "need"),
        ("keberatan emosi", "emotion"),
        ("keberatan produk", "product"),
        ("belum perlu", "need"),
        ("terlalu mahal", "price"),
        ("kalah saing", "competitor"),
    ],
)
def test_indonesian_objection_words_name_their_reason(typed, key):
    assert match_reason(typed).key == key


def test_the_words_listed_in_a_refusal_can_be_typed_back_in_each_language():
    for t in (ID, EN):
        for reason in LOST_REASONS:
            assert match_reason(t(reason.word)) is reason, (t.locale, reason.key)
        for role in DMU_ROLES:
            assert match_role(t(role.word)) is role, (t.locale, role.key)
    with pytest.raises(InvalidInput) as wrong:
        match_reason("zzz")
    assert wrong.value.render(ID).endswith(
        "produk, kebutuhan, emosi, harga, kompetitor, tidak ada keputusan, lainnya."
    )
    assert "no decision, other." in wrong.value.render(EN)


# --- /pipeline's words ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("lang id", "id"),
        ("bahasa indonesia", "indonesia"),
        ("language", ""),
        ("Bahasa", ""),
        ("bahasa inggris", "inggris"),
        ("Bahasa Kita Corp Jaya", None),
        ("stats", None),
    ],
)
def test_language_request(text, asked):
    assert language_request(text) == asked


def test_manager_words_in_both_languages():
    assert managers_args("manajer tambah <@U1|a> <@U2>") == ("add", ["U1", "U2"])
    assert managers_args("manajer hapus <@U1>") == ("remove", ["U1"])
    assert managers_args("manajer daftar") == ("list", [])
    assert managers_args("managers add <@U3>") == ("add", ["U3"])


@pytest.mark.parametrize(
    ("words", "keys"),
    [
        (["30", "hari", "tim"], ["30d", "tim"]),
        (["7", "days"], ["7d"]),
        (["kuartal"], ["quarter"]),
        (["triwulan"], ["quarter"]),
        (["bulan"], ["30d"]),
        (["minggu"], ["7d"]),
        (["90h"], ["90d"]),
    ],
)
def test_period_words(words, keys):
    assert period_words(words) == keys


# --- /digest's schedule words -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "at", "days", "language"),
    [
        ("jam 9 pagi senin-jumat WIB", "09:00", ("mon", "tue", "wed", "thu", "fri"), None),
        (
            "pukul 16.30 setiap hari",
            "16:30",
            ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
            None,
        ),
        ("1 siang akhir pekan", "13:00", ("sat", "sun"), None),
        ("8 malam tiap hari kerja", "20:00", ("mon", "tue", "wed", "thu", "fri"), None),
        ("12 malam sabtu", "00:00", ("sat",), None),
        ("every day 07:00", "07:00", ("mon", "tue", "wed", "thu", "fri", "sat", "sun"), None),
        ("08:00 bahasa", "08:00", ("mon", "tue", "wed", "thu", "fri"), "id"),
        ("bahasa en 08:00", "08:00", ("mon", "tue", "wed", "thu", "fri"), "en"),
        ("08:00 english", "08:00", ("mon", "tue", "wed", "thu", "fri"), "en"),
        ("senin 08:00 bahasa indonesia", "08:00", ("mon",), "id"),
    ],
)
def test_schedule_words_in_both_languages(text, at, days, language):
    schedule = parse_schedule(text, default_tz="Asia/Jakarta")
    assert (schedule.at, schedule.weekdays, schedule.language) == (at, days, language)


def test_a_language_lead_without_a_language_is_asked_about():
    with pytest.raises(InvalidInput) as asked:
        parse_schedule("08:00 lang", default_tz="UTC")
    assert "bahasa id" in asked.value.render(EN)
    assert parse_schedule("08:00", default_tz="UTC").language is None
