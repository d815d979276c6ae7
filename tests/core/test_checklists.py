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


def shown(errors: dict) -> dict[str, tuple[str | None, str]]:
    """Each error as the modal shows it: the field it sits under, and its English words."""
    return {k: (e.field, e.render(t)) for k, e in errors.items()}


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


def test_the_user_may_choose_spin_against_the_suggested_mode():
    data, errors = cl.read_spin(
        {"awareness": "solution_aware", "mode": "spin", "situation_asked": "How many stores?"}
    )
    assert not errors
    assert data["mode"] == "spin"  # direct questions were suggested
    assert cl.completion(cl.SPIN, data) == cl.Completion(2, 5)


def test_the_user_may_choose_direct_questions_for_an_unaware_customer():
    data, _ = cl.read_spin({"awareness": "unaware", "mode": "direct"})
    assert data["mode"] == "direct"
    assert cl.completion(cl.SPIN, data) == cl.Completion(1, 3)


@pytest.mark.parametrize(
    ("awareness", "mode"), [("solution_aware", "direct"), ("problem_aware", "spin"), (None, "spin")]
)
def test_without_a_valid_mode_the_suggested_one_is_used(awareness, mode):
    data, _ = cl.read_spin({"awareness": awareness, "mode": "socratic", "problem_asked": "Why?"})
    assert data["mode"] == mode


def test_nothing_to_save_sits_under_the_first_question_of_the_mode():
    _, errors = cl.read_spin({"mode": "direct"})
    assert shown(errors) == {
        "reconfirm_problem_learned": (
            "reconfirm_problem_learned",
            "Nothing to save yet: write at least what you asked or learned.",
        )
    }


def test_the_awareness_alone_is_something_to_save():
    data, errors = cl.read_spin({"awareness": "unaware"})
    assert not errors
    assert cl.completion(cl.SPIN, data) == cl.Completion(1, 5)


def test_spin_answers_at_the_length_limit():
    _, errors = cl.read_spin({"problem_asked": "x" * 2000})
    assert not errors  # 2000 characters is still fine
    # counted without the spaces around it
    _, errors = cl.read_spin({"problem_asked": "x" * 2001, "problem_learned": f" {'y' * 2000} "})
    assert shown(errors) == {
        "problem_asked": ("problem_asked", "This answer is 2001 characters; keep it under 2000.")
    }


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


def test_batna_errors_sit_under_their_field():
    _, errors = batna(possible="lots", target="$6,000", critical="Rp 4jt")
    assert shown(errors) == {
        "possible": (
            "possible",
            "I couldn't read “lots” as an amount. Write it like 50jt, 1.5m or Rp 50.000.000.",
        ),
        "critical": (
            "critical",
            "Write the three values in one currency: the first is in USD, this one in IDR.",
        ),
    }


def test_batna_order_error_is_written_for_the_reader():
    _, errors = cl.read_batna(
        {"possible": "$5,000", "target": "$6,000"}, default_currency="IDR", locale="id"
    )
    assert shown(errors) == {
        "target": (
            "target",
            "Target (US$6.000) is above Possible (US$5.000). For a seller, Possible (where you "
            "open) ≥ Target ≥ Critical (where you walk away).",
        )
    }


def test_batna_amounts_without_a_symbol_are_in_the_default_currency():
    data, _ = cl.read_batna({"possible": "5k"}, default_currency="USD", locale="en")
    assert data["possible"] == {"amount": "5000", "currency": "USD"}


def test_batna_values_in_order_and_equal_values_are_fine():
    _, errors = batna(possible="50jt", target="50jt", critical="50jt")
    assert not errors


def test_batna_several_bad_fields_at_once():
    _, errors = batna(possible="abc", target="xyz", our_alternative="y" * 2001)
    assert set(errors) == {"possible", "target", "our_alternative"}


def test_empty_batna_is_refused():
    _, errors = batna()
    assert shown(errors) == {
        "possible": ("possible", "Nothing to save yet: fill at least one part of the sheet.")
    }


@pytest.mark.parametrize(
    "part",
    [
        {"their_alternative": "They keep their spreadsheet"},
        {"dimensions": "Longer warranty"},
        {"objections": ["need"]},
        {"responses": ["admit"]},
        {"objection_notes": "Worried about training"},
    ],
)
def test_each_batna_part_counts_alone(part):
    assert cl.completion(cl.BATNA, part) == cl.Completion(1, 6)


def test_spin_completion_counts_a_question_asked_or_learned():
    fields = {"situation_asked": "How?", "problem_learned": "Slow"}
    assert cl.completion(cl.SPIN, {"mode": "spin", "fields": fields}) == cl.Completion(2, 5)
    assert cl.completion(cl.SPIN, {"mode": "other", "fields": fields}) == cl.Completion(2, 5)


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


def test_words_between_the_name_and_a_role_are_a_title():
    assert cl.parse_attendees("Budi, Jakarta, dm") == [
        cl.Attendee("Budi", "decision_maker", "Jakarta")
    ]


def test_unknown_role_is_kept_as_a_title():
    """Issue 14: "Andi, IT manager" is accepted; what is not a role is the person's title."""
    people = cl.parse_attendees("Budi, decision maker\nSari, astronaut")
    assert [(p.name, p.role, p.title) for p in people] == [
        ("Budi", "decision_maker", None),
        ("Sari", None, "astronaut"),
    ]


