"""The default pipeline, finding stages, lost reasons and decision-maker roles by value."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.core import stages
from bot.core.errors import InvalidInput, NotFound
from bot.core.i18n import Translator
from bot.core.reasons import (
    DMU_ROLES,
    LOST_REASONS,
    match_reason,
    match_role,
    reason_by_key,
    role_by_key,
)
from bot.core.stages import DEFAULT_STAGES, StageSpec, is_backward, match_stage, next_stage

STAGES = list(DEFAULT_STAGES)
BY_KEY = {s.key: s for s in DEFAULT_STAGES}


@dataclass
class Row:
    """A stored stage: no aliases of its own, may be renamed or reordered."""

    key: str
    name: str
    position: int
    kind: str = "open"
    probability: int = 0


# --- the default pipeline -----------------------------------------------------------------


def test_default_pipeline_follows_the_sales_path() -> None:
    assert [s.key for s in DEFAULT_STAGES] == [
        "prospecting",
        "approaching",
        "probing",
        "presentation",
        "negotiation",
        "closing",
        "won",
        "lost",
    ]
    assert [s.position for s in DEFAULT_STAGES] == list(range(1, 9))
    assert [s.kind for s in DEFAULT_STAGES] == ["open"] * 6 + ["won", "lost"]
    assert [s.probability for s in DEFAULT_STAGES] == [10, 20, 30, 50, 70, 90, 100, 0]
    assert len({s.key for s in DEFAULT_STAGES}) == len(DEFAULT_STAGES)


def test_no_alias_names_two_stages() -> None:
    seen: dict[str, str] = {}
    for s in DEFAULT_STAGES:
        for word in (s.name.lower(), s.key, *s.aliases):
            assert seen.setdefault(word, s.key) == s.key, word


# --- match_stage --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Negotiation", "negotiation"),  # exact name
        ("  NEGOTIATION ", "negotiation"),
        ("closing", "closing"),  # key
        ("won", "won"),
        ("nego", "negotiation"),  # alias
        ("demo", "presentation"),
        ("objection handling", "negotiation"),
        ("Objection-Handling", "negotiation"),
        ("prospek", "prospecting"),  # Indonesian aliases
        ("pendekatan", "approaching"),
        ("presentasi", "presentation"),
        ("negosiasi", "negotiation"),
        ("menang", "won"),
        ("kalah", "lost"),
        ("négociation"[:4], "negotiation"),  # accents ignored ("négo")
        ("pros", "prospecting"),  # unique prefixes
        ("appr", "approaching"),
        ("neg", "negotiation"),
        ("clo", "closing"),
        ("wo", "won"),
        ("lo", "lost"),
        ("prese", "presentation"),
    ],
)
def test_match_stage_finds(text: str, key: str) -> None:
    assert match_stage(text, STAGES).key == key


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("pr", ["Prospecting", "Probing", "Presentation"]),
        ("pre", ["Prospecting", "Presentation"]),  # "pre-sales" and "presentation"
        ("me", ["Approaching", "Probing", "Won"]),  # mendekati, menggali, menang
    ],
)
def test_match_stage_ambiguous_lists_candidates(text: str, names: list[str]) -> None:
    with pytest.raises(InvalidInput) as err:
        match_stage(text, STAGES)
    assert err.value.params == {"text": text, "stages": ", ".join(names)}


def test_match_stage_messages_read_in_english_and_indonesian() -> None:
    with pytest.raises(InvalidInput) as unknown:
        match_stage("shipping", STAGES[:2])
    assert unknown.value.render(Translator("en")) == (
        "There is no stage “shipping”. The stages are: Prospecting, Approaching."
    )
    assert unknown.value.render(Translator("id")).startswith("Tidak ada tahap “shipping”")
    with pytest.raises(InvalidInput) as several:
        match_stage("pr", STAGES)
    assert several.value.render(Translator("en")) == (
        "“pr” could be several stages: Prospecting, Probing, Presentation. Write more of the name."
    )
    assert several.value.render(Translator("id")) != several.value.render(Translator("en"))


@pytest.mark.parametrize("text", ["shipping", "x", "", "   "])
def test_match_stage_unknown_lists_all_stages(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        match_stage(text, STAGES)
    assert err.value.params["text"] == text
    assert err.value.params["stages"] == (
        "Prospecting, Approaching, Probing, Presentation, Negotiation, Closing, Won, Lost"
    )


def test_match_stage_exact_name_beats_alias_and_prefix() -> None:
    pipeline = [*STAGES, Row("demo_day", "Demo", 9)]
    assert match_stage("demo", pipeline).key == "demo_day"  # name before Presentation's alias
    assert match_stage("Won", [Row("w", "Won", 1), Row("wonder", "Wonderland", 2)]).key == "w"


def test_match_stage_on_stored_rows_uses_default_aliases_by_key() -> None:
    rows = [
        Row("prospecting", "Leads", 1),
        Row("negotiation", "Legal review", 2),
        Row("custom_1", "Pilot", 3),
        Row("won", "Won", 4, "won"),
    ]
    assert match_stage("negosiasi", rows) is rows[1]  # renamed, still found in Indonesian
    assert match_stage("legal", rows) is rows[1]
    assert match_stage("pilot", rows) is rows[2]
    assert match_stage("custom_1", rows) is rows[2]
    assert match_stage("menang", rows) is rows[3]


def test_match_stage_without_keys_or_aliases() -> None:
    @dataclass
    class Bare:
        name: str
        position: int
        kind: str = "open"

    bare = [Bare("Qualify", 1), Bare("Quote", 2)]
    assert match_stage("quote", bare) is bare[1]
    with pytest.raises(InvalidInput):
        match_stage("qu", bare)
    with pytest.raises(InvalidInput) as err:
        match_stage("xx", bare)  # no key is no term (not even a stand-in)
    assert err.value.render(Translator("en")).startswith("There is no stage “xx”.")


def test_a_stage_with_its_own_aliases_uses_them_not_its_keys_defaults() -> None:
    pitch = StageSpec("presentation", "Pitch", 4, 50, "open", ("showcase",))
    pipeline = [*STAGES[:3], pitch]
    assert match_stage("showcase", pipeline) is pitch
    with pytest.raises(InvalidInput):
        match_stage("demo", pipeline)  # the default Presentation alias is not its own


# --- next_stage / is_backward -------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        ("prospecting", "approaching"),
        ("approaching", "probing"),
        ("probing", "presentation"),
        ("presentation", "negotiation"),
        ("negotiation", "closing"),
        ("closing", None),  # the last open stage: close it as won
        ("won", None),
        ("lost", None),
    ],
)
def test_next_stage(current: str, expected: str | None) -> None:
    nxt = next_stage(BY_KEY[current], STAGES)
    assert (nxt.key if nxt else None) == expected


def test_next_stage_follows_positions_not_list_order_and_skips_closed() -> None:
    rows = [
        Row("c", "C", 30),
        Row("won", "Won", 20, "won"),
        Row("a", "A", 10),
        Row("d", "D", 40),
    ]
    assert next_stage(rows[2], rows) is rows[0]  # A (10) → C (30), skipping Won (20)
    assert next_stage(rows[0], rows) is rows[3]
    assert next_stage(rows[3], rows) is None


def test_a_stage_re_read_from_the_database_is_found_by_equality() -> None:
    rows = [Row("a", "A", 1), Row("b", "B", 2), Row("c", "C", 3)]
    assert next_stage(Row("a", "A", 1), rows) is rows[1]
    assert is_backward(Row("c", "C", 3), Row("b", "B", 2), rows)
    with pytest.raises(ValueError, match="stage 'Z' is not in the pipeline"):
        next_stage(Row("z", "Z", 9), rows)


@pytest.mark.parametrize(
    ("src", "dst", "backward"),
    [
        ("negotiation", "probing", True),
        ("approaching", "prospecting", True),
        ("probing", "negotiation", False),
        ("probing", "probing", False),
        ("closing", "won", False),
        ("closing", "lost", False),
        ("prospecting", "lost", False),
        ("won", "closing", True),  # re-opening goes back
        ("lost", "prospecting", True),
        ("won", "lost", False),
    ],
)
def test_is_backward(src: str, dst: str, backward: bool) -> None:
    assert is_backward(BY_KEY[src], BY_KEY[dst], STAGES) is backward


# --- lost reasons -------------------------------------------------------------------------


def test_lost_reasons_are_the_products_list() -> None:
    assert [r.key for r in LOST_REASONS] == [
        "product",
        "need",
        "emotion",
        "price",
        "competitor",
        "no_decision",
        "other",
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("price", "price"),
        ("PRICE", "price"),
        ("harga", "price"),
        ("Harga ", "price"),
        ("too expensive", "price"),
        ("mahal", "price"),
        ("competitor", "competitor"),
        ("kompetitor", "competitor"),
        ("pesaing", "competitor"),
        ("product", "product"),
        ("Product objection", "product"),
        ("produk", "product"),
        ("need", "need"),
        ("tidak butuh", "need"),
        ("emotion", "emotion"),
        ("emosi", "emotion"),
        ("no decision", "no_decision"),
        ("no_decision", "no_decision"),
        ("No decision / went dark", "no_decision"),
        ("went dark", "no_decision"),
        ("ghosted", "no_decision"),
        ("other", "other"),
        ("lainnya", "other"),
        ("pri", "price"),  # unique prefixes
        ("comp", "competitor"),
        ("kompe", "competitor"),
        ("emo", "emotion"),
        ("gho", "no_decision"),
        ("prödüct", "product"),  # accents ignored
    ],
)
def test_match_reason(text: str, key: str) -> None:
    assert match_reason(text).key == key


@pytest.mark.parametrize(
    ("match", "text", "params"),
    [
        (
            match_reason,
            "weather",
            {"reasons": "product, need, emotion, price, competitor, no decision, other"},
        ),
        (
            match_role,
            "janitor",
            {"roles": "decision maker, user influence, technical influence, coach"},
        ),
    ],
    ids=["reason", "role"],
)
def test_an_unknown_reason_or_role_lists_them_and_echoes(match, text, params) -> None:
    with pytest.raises(InvalidInput) as err:
        match(text)
    assert err.value.params == {"text": text, **params}


@pytest.mark.parametrize(("text", "reasons"), [("no", "need, emotion, no decision"), ("p", None)])
def test_match_reason_ambiguous_or_too_short(text: str, reasons: str | None) -> None:
    with pytest.raises(InvalidInput) as err:
        match_reason(text)
    assert err.value.params["text"] == text
    if reasons is not None:
        assert err.value.params["reasons"] == reasons


@pytest.mark.parametrize(
    ("call", "text", "words"),
    [
        (
            match_reason,
            "no",
            "“no” could be several reasons: need, emotion, no decision. Write more of it.",
        ),
        (
            match_reason,
            "weather",
            "“weather” is not a lost reason. Use one of: product, need, emotion, price, "
            "competitor, no decision, other.",
        ),
        (
            match_role,
            "pe",  # pengambil keputusan, pengguna, pengaruh teknis, pelatih
            "“pe” could be several roles: decision maker, user influence, technical influence, "
            "coach. Write more of it.",
        ),
        (
            match_role,
            "janitor",
            "“janitor” is not a role in the decision. Use one of: decision maker, user influence, "
            "technical influence, coach.",
        ),
    ],
)
def test_reason_and_role_messages(call, text: str, words: str) -> None:
    with pytest.raises(InvalidInput) as err:
        call(text)
    assert err.value.render(Translator("en")) == words
    assert err.value.render(Translator("id")) != words  # translated


def test_reasons_and_roles_by_key() -> None:
    assert reason_by_key("price") is LOST_REASONS[3]
    assert reason_by_key("other") is LOST_REASONS[-1]
    assert reason_by_key("weather") is None
    assert role_by_key("coach") is DMU_ROLES[3]
    assert role_by_key("decision_maker") is DMU_ROLES[0]
    assert role_by_key("janitor") is None


def test_every_reason_finds_itself() -> None:
    for r in LOST_REASONS:
        assert match_reason(r.key) is r
        assert match_reason(r.label) is r
        for alias in r.aliases:
            assert match_reason(alias) is r


# --- decision-maker unit ------------------------------------------------------------------


def test_dmu_roles() -> None:
    assert [(r.key, r.label) for r in DMU_ROLES] == [
        ("decision_maker", "Decision maker"),
        ("user_influence", "User influence"),
        ("technical_influence", "Technical influence"),
        ("coach", "Coach"),
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("decision maker", "decision_maker"),
        ("Decision-Maker", "decision_maker"),
        ("dm", "decision_maker"),
        ("pengambil keputusan", "decision_maker"),
        ("user", "user_influence"),
        ("pengguna", "user_influence"),
        ("user influence", "user_influence"),
        ("technical", "technical_influence"),
        ("teknis", "technical_influence"),
        ("coach", "coach"),
        ("champion", "coach"),
        ("orang dalam", "coach"),
        ("tech", "technical_influence"),
        ("co", "coach"),  # prefix
        ("dec", "decision_maker"),
    ],
)
def test_match_role(text: str, key: str) -> None:
    assert match_role(text).key == key


# --- the pipeline's shape -------------------------------------------------------------------


def test_order_max_is_99_or_one_past_the_stage_count() -> None:
    assert stages.order_max(0) == 99
    assert stages.order_max(98) == 99
    assert stages.order_max(99) == 100
    assert stages.order_max(150) == 151


def test_open_stages_keep_their_order() -> None:
    rows = [
        Row("w", "Won", 1, "won"),
        Row("b", "B", 3),
        Row("l", "Lost", 2, "lost"),
        Row("a", "A", 4),
    ]
    assert stages.open_stages(rows) == [rows[1], rows[3]]
    assert stages.open_stages(STAGES) == STAGES[:6]


def test_terminal_stage() -> None:
    assert stages.terminal_stage(STAGES, "won") is BY_KEY["won"]
    assert stages.terminal_stage(STAGES, stages.LOST) is BY_KEY["lost"]
    with pytest.raises(NotFound) as err:
        stages.terminal_stage(STAGES[:6], "won")
    assert err.value.render(Translator("en")) == "This workspace has no “won” stage."


def test_status_values_are_the_stored_strings() -> None:
    assert [s.value for s in stages.Status] == ["open", "won", "lost"]
    assert stages.Status.WON == "won" and stages.LOST == "lost"
    assert stages.STATUS_LABELS == {"open": "open", "won": "won", "lost": "lost"}
