"""Issue 15 by value: the words of ``/pipeline delete`` and ``/pipeline merge`` and who may
delete or merge a deal (``bot.core.removal``)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.core.deals import Actor
from bot.core.errors import InvalidInput, PermissionDenied
from bot.core.removal import (
    MergeText,
    check_merge,
    delete_target,
    ensure_can_delete,
    merge_target,
)

HOW_TO_DELETE = "Which deal? Write `/pipeline delete <deal>`, e.g. `/pipeline delete Acme`."
HOW_TO_MERGE = (
    "Write which deal goes into which: `/pipeline merge <deal A> into <deal B>` "
    "(A's contacts, checklists, meetings and history move to B; A is deleted)."
)


@dataclass
class Deal:
    id: int
    name: str
    owner_id: str = "U1"
    stage_id: int = 1


OWNER = Actor("T1", "U1")
OTHER = Actor("T1", "U2")
MANAGER = Actor("T1", "U3", is_manager=True)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("delete Acme Corp", "Acme Corp"),
        ("  hapus   Toko  Maju ", "Toko  Maju"),  # all after the command word, as typed
        ('hapus "Toko Maju"', "Toko Maju"),
        ("remove “Acme”", "Acme"),
        ("delete Xerox X", "Xerox X"),
    ],
)
def test_delete_names_the_deal_without_its_quotes(text, name):
    assert delete_target(text) == name


@pytest.mark.parametrize("text", ["", "delete", "delete  ", 'delete ""', "hapus “”"])
def test_delete_without_a_deal_says_how_to_write_it(text):
    with pytest.raises(InvalidInput) as err:
        delete_target(text)
    assert str(err.value) == HOW_TO_DELETE


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("merge Acme old into Acme", MergeText("Acme old", "Acme")),
        ("gabungkan Toko Lama ke Toko Baru", MergeText("Toko Lama", "Toko Baru")),
        ("merge A INTO B", MergeText("A", "B")),
        ('gabung "Toko ke Rumah" ke "Rumah"', MergeText("Toko ke Rumah", "Rumah")),
        ("merge “A” into “B c”", MergeText("A", "B c")),
        ("merge Into Acme into Globex", MergeText("Into Acme", "Globex")),
        ("merge Xerox X into XL Axiata", MergeText("Xerox X", "XL Axiata")),
    ],
)
def test_merge_splits_at_the_last_into(text, names):
    assert merge_target(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "merge Acme Globex",
        "merge Acme Corp Globex",
        "merge into Globex",
        "merge Acme into",
        "merge Acme into “”",
        'merge "" into Globex',
        "merge",
        "merge into",
    ],
)
def test_merge_without_two_deals_says_how_to_write_it(text):
    with pytest.raises(InvalidInput) as err:
        merge_target(text)
    assert str(err.value) == HOW_TO_MERGE


def test_the_owner_or_a_manager_may_delete():
    deal = Deal(1, "Acme")
    ensure_can_delete(OWNER, deal)
    ensure_can_delete(MANAGER, deal)
    with pytest.raises(PermissionDenied) as err:
        ensure_can_delete(OTHER, deal)
    assert (
        str(err.value) == "Only the deal's owner (<@U1>) or a manager can delete or merge “Acme”."
    )


def test_a_deal_is_not_merged_into_itself():
    with pytest.raises(InvalidInput) as err:
        check_merge(MANAGER, Deal(7, "Acme"), Deal(7, "Acme"))
    assert str(err.value) == "A deal can't be merged into itself: name two different deals."
    check_merge(MANAGER, Deal(7, "Acme"), Deal(8, "Acme"))


@pytest.mark.parametrize("other_owns", ["merged", "survivor"])
def test_merging_needs_both_deals_to_be_the_actors(other_owns):
    mine, theirs = Deal(1, "Mine"), Deal(2, "Theirs", owner_id="U2")
    merged, survivor = (theirs, mine) if other_owns == "merged" else (mine, theirs)
    with pytest.raises(PermissionDenied) as err:
        check_merge(OWNER, merged, survivor)
    assert "“Theirs”" in str(err.value)
    check_merge(OWNER, Deal(1, "Mine"), Deal(3, "Also mine"))


@dataclass
class Unsaved:
    name: str
    owner_id: str = "U1"
    stage_id: int = 1


def test_merging_tells_deals_apart_by_id_and_a_deal_may_have_none():
    check_merge(MANAGER, Unsaved("Acme"), Deal(7, "Globex"))
    check_merge(MANAGER, Deal(7, "Acme"), Unsaved("Globex"))
    with pytest.raises(InvalidInput, match="merged into itself"):
        check_merge(MANAGER, Unsaved("Acme"), Unsaved("Globex"))
