"""SPIN/BATNA reading, validation and completion; meeting logs; stage gates — by value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from bot.core import checklists as cl
from bot.core import gates
from bot.core.errors import InvalidInput
from bot.core.i18n import Translator

t = Translator("en")


def rendered(errors: dict) -> dict[str, str]:
    return {k: e.render(t) for k, e in errors.items()}


# --- SPIN -------------------------------------------------------------------------------


def test_spin_keeps_answers_and_counts_parts():
    data, errors = cl.read_spin(
        {
            "awareness": "problem_aware",
            "situation_asked": " How do you take orders today? ",
            "situation_learned": "By WhatsApp, 3 admins",
            "problem_learned": "Orders get lost",
            "implication_asked": "",
        }
    )
    assert not errors
    assert data["mode"] == "spin" and data["awareness"] == "problem_aware"
    assert data["fields"] == {
        "situation_asked": "How do you take orders today?",
        "situation_learned": "By WhatsApp, 3 admins",
        "problem_learned": "Orders get lost",
    }
    assert cl.completion(cl.SPIN, data) == cl.Completion(3, 5)


def test_solution_aware_suggests_direct_questions():
    assert cl.suggested_mode("solution_aware") == cl.MODE_DIRECT
    assert cl.suggested_mode("unaware") == cl.MODE_SPIN
    data, errors = cl.read_spin(
        {"awareness": "solution_aware", "mode": "direct", "reveal_benefit_learned": "Speed"}
    )
    assert not errors
    assert cl.completion(cl.SPIN, data) == cl.Completion(2, 3)


def test_spin_with_nothing_written_is_refused_under_the_first_question():
    _, errors = cl.read_spin({"awareness": None})
    assert list(errors) == ["situation_learned"]
    assert "Nothing to save" in rendered(errors)["situation_learned"]


def test_spin_refuses_overlong_answers_and_ignores_unknown_awareness():
    data, errors = cl.read_spin({"awareness": "psychic", "problem_asked": "x" * 2001})
    assert data["awareness"] is None
    assert "2001 characters" in rendered(errors)["problem_asked"]


# --- BATNA ------------------------------------------------------------------------------


def batna(**raw):
    return cl.read_batna(raw, default_currency="IDR", locale="en")


def test_batna_parses_amounts_in_any_shorthand():
    data, errors = batna(
        possible="60jt",
        target="Rp 50.000.000",
        critical="40 juta",
        our_alternative="Sell to PT Lain",
        objections=["need", "product"],
        responses=["admit"],
        four_rs=["react", "recognize", "respond", "reconfirm"],
    )
    assert not errors
    assert data["possible"] == {"amount": "60000000", "currency": "IDR"}
    assert data["target"] == {"amount": "50000000", "currency": "IDR"}
    assert data["objections"] == ["product", "need"]  # definition order
    assert cl.money_of(data["critical"]) == cl.Money(Decimal(40_000_000), "IDR")
    assert cl.completion(cl.BATNA, data) == cl.Completion(4, 6)


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        ({"possible": "50jt", "target": "60jt"}, "target", "Target (Rp60.000.000) is above"),
        (
            {"possible": "60jt", "target": "50jt", "critical": "55jt"},
            "critical",
            "Critical (Rp55.000.000) is above Target (Rp50.000.000)",
        ),
        ({"possible": "50jt", "critical": "70jt"}, "critical", "above Possible"),
        ({"possible": "lots"}, "possible", "couldn't read “lots”"),
        ({"possible": "$5,000", "target": "Rp 4jt"}, "target", "one currency"),
        ({"target": "0"}, "target", "zero"),
    ],
)
def test_batna_field_errors_say_what_and_how(raw, field, words):
    _, errors = batna(**raw)
    assert list(errors) == [field]
    assert words in rendered(errors)[field]


def test_batna_values_in_order_and_equal_values_are_fine():
    _, errors = batna(possible="50jt", target="50jt", critical="50jt")
    assert not errors


def test_batna_several_bad_fields_at_once():
    _, errors = batna(possible="abc", target="xyz", our_alternative="y" * 2001)
    assert set(errors) == {"possible", "target", "our_alternative"}


def test_empty_batna_is_refused():
    _, errors = batna()
    assert "Nothing to save" in rendered(errors)["possible"]


def test_batna_completion_needs_all_three_values_and_all_four_rs():
    data, _ = batna(possible="60jt", target="50jt", four_rs=["react"])
    assert cl.completion(cl.BATNA, data).filled == 0
    data, _ = batna(
        possible="60jt", target="50jt", critical="1jt", four_rs=[s.key for s in cl.FOUR_R_STEPS]
    )
    assert cl.completion(cl.BATNA, data) == cl.Completion(2, 6)


# --- meeting logs -----------------------------------------------------------------------


def test_attendees_with_roles_in_english_or_indonesian():
    people = cl.parse_attendees(
        "Budi Santoso, decision maker\n• Sari (coach)\nAndi - teknis\n\nDewi: pengguna\nRina"
    )
    assert [(p.name, p.role) for p in people] == [
        ("Budi Santoso", "decision_maker"),
        ("Sari", "coach"),
        ("Andi", "technical_influence"),
        ("Dewi", "user_influence"),
        ("Rina", None),
    ]


def test_unknown_role_is_kept_as_a_title():
    """Issue 14: "Andi, IT manager" is accepted; what is not a role is the person's title."""
    people = cl.parse_attendees("Budi, decision maker\nSari, astronaut")
    assert [(p.name, p.role, p.title) for p in people] == [
        ("Budi", "decision_maker", None),
        ("Sari", None, "astronaut"),
    ]


