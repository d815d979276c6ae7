"""bot.core.deals by value: who may change a deal, and working out a move from `/advance` text."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.core.deals import (
    MOVE_TEXT_MAX,
    Actor,
    MovePlan,
    check_move_text,
    ensure_can_change,
    plan_move,
    require_manager,
)
from bot.core.errors import InvalidInput, PermissionDenied
from bot.core.i18n import N_, Translator
from bot.core.stages import DEFAULT_STAGES

en = Translator("en")


@dataclass(frozen=True)
class Stage:
    id: int
    key: str
    name: str
    position: int
    kind: str


@dataclass(frozen=True)
class Deal:
    name: str
    stage_id: int
    status: str = "open"
    owner_id: str = "U1"


STAGES = [Stage(i, s.key, s.name, s.position, s.kind) for i, s in enumerate(DEFAULT_STAGES, 10)]
BY_KEY = {s.key: s for s in STAGES}


def deal_in(key: str, status: str = "open") -> Deal:
    return Deal("Acme", BY_KEY[key].id, status)


def plan(key: str, keyword: str | None, rest: str = "", status: str = "open") -> MovePlan:
    return plan_move(stages=STAGES, deal=deal_in(key, status), keyword=keyword, rest=rest)


def refusal(key: str, keyword: str | None, rest: str = "", status: str = "open") -> str:
    with pytest.raises(InvalidInput) as caught:
        plan(key, keyword, rest, status)
    return caught.value.render(en)


# --- who may change a deal --------------------------------------------------------------


def test_the_owner_or_a_manager_may_change_a_deal() -> None:
    deal = Deal("Acme", 10, owner_id="U1")
    ensure_can_change(Actor("T1", "U1"), deal)
    ensure_can_change(Actor("T1", "U2", is_manager=True), deal)
    with pytest.raises(PermissionDenied) as caught:
        ensure_can_change(Actor("T1", "U2"), deal)
    assert caught.value.render(en) == (
        "Only the deal's owner (<@U1>) or a manager can change “Acme”."
    )


def test_require_manager_says_why() -> None:
    require_manager(Actor("T1", "U1", is_manager=True), N_("Only a manager can do that."))
    with pytest.raises(PermissionDenied) as caught:
        require_manager(Actor("T1", "U1"), N_("Only a manager can do that."))
    assert str(caught.value) == "Only a manager can do that."


# --- move text --------------------------------------------------------------------------


def test_move_text_up_to_the_limit() -> None:
    check_move_text("x" * MOVE_TEXT_MAX)
    with pytest.raises(InvalidInput) as caught:
        check_move_text("x" * 1234)
    assert caught.value.render(en) == (
        "That move is too long: 1,234 characters after the deal's name, and a stage or a lost "
        "reason with a note may use 900. Shorten the note and send it again."
    )
    with pytest.raises(InvalidInput):
        plan("probing", "lost", "price " + "x" * MOVE_TEXT_MAX)


# --- moves ------------------------------------------------------------------------------


def test_no_keyword_moves_to_the_next_open_stage() -> None:
    assert plan("prospecting", None) == MovePlan(BY_KEY["approaching"])
    assert plan("negotiation", "") == MovePlan(BY_KEY["closing"])


def test_the_last_open_stage_has_no_next() -> None:
    assert refusal("closing", None) == (
        "“Acme” is in the last open stage (Closing). Close it with /advance Acme won or "
        "/advance Acme lost <reason>."
    )


@pytest.mark.parametrize(("status", "label"), [("won", "won"), ("lost", "lost")])
def test_a_closed_deal_has_no_next_stage(status: str, label: str) -> None:
    assert refusal(status, None, status=status) == (
        f"“Acme” is already closed ({label}). To re-open it, move it to a stage: "
        "/advance Acme to <stage>."
    )


def test_a_status_without_a_label_is_shown_as_stored() -> None:
    assert refusal("won", None, status="archived").startswith(
        "“Acme” is already closed (archived)."
    )


@pytest.mark.parametrize("keyword", ["won", "WON", "menang"])
def test_won(keyword: str) -> None:
    assert plan("closing", keyword, "  ") == MovePlan(BY_KEY["won"])


def test_won_takes_only_the_final_value_after_it() -> None:
    assert refusal("closing", "won", "by competitor") == (
        "“won” takes only the final value after it, so I didn't move “Acme”. Won: /advance Acme "
        "won [value]. Lost, with a reason: /advance Acme lost <reason> [note]."
    )


@pytest.mark.parametrize(
    ("rest", "reason", "note"),
    [
        ("price", "price", None),
        ("Price too expensive", "price", "too expensive"),
        ("too expensive for them", "price", "for them"),  # a two-word alias
        ("price they went with a cheaper vendor", "price", "they went with a cheaper vendor"),
        ("no decision", "no_decision", None),
        ("went dark after the demo", "no_decision", "after the demo"),
        ("no decision since March", "no_decision", "since March"),
        ("tidak ada kabar lagi", "no_decision", "lagi"),
        ("competitor  Globex  won", "competitor", "Globex won"),
        ("kompetitor", "competitor", None),
    ],
)
def test_lost_with_a_reason_and_a_note(rest: str, reason: str, note: str | None) -> None:
    for keyword in ("lost", "kalah"):
        got = plan("negotiation", keyword, rest)
        assert (got.target, got.lost_reason, got.lost_note) == (BY_KEY["lost"], reason, note)
        assert got.reason_words is not None and rest.split()[0] in got.reason_words.split()


def test_lost_needs_a_known_reason() -> None:
    assert (
        refusal("probing", "lost", " ")
        == "Say why it was lost: /advance Acme lost <reason> [note]."
    )
    assert refusal("probing", "lost", "weather was bad").startswith(
        "“weather” is not a lost reason."
    )


@pytest.mark.parametrize("keyword", ["to", "TO", "ke"])
def test_to_a_named_stage(keyword: str) -> None:
    assert plan("prospecting", keyword, " negotiation ") == MovePlan(BY_KEY["negotiation"])
    assert plan("prospecting", keyword, "won") == MovePlan(BY_KEY["won"])


def test_to_needs_a_stage_and_not_lost() -> None:
    assert refusal("probing", "to", "  ") == "Which stage? /advance Acme to <stage>."
    assert refusal("probing", "to", "lost") == (
        "To close a deal as lost, give a reason: /advance Acme lost <reason>."
    )


def test_a_move_to_the_stage_it_is_in_is_refused() -> None:
    assert refusal("probing", "to", "probing") == "“Acme” is already in Probing."
    assert refusal("won", "won", status="won") == "“Acme” is already in Won."


def test_moving_backwards_or_reopening_asks_first() -> None:
    assert plan("negotiation", "to", "probing").needs_confirm == "backward"
    assert plan("probing", "to", "negotiation").needs_confirm is None
    assert plan("won", "to", "closing", status="won").needs_confirm == "reopen"
    assert plan("lost", "won", status="lost").needs_confirm == "reopen"  # won ↔ lost
    assert plan("closing", "lost", "price").needs_confirm is None