@pytest.mark.parametrize(
    ("line", "name", "role"),
    [
        ("Budi (Jakarta), dm", "Budi (Jakarta)", "decision_maker"),
        ("Sari (Bandung) (coach)", "Sari (Bandung)", "coach"),
        ("Andi (dm)", "Andi", "decision_maker"),
        ("Sari - (coach)", "Sari", "coach"),
        ("Xavier (coach)", "Xavier", "coach"),
        ("Xena, coach", "Xena", "coach"),
        ("Andi — tech", "Andi", "technical_influence"),
        ("Andi – tech", "Andi", "technical_influence"),
        ("Sari (coach", "Sari (coach", None),  # not closed: no role
        ("Rina ()", "Rina", None),
    ],
)
def test_attendee_lines(line, name, role):
    assert cl.parse_attendees(line) == [cl.Attendee(name, role)]


def test_attendee_names_up_to_200_characters():
    assert cl.parse_attendees("B" * 200 + ", coach")[0].name == "B" * 200
    with pytest.raises(InvalidInput) as err:
        cl.parse_attendees("Ana\n" + "B" * 201)
    assert err.value.render(t) == "Line 2: a name can be at most 200 characters."


def test_up_to_twenty_attendees():
    assert len(cl.parse_attendees("\n".join(f"Person {i}" for i in range(20)))) == 20
    with pytest.raises(InvalidInput) as err:
        cl.parse_attendees("\n".join(f"Person {i}" for i in range(21)))
    assert err.value.render(t) == "Up to 20 attendees, one a line."


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
    assert log == cl.MeetingLog(
        deal_id=7,
        occurred_on=date(2026, 11, 20),
        attendees=[cl.Attendee("Budi", "decision_maker")],
        notes="Demo went well",
        outcome="Wants a proposal",
        next_step="Send proposal",
        next_step_due=date(2026, 11, 27),
        stage_id=4,
    )


def test_meeting_log_with_the_least_filled_in():
    log, errors = cl.read_meeting({"deal": "7", "notes": "Call", "stage": "next"}, today=TODAY)
    assert not errors
    assert log == cl.MeetingLog(7, TODAY, [], "Call", None, None, None, None)


@pytest.mark.parametrize("value", ["", "soon", "2026-13-01", None, ["2026-11-20"]])
def test_an_unreadable_meeting_date_is_today(value):
    log, _ = cl.read_meeting({"deal": "7", "date": value, "notes": "Call"}, today=TODAY)
    assert log.occurred_on == TODAY


def test_a_meeting_today_is_not_in_the_future():
    log, errors = cl.read_meeting({"deal": "7", "date": TODAY, "notes": "Call"}, today=TODAY)
    assert not errors and log.occurred_on == TODAY


def test_meeting_log_messages():
    _, errors = cl.read_meeting({"deal": "x"}, today=TODAY)
    assert shown(errors) == {
        "deal": ("deal", "Pick the deal this meeting was about."),
        "notes": ("notes", "Write a few words about the meeting."),
    }
    _, errors = cl.read_meeting(
        {
            "deal": "1",
            "date": "2026-11-24",
            "attendees": "Ana, astronaut\n" + "B" * 201,  # a free-text title is fine; too long not
            "notes": "x" * 3001,
            "next_step_due": "2026-11-30",
        },
        today=TODAY,
    )
    assert shown(errors) == {
        "date": (
            "date",
            "2026-11-24 is in the future. Log a meeting once it happened; put a planned one in "
            "the next step.",
        ),
        "attendees": ("attendees", "Line 2: a name can be at most 200 characters."),
        "notes": ("notes", "The notes are 3001 characters; keep them under 3000."),
        "next_step": (
            "next_step",
            "Write the next step that is due on that date (or clear the date).",
        ),
    }


def test_meeting_notes_up_to_3000_characters():
    log, errors = cl.read_meeting({"deal": "1", "notes": "x" * 3000}, today=TODAY)
    assert not errors and len(log.notes) == 3000


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


def test_a_gate_needs_a_known_checklist_and_mode():
    assert gates.gate_of(St(gate_checklist="nps", gate_mode="warn")) is None
    assert gates.gate_of(St(gate_checklist="spin", gate_mode="sometimes")) is None
    assert gates.gate_of(St(gate_checklist=None, gate_mode="require")) is None
    assert gates.gate_of(St(gate_checklist="batna", gate_mode="require")) == gates.Gate(
        "batna", "require"
    )


def test_gate_choice_key_is_off_without_a_checklist_or_mode():
    assert gates.choice_key(None, "warn") == "off"
    assert gates.choice_key("spin", "off") == "off"
    assert gates.choice_key("", "require") == "off"
    assert gates.choice_key("spin", "require") == "spin:require"


@pytest.mark.parametrize("value", ["spin:maybe", "nps:warn", "spin", "spin:warn:x", ":warn"])
def test_an_unknown_gate_setting_is_refused(value):
    with pytest.raises(InvalidInput) as err:
        gates.parse_choice(value)
    assert err.value.render(t) == f"“{value}” is not a gate setting."


def test_gate_choices_round_trip():
    for key, checklist, mode in gates.CHOICES:
        assert gates.parse_choice(key) == (checklist, mode)
        assert gates.choice_key(checklist, mode) == key
    assert gates.parse_choice(None) == (None, "off")
    assert gates.parse_choice("") == (None, "off")


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
    assert note is None
    assert shown(errors) == {
        "deal": ("deal", "Pick the deal to add this note to."),
        "notes": ("notes", "The notes are 3001 characters; keep them under 3000."),
    }
    _, errors = cl.read_note({"deal": "3", "notes": "  "})
    assert shown(errors) == {"notes": ("notes", "Write the note (the message's text, or yours).")}
    assert cl.read_note({"deal": "3", "notes": "x" * 3000}) == ((3, "x" * 3000), {})
