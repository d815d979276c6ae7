"""Forgiving deal-name matching and splitting /advance text, by value."""

from __future__ import annotations

from itertools import product

import pytest

from bot.core import matching
from bot.core.matching import (
    Candidate,
    fold,
    lookup_term,
    match_names,
    normalise,
    split_command,
)

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
        ("PT Maju", "maju"),
        ("Maju PT", "maju"),  # Indonesian forms at either end
        ("Maju Jaya PT", "maju jaya"),
        ("Sinar Abadi CV", "sinar abadi"),
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


def test_prefix_typed_without_spaces() -> None:
    result = match_names("PTMaju", [Candidate(4, "PT Maju Jaya"), Candidate(6, "Globex")])
    assert ids(result.matches) == [4]


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


@pytest.mark.parametrize(
    ("query", "name", "matches"),
    [
        # under 3 letters: no typo allowed
        ("LK", "LG", False),
        # 3 to 7 letters: one edit
        ("Acx", "Acb", True),
        ("Inetech", "Initech", True),
        ("Inxtexh", "Initech", False),  # two edits at 7 letters
        # 8 letters and more: two edits
        ("Umbrexxa", "Umbrella", True),
        ("Umbxxxla", "Umbrella", False),  # three edits
    ],
)
def test_typo_allowance_at_its_limits(query: str, name: str, matches: bool) -> None:
    result = match_names(query, [Candidate(1, name)])
    assert ids(result.matches) == ([1] if matches else [])
    assert ids(result.suggestions) == ([] if matches else [1])


def test_a_typo_in_the_start_of_a_name_needs_four_letters() -> None:
    assert match_names("Acx", [Candidate(1, "Acme Corp")]).matches == []
    assert ids(match_names("Acne", [Candidate(1, "Acme Corp")]).matches) == [1]


def test_a_leading_affix_does_not_stop_typo_matching() -> None:
    """Found by mutation testing: the typed start was compared with the name's start only
    when the name was longer, so "PT Acme Crop" missed "Acme Corp" (same length)."""
    assert ids(match_names("Acme Crop", [Candidate(1, "Acme Corp")]).matches) == [1]
    assert ids(match_names("PT Acme Crop", [Candidate(1, "Acme Corp")]).matches) == [1]


def test_typo_matches_rank_the_closest_length_first() -> None:
    # Both are two edits from "alfamidi"; "Salfamedi" is one letter longer, "Alfami" two shorter.
    deals = [Candidate(1, "Alfami"), Candidate(2, "Salfamedi")]
    assert ids(match_names("Alfamidi", deals).matches) == [2, 1]


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


def test_suggestions_keep_the_best_five_of_many() -> None:
    # Over twenty candidates close enough, the list is cut to the best five as it goes; the
    # best may come anywhere, and one arriving after a cut still gets in.
    weak = [f"Sentosa Jaya {i:02d}" for i in range(19)]  # similarity 0.52
    strong = ["Mega Tosa", "Mega Toko Sentosa", "Omega Tosa", "Mega Sentul", "Megah Sentul"]
    late = "Mega Star"  # 0.76: between the fourth (0.78) and fifth (0.75) strong ones
    names = [*weak[:5], *strong, *weak[5:16], late, *weak[16:]]
    result = match_names("Mega Sentosa", [Candidate(i, n) for i, n in enumerate(names)])
    assert result.matches == []
    assert [c.name for c in result.suggestions] == [*strong[:4], late]


def test_every_close_name_is_suggested_whatever_the_order() -> None:
    names = ["Mega Tosa", "Mega Sentul", "Sentosa Jaya 01"]  # similarity 0.86, 0.78, 0.52
    for order in (names, names[::-1]):
        result = match_names("Mega Sentosa", [Candidate(i, n) for i, n in enumerate(order)])
        assert [c.name for c in result.suggestions] == names


@pytest.mark.parametrize(("query", "name"), [("Kopiz", "Kotak"), ("Acme", "E")])
def test_a_name_exactly_at_the_similarity_cutoff_is_suggested(query: str, name: str) -> None:
    # similarity 2 × 2 / 10 and 2 × 1 / 5: exactly SUGGESTION_CUTOFF (0.4)
    assert [c.name for c in match_names(query, [Candidate(1, name)]).suggestions] == [name]


def test_a_long_name_close_to_the_query_is_suggested() -> None:
    # 200 characters (the most a deal name has), three letters off: no typo match, but a
    # close suggestion.
    name = ("Koperasi Sejahtera " * 11)[:200]
    query = name[:100] + "xyz" + name[103:]
    result = match_names(query, [Candidate(1, name)])
    assert result.matches == []
    assert ids(result.suggestions) == [1]


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


# --- the typo distance ------------------------------------------------------------------


def textbook_distance(a: str, b: str) -> int:
    """Optimal string alignment distance, the full table: the reference for the banded one."""
    table = [[i + j if not i * j else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i, j in product(range(1, len(a) + 1), range(1, len(b) + 1)):
        cost = a[i - 1] != b[j - 1]
        table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
        if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
            table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[-1][-1]


WORDS = ["".join(w) for n in range(5) for w in product("abc", repeat=n)]


@pytest.mark.parametrize("limit", [0, 1, 2, 3])
def test_banded_distance_agrees_with_the_full_table(limit: int) -> None:
    # Every pair of words of up to four letters over a, b, c (14 641 pairs).
    for a, b in product(WORDS, repeat=2):
        full = textbook_distance(a, b)
        assert matching._distance_within(a, b, limit) == (full if full <= limit else None), (a, b)


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("acme", "acme", 0),
        ("acme", "acne", 1),
        ("acme", "amce", 1),  # a transposition is one edit
        ("ca", "abc", None),  # 3 in optimal string alignment (2 in true Damerau-Levenshtein)
        ("initech", "intiech", 1),
        ("umbrella corporation", "umbrela corporatoin", 2),
        ("toko jaya 01", "toko jaya 02", 1),
        ("abcdef", "", None),
        ("", "ab", 2),
    ],
)
def test_distance_examples(a: str, b: str, distance: int | None) -> None:
    assert matching._distance_within(a, b, 2) == distance


# --- lookup_term --------------------------------------------------------------------------


def test_lookup_term_in_nothing_finds_nothing() -> None:
    assert lookup_term("won", []) == []


def test_lookup_term_entries_may_have_fewer_tiers() -> None:
    entries = [("a", (("alpha",),)), ("b", (("beta",), ("bravo",)))]
    assert lookup_term("bravo", entries) == ["b"]
    assert lookup_term("al", entries) == ["a"]
    assert lookup_term("a", entries) == []  # too short a prefix
    assert lookup_term("a", entries, min_prefix=1) == ["a"]


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
        ('"Acme"won', ("Acme", "won", "")),  # no space after the closing quote
        ('"Won Hope" lost price too high', ("Won Hope", "lost", "price too high")),
        ('"" to closing', ("", "to", "closing")),  # empty quotes: no name (the caller asks)
    ],
)
def test_split_command(text: str, expected: tuple[str, str | None, str]) -> None:
    assert split_command(text, MOVE_WORDS) == expected


def test_split_command_returns_keyword_as_given() -> None:
    assert split_command("acme Ke closing", ["KE"]) == ("acme", "KE", "closing")
