"""Forgiving deal-name matching and splitting /advance text, by value."""

from __future__ import annotations

import pytest

from bot.core.matching import Candidate, fold, match_names, normalise, split_command

DEALS = [
    Candidate(1, "Acme Corp"),
    Candidate(2, "Café Ría"),
    Candidate(3, "Acme Digital"),
    Candidate(4, "PT Maju Jaya Tbk"),
    Candidate(5, "Back to School Ltd"),
    Candidate(6, "Globex"),
    Candidate(7, "Initech"),
]


def ids(cands: list[Candidate]) -> list[int]:
    return [c.id for c in cands]


# --- normalise ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Acme Corp", "acme"),
        ("  ACME   corp. ", "acme"),
        ("Café Ría", "cafe ria"),
        ("PT. Maju Jaya Tbk", "maju jaya"),
        ("P.T. Maju Jaya", "maju jaya"),
        ("PT Telkom Indonesia (Persero) Tbk", "telkom indonesia"),
        ("CV Sinar-Abadi", "sinar abadi"),
        ("Acme Pte. Ltd.", "acme"),
        ("O'Brien & Sons", "obrien sons"),
        ("Straße GmbH", "strasse"),
        ("PT", "pt"),  # only affixes: kept
        ("Co", "co"),
        ("", ""),
    ],
)
def test_normalise(name: str, key: str) -> None:
    assert normalise(name) == key


def test_fold_keeps_affixes() -> None:
    assert fold("PT. Café-Ría, Tbk!") == "pt cafe ria tbk"


# --- match_names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "deal_id"),
    [
        ("Acme Corp", 1),
        ("acme corp", 1),
        ("ACME CORP.", 1),
        ("acme", 1),  # affix left out
        ("Acme Inc", 1),  # another affix
        ("AcmeCorp", 1),  # spaces left out
        ("cafe ria", 2),  # accents
        ("CAFÉ RÍA", 2),
        ("Cafe-Ria", 2),
        ("maju jaya", 4),
        ("PT Maju Jaya", 4),
        ("acme co", 1),
        ('"Back to School"', 5),  # quotes and affixes do not matter
    ],
)
def test_exact_match_wins_alone(query: str, deal_id: int) -> None:
    result = match_names(query, DEALS)
    assert result.exact == DEALS[deal_id - 1]
    assert ids(result.matches) == [deal_id]
    assert result.suggestions == []


def test_exact_as_written_beats_exact_without_affixes() -> None:
    deals = [Candidate(1, "Acme Inc"), Candidate(2, "Acme Corp")]
    assert match_names("acme corp", deals).exact == deals[1]
    both = match_names("acme", deals)  # both are "acme": the user picks
    assert both.exact is None
    assert ids(both.matches) == [2, 1]


def test_same_name_twice_is_not_exact() -> None:
    deals = [Candidate(8, "Globex"), Candidate(3, "Globex")]
    result = match_names("globex", deals)
    assert result.exact is None
    assert ids(result.matches) == [3, 8]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ac", [1, 3]),  # prefix of two names: shorter first
        ("acme d", [3]),
        ("caf", [2]),
        ("glo", [6]),
        ("digital", [3]),  # start of a later word
        ("jaya", [4]),
        ("school", [5]),
        ("back to", [5]),
        ("acme cor", [1]),  # a trailing affix being typed
        ("corp", [1]),
    ],
)
def test_prefix_matches(query: str, expected: list[int]) -> None:
    result = match_names(query, DEALS)
    assert result.exact is None
    assert ids(result.matches) == expected
    assert result.suggestions == []


def test_name_start_ranks_before_word_start() -> None:
    deals = [Candidate(1, "Big Data Co"), Candidate(2, "Data Works"), Candidate(3, "Datang")]
    assert ids(match_names("data", deals).matches) == [3, 2, 1]  # then shorter first


def test_typed_affix_is_not_dropped_for_prefixes() -> None:
    # "Acme Corp" names a deal that does not exist; it must not pick "Acme Digital" alone.
    result = match_names("Acme Corp", [Candidate(3, "Acme Digital")])
    assert result.exact is None
    assert result.matches == []
    assert ids(result.suggestions) == [3]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Acme Crop", [1]),  # transposition
        ("Acne Corp", [1]),  # substitution
        ("Glbex", [6]),  # deletion
        ("Initechh", [7]),  # insertion
        ("intiech", [7]),
        ("majv jaya", [4]),
        ("Cafe Rai", [2]),
        ("acem", [1, 3]),  # typo in a prefix
    ],
)
def test_small_typos_match(query: str, expected: list[int]) -> None:
    result = match_names(query, DEALS)
    assert result.exact is None
    assert ids(result.matches) == expected


