"""bot.core.money by value: every shorthand, every refusal, formatting in English and Indonesian."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from bot.core import money
from bot.core.errors import InvalidInput
from bot.core.money import (
    SUPPORTED_CURRENCIES,
    Money,
    format_money,
    format_money_short,
    looks_like_amount,
    parse_amount,
)


def idr(amount: str) -> Money:
    return Money(Decimal(amount), "IDR")


PARSED = [
    # plain numbers and thousands separators
    ("50000000", idr("50000000")),
    ("50.000.000", idr("50000000")),
    ("50,000,000", idr("50000000")),
    ("1.500", idr("1500")),
    ("1,500", idr("1500")),
    ("1.234.567", idr("1234567")),
    # multipliers
    ("50k", idr("50000")),
    ("50K", idr("50000")),
    ("50rb", idr("50000")),
    ("50 rb", idr("50000")),
    ("50 ribu", idr("50000")),
    ("50 thousand", idr("50000")),
    ("50jt", idr("50000000")),
    ("50 jt", idr("50000000")),
    ("50 juta", idr("50000000")),
    ("50JT", idr("50000000")),
    ("1.5m", idr("1500000")),
    # "1,5m", "1.5M", "1,5M" in rupiah are asked about: tests/core/test_amounts_by_language.py
    ("2 mio", idr("2000000")),
    ("2mn", idr("2000000")),
    ("3 million", idr("3000000")),
    ("1.5jt", idr("1500000")),
    ("1,5jt", idr("1500000")),
    ("1,5 juta", idr("1500000")),
    ("1.25 juta", idr("1250000")),
    ("2b", idr("2000000000")),
    ("2bn", idr("2000000000")),
    ("1.5 miliar", idr("1500000000")),
    ("1,5 milyar", idr("1500000000")),
    ("2 billion", idr("2000000000")),
    ("1,2 triliun", idr("1200000000000")),
    ("3tn", idr("3000000000000")),
    ("1.000.000k", idr("1000000000")),
    ("1.200,5jt", idr("1200500000")),
    ("0.5jt", idr("500000")),
    # currencies, before or after, with or without a space
    ("Rp 50.000.000", idr("50000000")),
    ("Rp50.000.000", idr("50000000")),
    ("rp50jt", idr("50000000")),
    ("Rp. 50.000", idr("50000")),
    ("Rp.50.000", idr("50000")),
    ("Rp 50.000,-", idr("50000")),
    ("Rp 50.000.-", idr("50000")),
    ("Rp 1,5 juta", idr("1500000")),
    ("IDR 50,000,000", idr("50000000")),
    ("idr 50jt", idr("50000000")),
    ("50.000.000 IDR", idr("50000000")),
    ("50.000 rupiah", idr("50000")),
    ("Rp 50jt IDR", idr("50000000")),
    ("$5,000", Money(Decimal("5000"), "USD")),
    ("$ 5,000", Money(Decimal("5000"), "USD")),
    ("US$5,000", Money(Decimal("5000"), "USD")),
    ("US$ 5.000", Money(Decimal("5000"), "USD")),
    ("5000 USD", Money(Decimal("5000"), "USD")),
    ("5000usd", Money(Decimal("5000"), "USD")),
    ("5000$", Money(Decimal("5000"), "USD")),
    ("$5k", Money(Decimal("5000"), "USD")),
    ("$1.5m", Money(Decimal("1500000"), "USD")),
    ("$5,000.50", Money(Decimal("5000.50"), "USD")),
    ("USD 12.5", Money(Decimal("12.50"), "USD")),
    ("0,5 USD", Money(Decimal("0.50"), "USD")),
    ("€1.000", Money(Decimal("1000"), "EUR")),
    ("€1,000", Money(Decimal("1000"), "EUR")),
    ("1.200,50 EUR", Money(Decimal("1200.50"), "EUR")),
    ("50€", Money(Decimal("50"), "EUR")),
    ("SGD 1,200.50", Money(Decimal("1200.50"), "SGD")),
    ("S$20k", Money(Decimal("20000"), "SGD")),
    ("RM 5k", Money(Decimal("5000"), "MYR")),
    ("5000 MYR", Money(Decimal("5000"), "MYR")),
    ("£1,000.5", Money(Decimal("1000.50"), "GBP")),
    ("¥1,000", Money(Decimal("1000"), "JPY")),
    ("JPY 2jt", Money(Decimal("2000000"), "JPY")),
    ("A$300", Money(Decimal("300"), "AUD")),
    # loose spacing and trailing punctuation
    ("  50   jt ", idr("50000000")),
    ("50jt.", idr("50000000")),
    ("50\u00a0jt", idr("50000000")),
    ("1,0", idr("1")),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parse_amount(text: str, expected: Money) -> None:
    assert parse_amount(text) == expected


def test_parsed_amounts_are_quantized_to_the_currency() -> None:
    assert str(parse_amount("1.5jt").amount) == "1500000"
    assert str(parse_amount("$5k").amount) == "5000.00"


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("5k", "USD", Money(Decimal("5000"), "USD")),
        ("1.200,50", "EUR", Money(Decimal("1200.50"), "EUR")),
        ("Rp 5k", "USD", idr("5000")),
        ("50jt", "IDR", idr("50000000")),
    ],
)
def test_default_currency_applies_only_without_a_symbol(
    text: str, default: str, expected: Money
) -> None:
    assert parse_amount(text, default_currency=default) == expected


def test_unknown_default_currency_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unsupported default currency 'XYZ'"):
        parse_amount("5k", default_currency="XYZ")


def test_currency_and_multiplier_words_are_tried_longest_first() -> None:
    # The amount pattern is built from these alternations: "mio" must not stop at "m", and
    # "rp." is the literal dot, not any character.
    pattern = money._alternation(["m", "mio", "rp."])
    assert pattern == r"mio|rp\.|m"
    assert re.match(pattern, "mio 5").group() == "mio"
    assert re.match(pattern, "rpx") is None


REFUSED = [
    ("", money.UNREADABLE, {}),
    ("abc", money.UNREADABLE, {}),
    ("Rp", money.UNREADABLE, {}),
    ("50 000", money.UNREADABLE, {}),
    ("50jt jt", money.UNREADABLE, {}),
    ("50.k", money.UNREADABLE, {}),
    ("--5", money.UNREADABLE, {}),
    ("fifty", money.UNREADABLE, {}),
    ("1.5.0", money.BAD_GROUPING, {}),
    ("1,50,0", money.BAD_GROUPING, {}),
    ("1,50,000", money.BAD_GROUPING, {}),
    ("5000.000", money.BAD_GROUPING, {}),
    ("50.00.000", money.BAD_GROUPING, {}),
    ("1..5", money.BAD_GROUPING, {}),
    ("1.2.3,4", money.MIXED_SEPARATORS, {}),
    ("1,2.3", money.MIXED_SEPARATORS, {}),
    ("1.200,50,5", money.MIXED_SEPARATORS, {}),
    ("1,200.50.5", money.MIXED_SEPARATORS, {}),
    ("1.234,5.6", money.MIXED_SEPARATORS, {}),  # the last mark is "." but twice
    ("1,234.5,6", money.MIXED_SEPARATORS, {}),
    ("1.500jt", money.AMBIGUOUS_DECIMAL, {"decimal": "1.5jt", "whole": "1500jt"}),
    ("1,250k", money.AMBIGUOUS_DECIMAL, {"decimal": "1,25k", "whole": "1250k"}),
    ("2.000m", money.AMBIGUOUS_DECIMAL, {"decimal": "2m", "whole": "2000m"}),
    ("Rp 50jt USD", money.TWO_CURRENCIES, {"first": "IDR", "second": "USD"}),
    ("$5 EUR", money.TWO_CURRENCIES, {"first": "USD", "second": "EUR"}),
    (
        "50 CHF",
        money.UNSUPPORTED_CURRENCY,
        {"code": "CHF", "supported": "IDR, USD, EUR, SGD, MYR, GBP, JPY, AUD"},
    ),
    ("CHF 50", money.UNSUPPORTED_CURRENCY, {"code": "CHF"}),
    ("-50jt", money.NEGATIVE, {}),
    ("Rp -5.000", money.NEGATIVE, {}),
    ("-$5", money.NEGATIVE, {}),
    ("\u22125jt", money.NEGATIVE, {}),
    ("0", money.ZERO, {}),
    ("0jt", money.ZERO, {}),
    ("Rp 0,-", money.ZERO, {}),
    ("$0.00", money.ZERO, {}),
    ("2000tn", money.TOO_LARGE, {}),
    ("1.000.000.000.000.001", money.TOO_LARGE, {}),
    ("Rp 1,5", money.NOT_WHOLE, {"currency": "IDR"}),
    ("12.50", money.NOT_WHOLE, {"currency": "IDR"}),
    ("0.500", money.NOT_WHOLE, {"currency": "IDR"}),
    ("1.2345678jt", money.NOT_WHOLE, {"currency": "IDR"}),
    ("¥10.5", money.NOT_WHOLE, {"currency": "JPY"}),
    ("1.2345 USD", money.TOO_MANY_DECIMALS, {"currency": "USD", "places": 2}),
    ("€1.2345678k", money.TOO_MANY_DECIMALS, {"currency": "EUR", "places": 2}),
]


@pytest.mark.parametrize(("text", "message", "params"), REFUSED)
def test_refusals_give_the_reason_and_echo_the_text(
    text: str, message: str, params: dict[str, object]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_amount(text)
    error = caught.value
    assert error.message == message
    assert error.field == "value"
    assert error.params["text"] == " ".join(text.split())
    assert params.items() <= error.params.items()
    assert f"“{error.params['text']}”" in str(error)


def test_exactly_the_limit_is_accepted() -> None:
    assert parse_amount("1.000.000.000.000.000") == idr("1000000000000000")


def test_money_checks_its_fields() -> None:
    with pytest.raises(TypeError, match=r"Money\.amount must be a Decimal, not int"):
        Money(5000, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"Money\.currency must be an ISO 4217 code, not 'usd'"):
        Money(Decimal(5000), "usd")


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("50jt", True),
        ("50", True),
        ("Rp50.000.000", True),
        ("$5,000", True),
        ("US$5,000", True),
        ("1.5.0", True),  # the shape of an amount; parse_amount says what is wrong with it
        ("-50jt", True),
        ("50jt,", True),
        ("3M", True),
        ("Acme", False),
        ("Rp", False),
        ("jt", False),
        ("2nd", False),
        ("B2B", False),
        ("7-Eleven", False),
        ("50 jt", False),  # one token at a time
        ("", False),
    ],
)
def test_looks_like_amount(token: str, expected: bool) -> None:
    assert looks_like_amount(token) is expected


@pytest.mark.parametrize(
    "word", ["Rp", "rp.", "IDR", "$", "US$", "usd", "€", "S$", "RM", "¥", "IDR,", "usd:", "Rp;"]
)
def test_currency_words(word: str) -> None:
    assert money.is_currency_word(word)
    assert not money.is_multiplier_word(word)


@pytest.mark.parametrize("word", ["k", "rb", "ribu", "jt", "juta", "M", "mio", "miliar", "bn"])
def test_multiplier_words(word: str) -> None:
    assert money.is_multiplier_word(word)
    assert not money.is_currency_word(word)


FORMATTED = [
    # (amount, currency, en, id)
    ("50000000", "IDR", "Rp50.000.000", "Rp50.000.000"),
    ("1500", "IDR", "Rp1.500", "Rp1.500"),
    ("999", "IDR", "Rp999", "Rp999"),
    ("1500000.4", "IDR", "Rp1.500.000", "Rp1.500.000"),
    ("1500000.5", "IDR", "Rp1.500.001", "Rp1.500.001"),
    ("-2500000", "IDR", "-Rp2.500.000", "-Rp2.500.000"),
    ("5000", "USD", "$5,000", "US$5.000"),
    ("5000.00", "USD", "$5,000", "US$5.000"),
    ("5000.5", "USD", "$5,000.50", "US$5.000,50"),
    ("0.5", "USD", "$0.50", "US$0,50"),
    ("1234567.89", "USD", "$1,234,567.89", "US$1.234.567,89"),
    ("1000", "EUR", "€1,000", "€1.000"),
    ("1200.5", "EUR", "€1,200.50", "€1.200,50"),
    ("1200.5", "SGD", "SGD1,200.50", "SGD1.200,50"),
    ("5000", "MYR", "MYR5,000", "MYR5.000"),
    ("1000", "GBP", "£1,000", "£1.000"),
    ("1000", "JPY", "¥1,000", "JP¥1.000"),
    ("300", "AUD", "A$300", "AU$300"),
]


@pytest.mark.parametrize(("amount", "currency", "en", "id_"), FORMATTED)
def test_format_money(amount: str, currency: str, en: str, id_: str) -> None:
    value = Money(Decimal(amount), currency)
    assert format_money(value) == en
    assert format_money(value, "en") == en
    assert format_money(value, "en-US") == en
    assert format_money(value, "id") == id_
    assert format_money(value, "id-ID") == id_


def test_unknown_locale_falls_back_to_english() -> None:
    assert format_money(Money(Decimal(5000), "USD"), "xx-YY") == "$5,000"


SHORT = [
    # (amount, currency, en, id)
    ("50000000", "IDR", "Rp50m", "Rp50 jt"),
    ("1500000", "IDR", "Rp1.5m", "Rp1,5 jt"),
    ("1234567", "IDR", "Rp1.2m", "Rp1,2 jt"),
    ("1250000", "IDR", "Rp1.3m", "Rp1,3 jt"),
    ("500000", "IDR", "Rp500k", "Rp500 rb"),
    ("1500000000", "IDR", "Rp1.5bn", "Rp1,5 M"),
    ("999950000", "IDR", "Rp1bn", "Rp1 M"),
    ("2000000000000", "IDR", "Rp2tn", "Rp2 T"),
    ("999", "IDR", "Rp999", "Rp999"),
    ("-50000000", "IDR", "-Rp50m", "-Rp50 jt"),
    ("5000", "USD", "$5k", "US$5 rb"),
    ("1200000", "USD", "$1.2m", "US$1,2 jt"),
    ("999.5", "USD", "$999.50", "US$999,50"),
    ("1000", "IDR", "Rp1k", "Rp1 rb"),  # a thousand is the first short one
    ("20000", "SGD", "SGD20k", "SGD20 rb"),
    ("2500", "EUR", "€2.5k", "€2,5 rb"),
]


@pytest.mark.parametrize(("amount", "currency", "en", "id_"), SHORT)
def test_format_money_short(amount: str, currency: str, en: str, id_: str) -> None:
    value = Money(Decimal(amount), currency)
    assert format_money_short(value, "en") == en
    assert format_money_short(value, "id") == id_
    assert format_money_short(value, "id-ID") == id_  # Slack's locale: the language counts


def test_short_form_in_other_languages_uses_english_units() -> None:
    assert format_money_short(idr("50000000"), "fr") == "Rp50m"
    assert format_money_short(Money(Decimal(2500), "EUR"), "fr") == "€2.5k"
    assert format_money_short(idr("50000000"), "xx-YY") == "Rp50m"


ROUND_TRIP = [
    Money(Decimal(amount), currency)
    for currency in SUPPORTED_CURRENCIES
    for amount in ("1", "999", "1500", "50000", "1500000", "2000000000", "123456789")
] + [Money(Decimal("5000.50"), "USD"), Money(Decimal("1200.05"), "EUR")]


@pytest.mark.parametrize("value", ROUND_TRIP, ids=str)
@pytest.mark.parametrize("locale", ["en", "id"])
def test_what_we_write_in_full_reads_back_the_same(value: Money, locale: str) -> None:
    assert parse_amount(format_money(value, locale)) == value


@pytest.mark.parametrize(
    "value",
    [idr("50000000"), idr("1500000"), idr("1500000000"), Money(Decimal("5000"), "USD")]
    + [Money(Decimal("2500"), c) for c in SUPPORTED_CURRENCIES],
    ids=str,
)
@pytest.mark.parametrize("locale", ["en", "id"])
def test_what_we_write_short_reads_back_the_same(value: Money, locale: str) -> None:
    assert parse_amount(format_money_short(value, locale), language=locale) == value


@pytest.mark.parametrize(
    ("cents", "currency", "expected"),
    [
        (5_000_050, "USD", Money(Decimal("50000.50"), "USD")),
        (Decimal("12.5"), "USD", Money(Decimal("0.13"), "USD")),  # half up, not to even
        (250, "IDR", idr("3")),  # Rp2,50 → Rp3 (half to even would give Rp2)
        (5_000_000_000, "IDR", idr("50000000")),
    ],
)
def test_money_from_stored_cents_rounds_half_up(cents, currency: str, expected: Money) -> None:
    value = Money.from_cents(cents, currency)
    assert value == expected
    assert str(value.amount) == str(expected.amount)
