"""Reading a pipeline from a CSV (``/pipeline import``): the file's text, its table, which
column holds which deal field (guessed from the header, in English and Indonesian, from
Salespath's own export, Pipedrive's and HubSpot's), and each row read as a deal — or the
reason it can't be, with the row's own text.

Why hand-written: Python's ``csv`` reads the table; the rest is knowledge of these exports'
column names and of the dates people write (ISO, d/m/Y, month names in English and
Indonesian), which no library holds. Amounts go through ``bot.core.money`` and stages
through ``bot.core.stages``, as everywhere else.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.core.errors import DomainError, InvalidInput
from bot.core.i18n import N_, Msg, Translator
from bot.core.matching import fold, normalise
from bot.core.money import SUPPORTED_CURRENCIES, ZERO, Money, parse_amount
from bot.core.sources import match_source
from bot.core.stages import LOST, OPEN, WON, StageLike, match_stage, open_stages

MAX_BYTES = 2_000_000  # a CSV file or pasted text at most
MAX_ROWS = 5_000  # deals in one import at most
MAX_COLUMNS = 99  # a column menu holds 100 options: "not in the file" and 99 columns
EXTERNAL_ID_MAX = 100

# --- the fields a column can fill -------------------------------------------------------

NAME, VALUE, CURRENCY, STAGE, STATUS, OWNER = (
    "name",
    "value",
    "currency",
    "stage",
    "status",
    "owner",
)
SOURCE, CLOSE, NEXT_STEP, CREATED, EXTERNAL_ID = (
    "source",
    "expected_close",
    "next_step",
    "created",
    "external_id",
)
#: Each field and its label (msgid), in the order the mapping step shows them.
FIELDS: tuple[tuple[str, str], ...] = (
    (NAME, N_("Deal name")),
    (VALUE, N_("Value")),
    (CURRENCY, N_("Currency")),
    (STAGE, N_("Stage")),
    (STATUS, N_("Status")),
    (OWNER, N_("Owner")),
    (SOURCE, N_("Source")),
    (CLOSE, N_("Expected close")),
    (NEXT_STEP, N_("Next step")),
    (CREATED, N_("Created")),
    (EXTERNAL_ID, N_("External id")),
)
FIELD_KEYS = tuple(key for key, _ in FIELDS)

#: Header names per field (folded), most specific first. Salespath's own export headers
#: (``handlers.ui.export``) are added in every language below.
_HEADERS: dict[str, tuple[str, ...]] = {
    NAME: ("deal title", "deal name", "deal", "name", "title", "nama deal", "nama", "judul"),
    VALUE: ("deal value", "amount", "value", "nilai", "jumlah", "nominal", "harga"),
    CURRENCY: ("deal currency", "currency", "mata uang", "valuta"),
    STAGE: ("deal stage", "stage", "pipeline stage", "tahap", "tahapan"),
    STATUS: ("deal status", "status"),
    OWNER: (
        "deal owner",
        "owner",
        "sales rep",
        "salesperson",
        "sales",
        "pemilik",
        "penanggung jawab",
    ),
    SOURCE: ("deal source", "lead source", "source", "sumber", "original source"),
    CLOSE: (
        "deal expected close date",
        "expected close date",
        "expected close",
        "close date",
        "closing date",
        "perkiraan tutup",
        "tanggal tutup",
    ),
    NEXT_STEP: ("next step", "next activity subject", "langkah berikutnya", "langkah selanjutnya"),
    CREATED: (
        "deal deal created",
        "deal created",
        "create date",
        "created",
        "created at",
        "dibuat",
        "tanggal dibuat",
    ),
    EXTERNAL_ID: ("deal id", "record id", "id", "external id", "id deal"),
}
#: Salespath's export headers (msgids, as ``handlers.ui.export`` writes them).
SALESPATH_HEADERS = {
    EXTERNAL_ID: N_("Deal id"),
    NAME: N_("Deal"),
    STAGE: N_("Stage"),
    STATUS: N_("Status"),
    VALUE: N_("Value"),
    CURRENCY: N_("Currency"),
    OWNER: N_("Owner"),
    SOURCE: N_("Source"),
    CLOSE: N_("Expected close"),
    NEXT_STEP: N_("Next step"),
    CREATED: N_("Created"),
}
LANGUAGES = ("en", "id")

#: Other tools' default stage names → our default stage keys (when the workspace has them).
FOREIGN_STAGES = {
    # HubSpot's default sales pipeline
    "appointment scheduled": "approaching",
    "qualified to buy": "probing",
    "presentation scheduled": "presentation",
    "decision maker bought in": "negotiation",
    "contract sent": "closing",
    "closed won": "won",
    "closed lost": "lost",
    # Pipedrive's default pipeline
    "lead in": "prospecting",
    "qualified": "prospecting",
    "contact made": "approaching",
    "needs defined": "probing",
    "demo scheduled": "presentation",
    "proposal made": "presentation",
    "negotiations started": "negotiation",
}
STATUS_WORDS = {
    **dict.fromkeys(("open", "terbuka", "buka", "aktif"), OPEN),
    **dict.fromkeys(("won", "menang", "closed won", "berhasil"), WON),
    **dict.fromkeys(("lost", "kalah", "closed lost", "gagal"), LOST),
}

# --- what can be wrong ------------------------------------------------------------------

EMPTY = N_("The file is empty: there is no header row and no deal in it.")
NO_ROWS = N_("The file has a header row but no deals under it.")
NOT_TEXT = N_(
    "This doesn't look like a CSV file (it holds binary data). Export the sheet as CSV "
    "(comma-separated values) and try again."
)
TOO_BIG = N_(
    "The file is {size} MB; an import takes at most 2 MB. Split it into smaller files and "
    "import them one after the other."
)
TOO_MANY_ROWS = N_(
    "The file has {rows} deals; an import takes at most {most}. Split it into smaller files "
    "and import them one after the other."
)
BAD_CSV = N_("Line {line} can't be read as CSV ({reason}). Check the quotes on that line.")
MISSING_NAME = N_("No deal name.")
LONG_NAME = N_("A deal name can be at most 200 characters.")
RAGGED = N_("This row has {cells} cells; the header has {columns}.")
BAD_DATE = N_(
    "{column}: I couldn't read “{text}” as a date. Write it like 2026-11-30, 30/11/2026 or "
    "30 Nov 2026."
)
FUTURE_CREATED = N_("{column}: “{text}” is in the future.")
UNKNOWN_OWNER = N_(
    "No one in this workspace is “{text}”. Write the owner's email, Slack name or @mention."
)
BAD_CURRENCY = N_("“{text}” is not a currency I handle. Use one of: {supported}.")
BAD_STATUS = N_("“{text}” is not a status: write open, won or lost.")
REPEATED = N_("The same deal as row {row}: only the first is imported.")
LONG_ID = N_("The external id is longer than 100 characters.")


# --- the file and its table -------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str
    encoding: str  # "utf-8", "utf-16" or "windows-1252" (read as such: not UTF-8)


def decode(data: bytes) -> Text:
    """A CSV file's bytes as text: UTF-8 (with or without a BOM), UTF-16 with a BOM, else
    Windows-1252 (what Excel writes on Windows)."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(TOO_BIG, field="file", size=f"{len(data) / 1_000_000:.1f}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Text(data.decode("utf-16", errors="replace"), "utf-16")
    if b"\x00" in data[:4096]:
        raise InvalidInput(NOT_TEXT, field="file")
    try:
        return Text(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        return Text(data.decode("cp1252", errors="replace"), "windows-1252")


@dataclass(frozen=True)
class Row:
    number: int  # the row's number in a spreadsheet (the header is row 1)
    cells: tuple[str, ...]
    delimiter: str = ","

    @property
    def text(self) -> str:
        """The row as it was written (its cells, written back: only a bad row needs it)."""
        return _row_text(list(self.cells), self.delimiter)


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    delimiter: str


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _records(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise InvalidInput(BAD_CSV, field="file", line=reader.line_num, reason=str(exc)) from exc


def _row_text(cells: list[str], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(cells)
    return out.getvalue()


def read_table(text: str) -> Table:
    """The header and the rows of a CSV text (comma, semicolon or tab separated). Empty
    lines are skipped; their numbers still count, as in a spreadsheet."""
    text = text.replace("\x00", "")
    if not text.strip():
        raise InvalidInput(EMPTY, field="file")
    delimiter = _delimiter(text.lstrip().split("\n", 1)[0])
    records = _records(text, delimiter)
    numbered = [(i + 1, r) for i, r in enumerate(records) if any(c.strip() for c in r)]
    if not numbered:
        raise InvalidInput(EMPTY, field="file")
    (_, header), body = numbered[0], numbered[1:]
    if not body:
        raise InvalidInput(NO_ROWS, field="file")
    if len(body) > MAX_ROWS:
        raise InvalidInput(TOO_MANY_ROWS, field="file", rows=len(body), most=MAX_ROWS)
    headers = tuple(h.strip() or f"#{i + 1}" for i, h in enumerate(header))
    rows = tuple(Row(n, tuple(r), delimiter) for n, r in body)
    return Table(headers, rows, delimiter)


# --- which column is which field --------------------------------------------------------

SALESPATH, PIPEDRIVE, HUBSPOT, SPREADSHEET = "salespath", "pipedrive", "hubspot", "spreadsheet"


def _folded(header: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", fold(header)).split())


def _synonyms() -> dict[str, tuple[str, ...]]:
    own = {
        key: tuple(_folded(Translator(lang)(msgid)) for lang in LANGUAGES)
        for key, msgid in SALESPATH_HEADERS.items()
    }
    return {key: tuple(dict.fromkeys(own.get(key, ()) + words)) for key, words in _HEADERS.items()}


def detect_format(headers: Sequence[str]) -> str:
    """Which tool wrote the file, from its header."""
    folded = {_folded(h) for h in headers}
    if any(h.strip().lower().startswith("deal - ") for h in headers):
        return PIPEDRIVE
    if {"record id", "deal name"} <= folded or {"deal name", "deal stage", "amount"} <= folded:
        return HUBSPOT
    ids_ = {_folded(Translator(lang)(SALESPATH_HEADERS[EXTERNAL_ID])) for lang in LANGUAGES}
    names = {_folded(Translator(lang)(SALESPATH_HEADERS[NAME])) for lang in LANGUAGES}
    if folded & ids_ and folded & names:
        return SALESPATH
    return SPREADSHEET


Mapping = dict[str, int | None]  # field key → column index (None: not in the file)


def guess_mapping(headers: Sequence[str]) -> Mapping:
    """Each field's column, guessed from the header names (each column used once)."""
    folded = [_folded(h) for h in headers]
    taken: set[int] = set()
    out: Mapping = {}
    synonyms = _synonyms()
    for key in FIELD_KEYS:
        out[key] = None
        for word in synonyms[key]:
            found = next((i for i, h in enumerate(folded) if h == word and i not in taken), None)
            if found is not None:
                out[key], _ = found, taken.add(found)
                break
    return out


# --- dates ------------------------------------------------------------------------------

_MONTHS = {
    **dict.fromkeys(("jan", "january", "januari"), 1),
    **dict.fromkeys(("feb", "february", "februari", "peb", "pebruari"), 2),
    **dict.fromkeys(("mar", "march", "maret"), 3),
    **dict.fromkeys(("apr", "april"), 4),
    **dict.fromkeys(("may", "mei"), 5),
    **dict.fromkeys(("jun", "june", "juni"), 6),
    **dict.fromkeys(("jul", "july", "juli"), 7),
    **dict.fromkeys(("aug", "august", "agu", "agt", "agustus", "ags"), 8),
    **dict.fromkeys(("sep", "sept", "september"), 9),
    **dict.fromkeys(("oct", "october", "okt", "oktober"), 10),
    **dict.fromkeys(("nov", "november", "nop", "nopember"), 11),
    **dict.fromkeys(("dec", "december", "des", "desember"), 12),
}
_TIME = (
    r"(?:[ t]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\.\d+)?\s*(?:am|pm)?\s*(?:z|utc|[+-]\d{2}:?\d{2})?)?"
)
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME)
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})" + _TIME)
_D_MON_Y = re.compile(r"(\d{1,2})[\s\-/.]+([a-z]+)\.?[\s\-/.,]+(\d{4})" + _TIME)
_MON_D_Y = re.compile(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})" + _TIME)
_WEEKDAY = re.compile(r"^[a-z]+,\s*")  # "Mon, 30 Nov 2026", "Senin, 30 November 2026"