def test_typo_budget_grows_with_length() -> None:
    deals = [Candidate(1, "Globex"), Candidate(2, "Umbrella Corporation Asia")]
    assert match_names("Glbxe", deals).matches == []  # 2 edits on a short name: no
    assert ids(match_names("Umbrela Corporatoin Asia", deals).matches) == [2]  # 2 edits: yes
    assert match_names("gx", deals).matches == []  # too short for typos


def test_no_match_gives_closest_suggestions() -> None:
    result = match_names("Acme Industries", DEALS)
    assert result.exact is None
    assert result.matches == []
    assert sorted(ids(result.suggestions)[:2]) == [1, 3]
    assert len(result.suggestions) <= 5


def test_suggestions_are_at_most_five_and_deterministic() -> None:
    deals = [Candidate(i, f"Sinar Mas {i}") for i in range(20, 0, -1)]
    first = match_names("Sinar Emas Group", deals)
    assert first.matches == []
    assert len(first.suggestions) == 5
    assert first.suggestions == match_names("Sinar Emas Group", list(reversed(deals))).suggestions


@pytest.mark.parametrize("query", ["zzzz qqq", "", "  ", "!!"])
def test_nothing_close(query: str) -> None:
    result = match_names(query, DEALS)
    assert (result.exact, result.matches, result.suggestions) == (None, [], [])


def test_no_candidates() -> None:
    assert match_names("acme", []).suggestions == []


def test_fast_enough_for_five_thousand_deals() -> None:
    import time

    deals = [Candidate(i, f"PT Nusantara {i:04d} Sejahtera Tbk") for i in range(5000)]
    deals.append(Candidate(9999, "Acme Corp"))
    start = time.perf_counter()
    for query in ("Acme Crop", "acme", "nusantara 0042", "Zebra Logistics"):
        match_names(query, deals)
    assert time.perf_counter() - start < 5  # generous; typically well under a second


# --- split_command ------------------------------------------------------------------------

MOVE_WORDS = ("to", "ke", "won", "menang", "lost", "kalah")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme Corp to negotiation", ("Acme Corp", "to", "negotiation")),
        ("acme won", ("acme", "won", "")),
        ("acme lost price too expensive", ("acme", "lost", "price too expensive")),
        ("acme", ("acme", None, "")),
        ("  Acme   Corp  ", ("Acme   Corp", None, "")),
        ("Acme TO Closing", ("Acme", "to", "Closing")),
        ("acme ke negosiasi", ("acme", "ke", "negosiasi")),
        ("acme menang", ("acme", "menang", "")),
        ("acme kalah harga  terlalu mahal", ("acme", "kalah", "harga  terlalu mahal")),
        ("acme lost went to competitor", ("acme", "lost", "went to competitor")),
        ("toko maju to closing", ("toko maju", "to", "closing")),  # "toko" is not "to"
        ("to closing", ("to closing", None, "")),  # no deal text before it
        ("won", ("won", None, "")),
        ("", ("", None, "")),
        # a name containing a keyword must be quoted
        ("Back to School Ltd to closing", ("Back", "to", "School Ltd to closing")),
        ('"Back to School Ltd" to closing', ("Back to School Ltd", "to", "closing")),
        ("“Back to School Ltd” to closing", ("Back to School Ltd", "to", "closing")),
        ('"Back to School Ltd"', ("Back to School Ltd", None, "")),
        ('"Back to School Ltd" won', ("Back to School Ltd", "won", "")),
        ('"Won Hope"  lost  other', ("Won Hope", "lost", "other")),
        ('"Acme" next please', ("Acme", None, "next please")),
        ('"Acme to closing', ("Acme", "to", "closing")),  # unclosed quote
    ],
)
def test_split_command(text: str, expected: tuple[str, str | None, str]) -> None:
    assert split_command(text, MOVE_WORDS) == expected


def test_split_command_returns_keyword_as_given() -> None:
    assert split_command("acme Ke closing", ["KE"]) == ("acme", "KE", "closing")
