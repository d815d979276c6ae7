"""bot.core.imports by value: decoding, tables, header guesses, dates, owners, rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from bot.core import imports as im
from bot.core.errors import DomainError, InvalidInput
from bot.core.i18n import Translator
from bot.core.money import Money
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
        ("05/12/2026", date(2026, 12, 5)),  # day first while it reads
        ("11/13/2026", date(2026, 11, 13)),
        ("12/30/2026", date(2026, 12, 30)),
        ("30/11/0100", date(100, 11, 30)),  # a year of four digits from 100 on is as written
        ("30 Desember 2026", date(2026, 12, 30)),
        ("17 Agustus 2026", date(2026, 8, 17)),
        ("15-Mar-2024", date(2024, 3, 15)),
    ],
)
def test_dates_people_write(text, day):
    assert im.parse_date(text) == day


@pytest.mark.parametrize(
    "text", ["31/02/2026", "tomorrow", "2026-13-01", "30 Foo 2026", "Foo 30, 2026", ""]
)
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


# --- what each refusal says, and the limits --------------------------------------------------

en = Translator("en")


def said(err: DomainError) -> str:
    return err.render(en)


def test_a_file_of_exactly_the_limit_is_read_and_a_bigger_one_says_its_size():
    assert len(im.decode(b"x" * im.MAX_BYTES).text) == im.MAX_BYTES
    with pytest.raises(InvalidInput) as err:
        im.decode(b"x" * 2_150_001)
    assert err.value.field == "file"
    assert said(err.value) == (
        "The file is 2.2 MB; an import takes at most 2 MB. Split it into smaller files and "
        "import them one after the other."
    )


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (b"Deal\n", "Deal\n", "utf-8"),
        ("\ufeffDeal\n".encode("utf-16-be"), "Deal\n", "utf-16"),  # big-endian, with its BOM
        ("Deal\n".encode("utf-16") + b"A", "Deal\n\ufffd", "utf-16"),  # an odd byte at the end
        (b"Caf\xe9 \x81", "Café \ufffd", "windows-1252"),  # 0x81 is no character in cp1252
        (b"a" * 4096 + b"\x00", "a" * 4096 + "\x00", "utf-8"),  # only the start is looked at
    ],
)
def test_decoding_keeps_what_reads_and_replaces_what_does_not(data, text, encoding):
    assert im.decode(data) == im.Text(text, encoding)


def test_binary_data_is_refused_under_the_file_field():
    with pytest.raises(InvalidInput) as err:
        im.decode(b"PK\x03\x04\x00")
    assert err.value.field == "file"


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("Deal\nAcme\n", ","),  # one column: nothing to split on
        ("Deal,Value,Next step; then more\nAcme,1,x\n", ","),
        ("Deal;Value;Note, long\nAcme;1;x\n", ";"),
    ],
)
def test_the_delimiter_is_the_commonest_of_the_header(text, delimiter):
    assert im.read_table(text).delimiter == delimiter


def test_the_delimiter_is_read_from_the_first_line_with_text():
    assert im.read_table("\n\nDeal;Note\nA;x,y,z\n").delimiter == ";"
    assert im.read_table("Deal;Note\nA;x,y,z\n").delimiter == ";"


def test_a_header_without_rows_is_refused_under_the_file_field():
    with pytest.raises(InvalidInput) as err:
        im.read_table("Deal,Value\n\n")
    assert (err.value.field, said(err.value)) == ("file", im.NO_ROWS)


def test_at_most_five_thousand_deals_at_once():
    assert len(im.read_table("Deal\n" + "x\n" * im.MAX_ROWS).rows) == 5000
    with pytest.raises(InvalidInput) as err:
        im.read_table("Deal\n" + "x\n" * (im.MAX_ROWS + 1))
    assert err.value.field == "file"
    assert said(err.value) == (
        "The file has 5001 deals; an import takes at most 5000. Split it into smaller files "
        "and import them one after the other."
    )


def test_an_unnamed_column_is_called_by_its_number():
    assert im.read_table("Deal,, Value \nx,1,2\n").headers == ("Deal", "#2", "Value")


def test_salespath_exports_in_indonesian_are_recognised():
    headers = ["ID deal", "Deal", "Tahap", "Nilai", "Mata uang", "Pemilik", "Perkiraan closing"]
    guess = im.guess_mapping(headers)
    assert (guess["external_id"], guess["name"], guess["stage"]) == (0, 1, 2)
    assert (guess["value"], guess["currency"], guess["owner"], guess["expected_close"]) == (
        3,
        4,
        5,
        6,
    )


def test_a_quoted_cell_keeps_its_line_break_as_written():
    table = im.read_table('Deal,Next step\r\nAcme,"call\r\nthen mail"\r\n')
    assert table.rows[0].cells == ("Acme", "call\r\nthen mail")


def test_old_mac_line_ends_are_line_ends():
    rows = im.read_table("Deal,Value\rAcme,1\rGlobex,2\r").rows
    assert [(r.number, r.cells) for r in rows] == [(2, ("Acme", "1")), (3, ("Globex", "2"))]


def test_nul_characters_are_dropped_from_the_text():
    assert im.read_table("De\x00al\nAcme\x00\n").headers == ("Deal",)


def test_a_table_that_csv_cannot_read_says_which_line():
    with pytest.raises(InvalidInput) as err:
        im.read_table('Deal\n"' + "x" * 200_000 + '"\n')
    assert err.value.field == "file"
    assert said(err.value) == (
        "Line 2 can't be read as CSV (field larger than field limit (131072)). "
        "Check the quotes on that line."
    )


@pytest.mark.parametrize("text", [" \n\n", "\x00", " , \n,\n"])
def test_an_empty_file_is_refused_under_the_file_field(text):
    with pytest.raises(InvalidInput) as err:
        im.read_table(text)
    assert (err.value.field, said(err.value)) == ("file", im.EMPTY)


@pytest.mark.parametrize(
    ("headers", "tool"),
    [
        (["Record ID", "Deal Name"], im.HUBSPOT),
        (["Deal Name", "Deal Stage", "Amount"], im.HUBSPOT),
        (["Deal Name", "Amount"], im.SPREADSHEET),
        (["Deal id", "Deal"], im.SALESPATH),
        (["Deal", "Value"], im.SPREADSHEET),  # a name column alone is anyone's
        (["Deal id", "Company"], im.SPREADSHEET),
    ],
)
def test_which_tool_wrote_the_header(headers, tool):
    assert im.detect_format(headers) == tool


OTHERS = [
    im.Person("U7", ("al",), "a@example.com"),
    im.Person("U8", ("Xavier",), ""),
    *PEOPLE,
]


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("U9", None),  # looks like an id, but no one has it
        ("a@example.com", "U7"),
        ("maria@example.com", "U2"),
        ("nobody@example.com", None),
        ("Xavier", "U8"),
        ("@xavier", "U8"),
    ],
)
def test_owner_cells_name_one_person_or_none(text, who):
    assert im.match_person(text, OTHERS) == who


def test_is_email():
    assert im.is_email(" maria@example.com ") and im.is_email("a.b@c.co.id")
    assert not im.is_email("maria") and not im.is_email("maria@example")
    assert not im.is_email("<@U1>") and not im.is_email("a b@c.com")


# --- rows as deals, by value ----------------------------------------------------------------

HEADER = "Deal,Value,Currency,Stage,Status,Owner,Source,Expected close,Next step,Created,Deal id"


def read(*lines: str, header: str = HEADER, **how) -> im.Rows:
    table = im.read_table("\n".join([header, *lines]) + "\n")
    return im.read_rows(table, im.guess_mapping(table.headers), _how(**how))


def refused(line: str, header: str = HEADER, **how) -> str:
    rows = read(line, header=header, **how)
    assert not rows.rows, rows.rows
    return said(rows.problems[0].reason)


def test_a_full_row_is_read_into_every_field():
    rows = read("PT A,5jt,USD,Presentasi,,rep.one,Referral,2027-01-15,Call Budi,2026-11-30,HS-1")
    assert rows.rows == [
        im.ImportRow(
            number=2,
            name="PT A",
            owner_id="U1",
            stage=STAGES[3],
            value=Money(Decimal(5_000_000), "USD"),
            source="referral",
            expected_close=date(2027, 1, 15),
            next_step="Call Budi",
            created=date(2026, 11, 30),  # today is not the future
            external_id="HS-1",
        )
    ]
    assert rows.rows[0].key == ("id", "HS-1")


def test_a_bare_row_takes_the_defaults():
    row = read("PT B").rows[0]
    assert (row.owner_id, row.stage.key, row.value, row.source) == (
        "UBOSS",
        "prospecting",
        None,
        None,
    )
    assert (row.expected_close, row.next_step, row.created, row.external_id) == (None,) * 4
    assert row.key == ("name", row.match_key)
    assert read("PT C,5jt", header="Deal,Value", currency="SGD").rows[0].value == Money(
        Decimal(5_000_000), "SGD"
    )


def test_a_short_row_reads_and_empty_cells_past_the_header_are_no_harm():
    rows = read("PT A", "PT B,1jt,,,,,,,,,,,", header="Deal,Value")
    assert [(r.name, r.value) for r in rows.rows] == [
        ("PT A", None),
        ("PT B", Money(Decimal(1_000_000), "IDR")),
    ]


def test_limits_of_names_ids_and_next_steps():
    name, long_id, step = "N" * 200, "i" * 100, "s" * 501
    row = read(f"{name},,,,,,,,{step},,{long_id}").rows[0]
    assert (row.name, row.external_id, row.next_step) == (name, long_id, step[:500])
    assert refused("N" * 201) == "A deal name can be at most 200 characters."
    assert refused(f"PT A,,,,,,,,,,{long_id}x") == "The external id is longer than 100 characters."


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("---", "No deal name."),
        (
            "PT A,5jt,XYZ",
            "“XYZ” is not a currency I handle. Use one of: IDR, USD, EUR, SGD, MYR, GBP, JPY, AUD.",
        ),
        ("PT A,,,,maybe", "“maybe” is not a status: write open, won or lost."),
        (
            "PT A,,,,,nobody",
            "No one in this workspace is “nobody”. Write the owner's email, "
            "Slack name or @mention.",
        ),
        (
            "PT A,,,,,,,soon",
            "Expected close: I couldn't read “soon” as a date. Write it like "
            "2026-11-30, 30/11/2026 or 30 Nov 2026.",
        ),
        (
            "PT A,,,,,,,,,later",
            "Created: I couldn't read “later” as a date. Write it like "
            "2026-11-30, 30/11/2026 or 30 Nov 2026.",
        ),
        ("PT A,,,,,,,,,2026-12-01", "Created: “2026-12-01” is in the future."),
        ("PT A,,,,,,,,,,,extra", "This row has 12 cells; the header has 11."),
    ],
)
def test_a_refused_row_says_why(line, reason):
    assert refused(line) == reason


def test_a_refused_row_is_quoted_as_written():
    rows = read("PT A;5jt;XYZ", "PT B;1jt", "pt b;2jt", header="Deal;Value;Currency")
    assert [(p.number, p.text, said(p.reason)) for p in rows.problems] == [
        (2, "PT A;5jt;XYZ", refused("PT A,5jt,XYZ")),
        (4, "pt b;2jt", "The same deal as row 3: only the first is imported."),
    ]


@dataclass
class _Bare:
    """A stage as StageLike promises it: no key."""

    name: str
    position: int
    kind: str


def test_stages_without_keys_are_matched_by_name_only():
    bare = [_Bare(s.name, s.position, s.kind) for s in STAGES]
    header = "Deal,Value,Currency,Stage"
    assert read("PT B,,,Presentation", header=header, stages=bare).rows[0].stage == bare[3]
    assert refused("PT A,,,Qualified", header=header, stages=bare) == (
        "There is no stage “Qualified”. The stages are: Prospecting, Approaching, Probing, "
        "Presentation, Negotiation, Closing, Won, Lost."
    )
    assert read("PT A,,,Qualified", header=header).rows[0].stage.key == "prospecting"  # Pipedrive's


@pytest.mark.parametrize(
    ("obj", "mapping"),
    [
        (None, {}),
        (
            {"name": 0, "value": 98, "stage": 99, "owner": -1, "source": "2", "bogus": 3},
            {"name": 0, "value": 98},
        ),
        ({"name": True}, {"name": True}),  # a bool is an int in Python: column 1
    ],
)
def test_a_mapping_read_back_keeps_only_known_fields_and_real_columns(obj, mapping):
    assert im.mapping_from(obj) == {key: mapping.get(key) for key in im.FIELD_KEYS}


def test_the_mapping_needs_the_name_column():
    im.check_mapping({"name": 0})
    with pytest.raises(InvalidInput) as err:
        im.check_mapping({"name": None, "value": 1})
    assert (err.value.field, str(err.value)) == (
        "name",
        "Pick the column that holds the deal names.",
    )
