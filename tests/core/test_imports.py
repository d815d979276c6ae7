"""bot.core.imports by value: decoding, tables, header guesses, dates, owners, rows."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core import imports as im
from bot.core.errors import InvalidInput
from bot.core.stages import DEFAULT_STAGES


class _Stage:
    def __init__(self, spec, i):
        self.id, self.key, self.name, self.kind, self.position = (
            i,
            spec.key,
            spec.name,
            spec.kind,
            spec.position,
        )


STAGES = [_Stage(spec, i) for i, spec in enumerate(DEFAULT_STAGES, 1)]
PEOPLE = [
    im.Person("U1", ("rep.one", "Rep One"), "rep.one@example.com"),
    im.Person("U2", ("maria", "Maria Santoso"), "maria@example.com"),
    im.Person("U3", ("maria", "María Lopez"), ""),
]


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-30",
        "2026-11-30 14:03",
        "2026-11-30T14:03:00Z",
        "30/11/2026",
        "11/30/2026",  # day first, unless only month first reads
        "30.11.26",
        "30 Nov 2026",
        "Nov 30, 2026",
        "Senin, 30 November 2026",
    ],
)
def test_ways_to_write_the_30th_of_november(text):
    assert im.parse_date(text) == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("05/04/2026", date(2026, 4, 5)),
        ("30 Desember 2026", date(2026, 12, 30)),
        ("17 Agustus 2026", date(2026, 8, 17)),
        ("15-Mar-2024", date(2024, 3, 15)),
    ],
)
def test_dates_people_write(text, day):
    assert im.parse_date(text) == day


@pytest.mark.parametrize("text", ["31/02/2026", "tomorrow", "2026-13-01", "30 Foo 2026", ""])
def test_not_dates(text):
    assert im.parse_date(text) is None


def test_decoding_and_limits():
    assert im.decode("Deal\nCafé\n".encode("utf-8-sig")).text == "Deal\nCafé\n"
    assert im.decode("Deal\nCafé\n".encode("utf-16")).encoding == "utf-16"
    latin = im.decode("Deal\nCafé\n".encode("cp1252"))
    assert (latin.text, latin.encoding) == ("Deal\nCafé\n", "windows-1252")
    with pytest.raises(InvalidInput, match="binary"):
        im.decode(b"PK\x03\x04\x00")
    with pytest.raises(InvalidInput, match=r"2\.0 MB"):
        im.decode(b"x" * (im.MAX_BYTES + 1))


def test_tables_semicolons_tabs_and_row_numbers():
    table = im.read_table("Nama;Nilai\n\nPT A;5jt\n")
    assert table.delimiter == ";" and table.headers == ("Nama", "Nilai")
    assert [(r.number, r.cells) for r in table.rows] == [(3, ("PT A", "5jt"))]
    assert im.read_table("a\tb\n1\t2\n").delimiter == "\t"
    with pytest.raises(InvalidInput, match="empty"):
        im.read_table(" \n\n")
    with pytest.raises(InvalidInput, match="no deals"):
        im.read_table("Deal,Value\n")


def test_formats_and_guesses():
    hub = ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Deal owner"]
    assert im.detect_format(hub) == im.HUBSPOT
    assert im.detect_format(["Deal - Title", "Deal - Value"]) == im.PIPEDRIVE
    assert im.detect_format(["ID deal", "Deal", "Tahap"]) == im.SALESPATH
    assert im.detect_format(["Company", "Amount"]) == im.SPREADSHEET
    guess = im.guess_mapping(["Nama", "Jumlah", "Mata uang", "Tahapan", "Pemilik", "Sumber"])
    assert guess == {
        "name": 0,
        "value": 1,
        "currency": 2,
        "stage": 3,
        "status": None,
        "owner": 4,
        "source": 5,
        "expected_close": None,
        "next_step": None,
        "created": None,
        "external_id": None,
    }


def test_owners():
    assert im.match_person("<@U2|maria>", PEOPLE) == "U2"
    assert im.match_person("U1", PEOPLE) == "U1"
    assert im.match_person("REP.ONE@example.com", PEOPLE) == "U1"
    assert im.match_person("@rep.one", PEOPLE) == "U1"
    assert im.match_person("maria santoso", PEOPLE) == "U2"
    assert im.match_person("maria", PEOPLE) is None  # two people go by that name
    assert im.match_person("nobody", PEOPLE) is None


def _how(**kw):
    owners = {p.id: p for p in PEOPLE}
    base = dict(
        stages=STAGES,
        currency="IDR",
        language="id",
        importer="UBOSS",
        today=date(2026, 11, 30),
        owner_of=lambda text: im.match_person(text, list(owners.values())),
    )
    return im.Reading(**{**base, **kw})


def test_rows_read_and_refused():
    text = (
        "Deal,Value,Currency,Stage,Status,Owner,Created\n"
        'PT A,"2,5M",,Presentasi,,rep.one,2026-11-01\n'
        "PT B,100,EUR,,won,,\n"
        "PT C,5jt,XYZ,,,,\n"
        "PT D,5jt,,,maybe,,\n"
        "PT E,5jt,,,,,2027-01-01\n"
        "pt a,1jt,,,,rep.one,\n"
        "PT F,,,Decision maker bought-in,,,\n"
        "PT G,0.00,USD,,,,\n"
    )
    table = im.read_table(text)
    rows = im.read_rows(table, im.guess_mapping(table.headers), _how())
    read = {r.name: r for r in rows.rows}
    assert str(read["PT A"].value.amount) == "2500000000"  # M is miliar in Indonesian
    assert read["PT A"].stage.key == "presentation" and read["PT A"].owner_id == "U1"
    assert read["PT B"].stage.key == "won" and read["PT B"].owner_id == "UBOSS"
    assert read["PT F"].stage.key == "negotiation"
    assert read["PT G"].value is None  # an export's 0: no value yet
    reasons = {p.number: p.reason.message for p in rows.problems}
    assert reasons == {
        4: im.BAD_CURRENCY,
        5: im.BAD_STATUS,
        6: im.FUTURE_CREATED,
        7: im.REPEATED,
    }
    with pytest.raises(InvalidInput, match="deal names"):
        im.check_mapping({"name": None})
