"""What matching asks the database for (``name_keys``, ``plan_lookup``) and the tier each
answer comes from, by value. (The index lookups themselves: tests/storage/test_lookups.py.)"""

from __future__ import annotations

import pytest

from bot.core.matching import (
    EXACT,
    PREFIX,
    TYPO,
    Candidate,
    NameKeys,
    match_names,
    name_keys,
    plan_lookup,
)


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("PT. Café Ría Tbk", NameKeys("cafe ria", "pt cafe ria tbk", "ptcaferiatbk")),
        ("Acme Corp", NameKeys("acme", "acme corp", "acmecorp")),
        ("O'Brien & Sons", NameKeys("obrien sons", "obrien sons", "obriensons")),
    ],
)
def test_name_keys(name: str, keys: NameKeys) -> None:
    assert name_keys(name) == keys


def test_a_plan_looks_for_the_name_with_and_without_its_affixes() -> None:
    plan = plan_lookup("PT Acme Corp")
    assert plan is not None
    assert plan.compact == ("ptacmecorp", "acmecorp")
    assert plan.key == "acme"
    # as typed, without the leading form, without any form; each also after a leading form
    assert set(plan.prefixes) == {
        *("ptacmecorp", "acmecorp", "acme"),
        *(f"{a}{h}" for a in ("pt", "cv", "ud") for h in ("ptacmecorp", "acmecorp", "acme")),
    }
    assert plan.word_start == "acme corp"
    assert plan.fuzzy == "pt acme corp"
    assert plan.budget == 1  # "acme" is four letters
    assert set(plan.starts) == {f"{a}{s}" for a in ("", "pt", "cv", "ud") for s in ("ac", "ca")}


def test_a_plan_for_a_single_letter_has_no_two_letter_fallback() -> None:
    plan = plan_lookup("a")
    assert plan is not None and plan.starts == () and plan.budget == 0


@pytest.mark.parametrize("text", ["", "  ", "!!", "—"])
def test_nothing_to_look_for(text: str) -> None:
    assert plan_lookup(text) is None


@pytest.mark.parametrize(
    ("query", "tier"),
    [
        *[("acme corp", EXACT), ("acme", EXACT), ("acme d", PREFIX), ("corp", PREFIX)],
        *[("Acme Crop", TYPO), ("acem", TYPO), ("zebra", "")],
    ],
)
def test_each_answer_says_its_tier(query: str, tier: str) -> None:
    deals = [Candidate(1, "Acme Corp"), Candidate(2, "Acme Digital")]
    assert match_names(query, deals).tier == tier


def test_suggestions_are_ranked_by_rapidfuzz_ratio() -> None:
    deals = [Candidate(1, "Mega"), Candidate(2, "Mega Sentosa Abadi"), Candidate(3, "Sentosa Raya")]
    # ratio with "sentosa mega": 2·9/24 = 0.75, 2·9/30 = 0.60, 2·4/16 = 0.50
    assert [c.id for c in match_names("Sentosa Mega", deals).suggestions] == [3, 2, 1]
