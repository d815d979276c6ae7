"""Issue 14, item 8: a currency code or symbol written next to the amount (before or after
it) is its currency; one at the end of the name, apart from the amount, is asked about —
never silently part of the name; names that start with such a word ("RM Tech") are names."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.money import Money
from bot.core.quickadd import CurrencyQuestion, currency_question, parse_quick_add, read_quick_add


def read(text: str):
    q = parse_quick_add(text)
    return q, currency_question(q, text)


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("1.5m USD Initech", "Initech", Money(Decimal(1_500_000), "USD")),  # after the amount
        ("Initech USD 1.5m", "Initech", Money(Decimal(1_500_000), "USD")),  # before it
        ("Initech $1.5m", "Initech", Money(Decimal(1_500_000), "USD")),
        ("RM Tech 50jt", "RM Tech", Money(Decimal(50_000_000), "IDR")),  # a name starting so
        ('"Initech USD" 1.5m', "Initech USD", Money(Decimal(1_500_000), "IDR")),  # quoted
        ("Initech USD", "Initech USD", None),  # no amount to give a currency to
        ("Rp 5jt Initech USD", "Initech USD", Money(Decimal(5_000_000), "IDR")),  # named already
    ],
)
def test_no_question(text, name, value):
    q, asked = read(text)
    assert (q.name, q.value, asked) == (name, value, None)


def test_a_trailing_code_apart_from_the_amount_is_asked_about():
    _, asked = read("1.5m Initech USD")
    assert (asked.name, asked.word, asked.currency, asked.default) == (
        "Initech",
        "USD",
        "USD",
        "IDR",
    )
    # Each answer is the quick add again, written so that it reads one way only.
    as_usd, as_name = parse_quick_add(asked.as_currency), parse_quick_add(asked.as_name)
    assert (as_usd.name, as_usd.value) == ("Initech", Money(Decimal(1_500_000), "USD"))
    assert (as_name.name, as_name.value) == ("Initech USD", Money(Decimal(1_500_000), "IDR"))
    assert currency_question(as_usd, asked.as_currency) is None
    assert currency_question(as_name, asked.as_name) is None


def test_the_rest_of_the_text_is_kept_in_both_answers():
    _, asked = read("50jt referral <@U2|maria> Tech Corp MYR")
    assert asked.currency == "MYR"
    answer = parse_quick_add(asked.as_currency)
    assert (answer.name, answer.value.currency, answer.source.key, answer.owner_id) == (
        "Tech Corp",
        "MYR",
        "referral",
        "U2",
    )


def test_a_code_alone_at_the_end_of_the_text_is_asked_about_too():
    asked = read_quick_add("Tech Corp 50jt referral <@U2|maria> MYR")
    assert isinstance(asked, CurrencyQuestion) and asked.apart
    assert (asked.name, asked.currency, asked.default) == ("Tech Corp", "MYR", "IDR")
    assert parse_quick_add(asked.as_currency).value == Money(Decimal(50_000_000), "MYR")
    assert parse_quick_add(asked.as_name).value == Money(Decimal(50_000_000), "IDR")
    assert read_quick_add("Acme 50jt").name == "Acme"  # nothing to ask: the parse itself
