"""docs/AMOUNTS.md's tables are the tests: every row of "The table" (typed → read as, per the
user's language and the amount's currency) and of the short forms, read from the document, so
the rule people read and the rule the code runs cannot drift apart."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from bot.core.i18n import Translator
from bot.core.money import (
    AmbiguousAmount,
    Money,
    echo_money,
    format_money,
    format_money_short,
    money_words,
    parse_amount,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "AMOUNTS.md"
LANGUAGES = {"Indonesian": "id", "English": "en"}


def table(title: str) -> list[list[str]]:
    """The rows (cells stripped) of the first table after the heading or line ``title``."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    rows, seen = [], False
    for line in lines[start + 1 :]:
        if not line.startswith("|"):
            if seen:
                break
            continue
        seen = True
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] in ("language", "typed") or set(cells[0]) <= {"-", " "}:
            continue
        rows.append(cells)
    assert rows, f"no table under {title!r} in {DOC}"
    return rows


def code(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def reading_rows() -> list[tuple[str, str, str, str]]:
    out = []
    for language, currency, typed, read_as in table("## The table"):
        out += [(LANGUAGES[language], currency, text, read_as) for text in code(typed)]
    return out


@pytest.mark.parametrize(("lang", "currency", "typed", "read_as"), reading_rows())
def test_each_row_of_the_table(lang: str, currency: str, typed: str, read_as: str) -> None:
    if read_as.startswith("asked"):
        million, billion = code(read_as)
        with pytest.raises(AmbiguousAmount) as asked:
            parse_amount(typed, default_currency=currency, language=lang)
        readings = asked.value.readings
        assert [format_money(m, lang) for m in readings] == [million, billion]
        # The user's answer settles it: 10^6 or 10^9.
        for unit, expected in zip(asked.value.units, readings, strict=True):
            chosen = parse_amount(typed, default_currency=currency, language=lang, unit=unit)
            assert chosen == expected
        return
    [expected] = code(read_as)
    assert format_money(parse_amount(typed, default_currency=currency, language=lang), lang) == (
        expected
    )


def test_the_table_covers_both_languages_and_the_anchor_rows() -> None:
    rows = {(lang, cur, typed): read for lang, cur, typed, read in reading_rows()}
    assert rows["id", "IDR", "2,5M"] == "`Rp2.500.000.000`"
    assert rows["en", "USD", "$2.5M"] == "`$2,500,000`"
    assert rows["en", "IDR", "2.5M"].startswith("asked")
    assert rows["en", "IDR", "2.5bn"] == "`Rp2.500.000.000`"


@pytest.mark.parametrize(("language", "amount", "short"), table("| language | amount | short |"))
def test_each_short_form_of_the_table(language: str, amount: str, short: str) -> None:
    lang = LANGUAGES[language]
    [full], [written] = code(amount), code(short)
    value = parse_amount(full, default_currency="IDR", language=lang)
    assert format_money_short(value, lang) == written
    # What we write short reads back, in the same language, as the same amount.
    assert parse_amount(written, default_currency="IDR", language=lang) == value


@pytest.mark.parametrize(
    ("amount", "currency", "lang", "echo"),
    [
        ("2500000000", "IDR", "id", "Rp2.500.000.000 — 2,5 miliar"),
        ("2500000000", "IDR", "en", "Rp2.500.000.000 — 2.5 billion"),
        ("304100000", "IDR", "id", "Rp304.100.000 — 304,1 juta"),
        ("50000", "IDR", "id", "Rp50.000 — 50 ribu"),
        ("2512345678", "IDR", "id", "Rp2.512.345.678 — ~2,512 miliar"),
        ("1000000000000", "IDR", "id", "Rp1.000.000.000.000 — 1 triliun"),
        ("2500000", "USD", "en", "$2,500,000 — 2.5 million"),
        ("2500000", "USD", "id", "US$2.500.000 — 2,5 juta"),
        ("999", "IDR", "id", "Rp999"),
    ],
)
def test_a_parsed_amount_is_echoed_in_full_and_written_out(
    amount: str, currency: str, lang: str, echo: str
) -> None:
    assert echo_money(Money(Decimal(amount), currency), lang) == echo


def test_written_out_words_are_none_below_a_thousand() -> None:
    assert money_words(Money(Decimal(999), "IDR"), "id") is None


@pytest.mark.parametrize(
    ("lang", "typed", "says"),
    [
        (
            "id",
            "2,5m",
            "“2,5m” bisa berarti Rp2.500.000 (2,5 juta) atau Rp2.500.000.000 (2,5 miliar). "
            "Tulis 2,5jt atau 2,5 miliar agar pasti.",
        ),
        (
            "en",
            "2.5M",
            "“2.5M” could be Rp2.500.000 (2.5 million) or Rp2.500.000.000 (2.5 billion). "
            "Write 2.5 million or 2.5 billion to be sure.",
        ),
    ],
)
def test_the_question_names_both_readings_in_the_users_words(
    lang: str, typed: str, says: str
) -> None:
    with pytest.raises(AmbiguousAmount) as asked:
        parse_amount(typed, language=lang)
    assert asked.value.render(Translator(lang)) == says
    assert asked.value.field == "value"


def test_a_unit_other_than_million_or_miliar_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_amount("2,5m", language="id", unit=3)