TODAY = date(2026, 11, 23)


def test_meeting_log_reads_everything():
    log, errors = cl.read_meeting(
        {
            "deal": "7",
            "date": "2026-11-20",
            "attendees": "Budi, dm",
            "notes": " Demo went well ",
            "outcome": "Wants a proposal",
            "next_step": "Send proposal",
            "next_step_due": "2026-11-27",
            "stage": "4",
        },
        today=TODAY,
    )
    assert not errors
    assert log.deal_id == 7 and log.occurred_on == date(2026, 11, 20) and log.stage_id == 4
    assert log.notes == "Demo went well" and log.attendees[0].role == "decision_maker"


def test_meeting_log_errors_per_field():
    log, errors = cl.read_meeting(
        {
            "deal": None,
            "date": "2026-12-01",
            "attendees": "Budi, boss of bosses\n" + "B" * 201,
            "notes": "  ",
            "next_step_due": "2026-12-05",
        },
        today=TODAY,
    )
    assert log is None
    assert set(errors) == {"deal", "date", "attendees", "notes", "next_step"}
    assert "in the future" in rendered(errors)["date"]


# --- gates ------------------------------------------------------------------------------


@dataclass
class St:
    kind: str = "open"
    gate_checklist: str | None = None
    gate_mode: str = "off"


def test_gates_block_only_what_is_missing():
    presentation = St(gate_checklist="spin", gate_mode="warn")
    assert gates.blocking_gate(presentation, set()) == gates.Gate("spin", "warn")
    assert gates.blocking_gate(presentation, {"spin"}) is None
    assert gates.blocking_gate(St(gate_checklist="batna", gate_mode="off"), set()) is None
    assert (
        gates.blocking_gate(St(kind="lost", gate_checklist="spin", gate_mode="require"), set())
        is None
    )
    assert gates.blocking_gate(St(gate_checklist="batna", gate_mode="require"), {"spin"}).required


def test_gate_choices_round_trip():
    for key, checklist, mode in gates.CHOICES:
        assert gates.parse_choice(key) == (checklist, mode)
        assert gates.choice_key(checklist, mode) == key
    with pytest.raises(InvalidInput):
        gates.parse_choice("spin:maybe")


def test_default_stages_gate_presentation_and_negotiation():
    from bot.core.stages import DEFAULT_STAGES

    gated = {s.key: (s.gate_checklist, s.gate_mode) for s in DEFAULT_STAGES if s.gate_checklist}
    assert gated == {"presentation": ("spin", "warn"), "negotiation": ("batna", "warn")}


def test_completion_label_for_digests():
    assert cl.completion_label({"spin": (3, 5)}) == "SPIN 3/5 · BATNA —"
    assert cl.completion_label({}) == "SPIN — · BATNA —"
    assert cl.completion_label({"spin": (5, 5), "batna": (6, 6)}) == "SPIN 5/5 · BATNA 6/6"


def test_note_needs_a_deal_and_some_text():
    assert cl.read_note({"deal": "3", "notes": " Budget approved "}) == ((3, "Budget approved"), {})
    note, errors = cl.read_note({"deal": None, "notes": "x" * 3001})
    assert note is None and set(errors) == {"deal", "notes"}
    assert "3001 characters" in rendered(errors)["notes"]