def _day(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """A date as spreadsheets and people write it: ``2026-11-30`` (with a time or not),
    ``30/11/2026`` (day first; ``11/30/2026`` when only that reads), ``30 Nov 2026``,
    ``30 Desember 2026``, ``Nov 30, 2026``. ``None`` when it is none of these."""
    low = _WEEKDAY.sub("", " ".join(text.strip().lower().split()))
    if m := _ISO.fullmatch(low):
        return _day(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.fullmatch(low):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
        y += 2000 if y < 100 else 0
        if mo > 12 >= d:
            d, mo = mo, d
        return _day(y, mo, d)
    if m := _D_MON_Y.fullmatch(low):
        month = _MONTHS.get(m[2])
        return _day(int(m[3]), month, int(m[1])) if month else None
    if m := _MON_D_Y.fullmatch(low):
        month = _MONTHS.get(m[1])
        return _day(int(m[3]), month, int(m[2])) if month else None
    return None


# --- people -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A workspace member an owner cell may name."""

    id: str
    names: tuple[str, ...]  # display name, real name, handle
    email: str = ""


_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_USER_ID = re.compile(r"[UW][A-Z0-9]{1,20}")


def match_person(text: str, people: Sequence[Person]) -> str | None:
    """The member an owner cell names: ``<@U1>``, a user id, an email, or a Slack name
    (display or real, with or without ``@``; case and accents ignored). ``None``: no one,
    or several people of that name."""
    text = text.strip()
    if m := _MENTION.fullmatch(text):
        text = m[1]
    if _USER_ID.fullmatch(text) and any(p.id == text for p in people):
        return text
    if "@" in text[1:]:
        low = text.lower()
        return next((p.id for p in people if p.email and p.email.lower() == low), None)
    wanted = fold(text.lstrip("@"))
    hits = {p.id for p in people if any(n and fold(n) == wanted for n in p.names)}
    return hits.pop() if len(hits) == 1 else None


def is_email(text: str) -> bool:
    return bool(re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", text.strip()))


# --- rows as deals ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """How a row is read: the workspace's stages, its default currency, the manager's
    language (amounts), who imports (an empty owner), today (created dates)."""

    stages: Sequence[StageLike]
    currency: str
    language: str
    importer: str
    today: date
    owner_of: Callable[[str], str | None]


@dataclass(frozen=True)
class ImportRow:
    number: int
    name: str
    owner_id: str
    stage: StageLike
    value: Money | None = None
    source: str | None = None
    expected_close: date | None = None
    next_step: str | None = None
    created: date | None = None
    external_id: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """What a re-import matches on: the external id, else the name and owner."""
        return ("id", self.external_id) if self.external_id else ("name", self.match_key)

    @property
    def match_key(self) -> str:
        return normalise(self.name) + "\x1f" + self.owner_id


@dataclass(frozen=True)
class Problem:
    number: int
    text: str
    reason: DomainError


@dataclass
class Rows:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _cell(row: Row, mapping: Mapping, key: str) -> str:
    i = mapping.get(key)
    return row.cells[i].strip() if i is not None and i < len(row.cells) else ""


def _stage(stage_text: str, status_text: str, how: Reading) -> StageLike:
    status = STATUS_WORDS.get(fold(status_text)) if status_text else OPEN
    if status is None:
        raise InvalidInput(BAD_STATUS, text=status_text)
    if status != OPEN:
        return next(s for s in how.stages if s.kind == status)
    if not stage_text:
        return open_stages(how.stages)[0]
    key = FOREIGN_STAGES.get(_folded(stage_text))
    found = next((s for s in how.stages if key and getattr(s, "key", None) == key), None)
    return found or match_stage(stage_text, how.stages)


def _value(row: Row, mapping: Mapping, how: Reading) -> Money | None:
    amount, code = _cell(row, mapping, VALUE), _cell(row, mapping, CURRENCY).upper()
    if code and code not in SUPPORTED_CURRENCIES:
        raise InvalidInput(BAD_CURRENCY, text=code, supported=", ".join(SUPPORTED_CURRENCIES))
    if not amount:
        return None
    try:
        return parse_amount(amount, default_currency=code or how.currency, language=how.language)
    except InvalidInput as err:
        if err.message == ZERO:  # exports write 0 for a deal with no value yet
            return None
        raise


def _date(row: Row, mapping: Mapping, key: str, t_label: str) -> date | None:
    text = _cell(row, mapping, key)
    if not text:
        return None
    found = parse_date(text)
    if found is None:
        raise InvalidInput(BAD_DATE, text=text, column=Msg(t_label))
    return found


def _owner(row: Row, mapping: Mapping, how: Reading) -> str:
    text = _cell(row, mapping, OWNER)
    if not text:
        return how.importer
    found = how.owner_of(text)
    if found is None:
        raise InvalidInput(UNKNOWN_OWNER, text=text)
    return found


def _name(row: Row, mapping: Mapping) -> str:
    name = " ".join(_cell(row, mapping, NAME).split())
    if not name or not any(ch.isalnum() for ch in name):
        raise InvalidInput(MISSING_NAME)
    if len(name) > 200:
        raise InvalidInput(LONG_NAME)
    return name


def read_row(row: Row, mapping: Mapping, how: Reading, columns: int) -> ImportRow:
    """One row as a deal; ``InvalidInput`` says what is wrong with it."""
    if len(row.cells) > columns and any(c.strip() for c in row.cells[columns:]):
        raise InvalidInput(RAGGED, cells=len(row.cells), columns=columns)
    name = _name(row, mapping)
    external = _cell(row, mapping, EXTERNAL_ID) or None
    if external and len(external) > EXTERNAL_ID_MAX:
        raise InvalidInput(LONG_ID)
    created = _date(row, mapping, CREATED, dict(FIELDS)[CREATED])
    if created and created > how.today:
        raise InvalidInput(
            FUTURE_CREATED, text=_cell(row, mapping, CREATED), column=Msg(dict(FIELDS)[CREATED])
        )
    source = match_source(_cell(row, mapping, SOURCE)) if _cell(row, mapping, SOURCE) else None
    return ImportRow(
        number=row.number,
        name=name,
        value=_value(row, mapping, how),
        stage=_stage(_cell(row, mapping, STAGE), _cell(row, mapping, STATUS), how),
        owner_id=_owner(row, mapping, how),
        source=source.key if source else None,
        expected_close=_date(row, mapping, CLOSE, dict(FIELDS)[CLOSE]),
        next_step=_cell(row, mapping, NEXT_STEP)[:500] or None,
        created=created,
        external_id=external,
    )


def read_rows(table: Table, mapping: Mapping, how: Reading) -> Rows:
    """Every row read: the deals, and every row that can't be read with its reason. A
    row naming the same deal as an earlier one is refused (the first is imported)."""
    out, seen = Rows(), {}
    for row in table.rows:
        try:
            found = read_row(row, mapping, how, len(table.headers))
        except InvalidInput as err:
            out.problems.append(Problem(row.number, row.text, err))
            continue
        first = seen.setdefault(found.key, row.number)
        if first != row.number:
            out.problems.append(Problem(row.number, row.text, InvalidInput(REPEATED, row=first)))
            continue
        out.rows.append(found)
    return out


def mapping_from(obj: object) -> Mapping:
    """A mapping read back (JSON): each known field's column index, anything else none."""
    found = obj if isinstance(obj, dict) else {}
    return {
        key: v if isinstance(v := found.get(key), int) and 0 <= v < MAX_COLUMNS else None
        for key in FIELD_KEYS
    }


def check_mapping(mapping: Mapping) -> None:
    """The mapping step needs at least the deal name's column."""
    if mapping.get(NAME) is None:
        raise InvalidInput(N_("Pick the column that holds the deal names."), field=NAME)
