"""Issue 14 by value: reading a move without "to", the final value with "won", attendees'
free-text titles, the Approach preparation and F.A.B. checklists, the closing techniques,
which moves want a decision maker, after-sales dates, and the start-up mode line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from bot.core import aftersales
from bot.core import checklists as cl
from bot.core.deals import Reading, plan_move, read_move, wants_decision_maker, won_value
from bot.core.errors import InvalidInput
from bot.core.i18n import Translator
from bot.core.money import Money
from bot.core.stages import DEFAULT_STAGES
from bot.settings import Settings

t = Translator("en")


@dataclass
class St:
    id: int
    key: str
    name: str
    position: int
    kind: str


STAGES = [St(i, s.key, s.name, s.position, s.kind) for i, s in enumerate(DEFAULT_STAGES, 1)]
BY_KEY = {s.key: s for s in STAGES}


@dataclass
class D:
    name: str = "Globex"
    owner_id: str = "U1"
    stage_id: int = 3  # probing
    status: str = "open"
    currency: str = "IDR"


# --- item 1: a move read from a trailing stage name or a misspelt keyword --------------------


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("Globex presentation", Reading("Globex", "to", "Presentation")),
        ("Globex presentaion", Reading("Globex", "to", "Presentation")),  # a small typo
        ("Globex demo", Reading("Globex", "to", "Presentation")),  # an alias
        ("Hotel Santika negosiasi", Reading("Hotel Santika", "to", "Negotiation")),
        ("Globex objection handling", Reading("Globex", "to", "Negotiation")),  # two words
        ("Bank BRI wonn 55jt", Reading("Bank BRI", "won", "55jt")),
        ("Mitra menamg", Reading("Mitra", "menang", "")),
        ("Globex", None),
        ("Hotel Santika", None),
        ("Toko Maju", None),
    ],
)
def test_read_move(text, reading):
    assert read_move(text, STAGES) == reading


def test_won_takes_the_final_value_in_the_deals_currency():
    assert won_value(D(), "55jt") == Money(Decimal(55_000_000), "IDR")
    assert won_value(D(currency="USD"), "5,000") == Money(Decimal(5000), "USD")
    assert won_value(D(), "$5,000") == Money(Decimal(5000), "USD")
    assert won_value(D(), "") is None
    assert won_value(D(), "by competitor") is None  # refused by plan_move, never a guess
    with pytest.raises(InvalidInput):
        won_value(D(), "55jt 20jt")  # looks like an amount: the amount's own reason
    plan = plan_move(stages=STAGES, deal=D(), keyword="won", rest="55jt")
    assert plan.target.kind == "won" and plan.won_value == Money(Decimal(55_000_000), "IDR")
    with pytest.raises(InvalidInput) as err:
        plan_move(stages=STAGES, deal=D(), keyword="won", rest="by competitor")
    assert "only the final value" in err.value.render(t)


def test_lost_keeps_the_words_read_as_the_reason():
    plan = plan_move(stages=STAGES, deal=D(), keyword="lost", rest="budget cut")
    assert (plan.lost_reason, plan.reason_words, plan.lost_note) == ("price", "budget", "cut")
    plan = plan_move(stages=STAGES, deal=D(), keyword="lost", rest="no decision since June")
    assert (plan.lost_reason, plan.reason_words, plan.lost_note) == (
        "no_decision",
        "no decision",
        "since June",
    )


def test_negotiation_wants_a_decision_maker():
    s = BY_KEY
    assert wants_decision_maker(STAGES, s["presentation"], s["negotiation"])
    assert not wants_decision_maker(STAGES, s["probing"], s["closing"])  # Negotiation's own
    assert not wants_decision_maker(STAGES, s["negotiation"], s["closing"])
    assert not wants_decision_maker(STAGES, s["probing"], s["presentation"])
    assert not wants_decision_maker(STAGES, s["probing"], s["won"])


# --- item 14: attendees with free-text roles ---------------------------------------------------


def test_attendees_keep_free_text_titles_and_map_known_roles():
    people = cl.parse_attendees(
        "Andi, IT manager\nBudi, decision maker\nTono, Head of tech\nRina, CFO, decision maker"
    )
    assert [(p.name, p.role, p.title) for p in people] == [
        ("Andi", None, "IT manager"),
        ("Budi", "decision_maker", None),
        ("Tono", "technical_influence", "Head of tech"),
        ("Rina", "decision_maker", "CFO"),
    ]


# --- item 20: Approach preparation and Presentation F.A.B. -------------------------------------


def test_approach_preparation_reads_and_counts_five_parts():
    data, errors = cl.read_approach(
        {"profile": " Owner of 3 shops ", "moment": "mornings", "media": "WhatsApp", "mood": "calm"}
    )
    assert not errors and data == {
        "fields": {
            "profile": "Owner of 3 shops",
            "moment": "mornings",
            "media": "WhatsApp",
            "mood": "calm",
        }
    }
    assert cl.completion(cl.APPROACH, data) == cl.Completion(2, 5)  # profile, the 3M
    _, errors = cl.read_approach({})
    assert set(errors) == {"profile"}


def test_fab_rows_need_their_need_and_count_per_need():
    data, errors = cl.read_fab(
        {
            "need_1": "Fewer lost orders",
            "feature_1": "Order inbox",
            "advantage_1": "Free setup this month",
            "benefit_1": "No order lost on busy days",
            "need_2": "Reports",
            "benefit_2": "Daily summary",
        },
        order=cl.ORDER_BAF,
    )
    assert not errors and data["order"] == "baf" and len(data["rows"]) == 2
    assert cl.completion(cl.FAB, data) == cl.Completion(1, 2)
    _, errors = cl.read_fab({"benefit_3": "Faster"}, order=cl.ORDER_FAB)
    assert set(errors) == {"need_3"}
    assert cl.fab_parts(cl.ORDER_BAF) == ("benefit", "advantage", "feature")
    spin = {"fields": {"need_payoff_learned": "Save 2 hours a day", "problem_learned": "Lost"}}
    assert cl.needs_from_spin(spin) == ["Save 2 hours a day", "Lost"]


def test_completion_label_names_new_checklists_once_filled():
    assert cl.completion_label({"spin": (3, 5)}) == "SPIN 3/5 · BATNA —"
    assert cl.completion_label({"fab": (1, 2)}) == "SPIN — · BATNA — · F.A.B. 1/2"
    assert cl.KINDS[:2] == ("spin", "batna")  # gate options keep their order


def test_closing_techniques():
    assert [c.key for c in cl.CLOSING_TECHNIQUES] == [
        "ask_for_it",
        "summary_of_benefit",
        "suggestion_close",
    ]
    assert cl.read_technique("ask_for_it") == "ask_for_it"
    with pytest.raises(InvalidInput):
        cl.read_technique("hard_sell")


# --- item 7 and 19: after the close ------------------------------------------------------------


def test_win_back_dates_and_keep_check():
    today = date(2026, 11, 30)
    assert aftersales.check_win_back(date(2027, 3, 1), today) == date(2027, 3, 1)
    for bad in (None, today, date(2029, 1, 1)):
        with pytest.raises(InvalidInput):
            aftersales.check_win_back(bad, today)
    assert aftersales.keep_check_day(today) == date(2026, 12, 28)
    assert aftersales.grow_name("Bank BRI") == "Bank BRI (Grow)"


# --- item 16: the start-up line says which mode, and what Slack's side must match ---------------


def test_mode_warning_names_the_mode_and_the_manifest():
    common = {"_env_file": None, "slack_bot_token": "xoxb-1", "slack_signing_secret": "s"}
    http = Settings(**common).mode_warning()
    assert "HTTP mode" in http and "Socket Mode needs SLACK_APP_TOKEN" in http
    assert "socket_mode_enabled: false" in http and "port 3000" in http
    socket = Settings(**common, slack_app_token="xapp-1").mode_warning()
    assert socket.startswith("Socket Mode") and "socket_mode_enabled: true" in socket
    with pytest.raises(ValueError, match="placeholder"):
        Settings(**common, slack_app_token="xapp-your-app-level-token")
