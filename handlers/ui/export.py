"""CSV exports of deals and of stage history, written row by row from a stream of rows.

Cells are plain text a spreadsheet will not run: a text cell starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return gets a leading ``'`` (CSV formula injection). Amounts
are written as decimal numbers next to their currency; dates and times in ISO 8601, UTC.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

DEAL_COLUMNS = (
    "id",
    "name",
    "stage",
    "status",
    "value",
    "currency",
    "owner_id",
    "source",
    "probability",
    "expected_close",
    "next_step",
    "next_step_due",
    "lost_reason",
    "lost_note",
    "snoozed_until",
    "snooze_reason",
    "created_at",
    "updated_at",
    "last_activity_at",
    "closed_at",
)
MOVE_COLUMNS = (
    "deal_id",
    "deal",
    "from_stage",
    "to_stage",
    "from_status",
    "to_status",
    "moved_by",
    "moved_at",
)
_RISKY = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_RISKY) else text


def _amount(cents: int | None) -> str:
    return "" if cents is None else f"{Decimal(cents) / 100:f}"


def deals_csv(rows: Iterable[tuple[object, str]]) -> tuple[bytes, int]:
    """``(deal, stage name)`` rows → CSV bytes (UTF-8 with BOM, for spreadsheets) and count."""
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(DEAL_COLUMNS)
    n = 0
    for deal, stage in rows:
        values = {c: getattr(deal, c, None) for c in DEAL_COLUMNS}
        values.update(stage=stage, value=_amount(deal.value_cents))
        out.writerow([values["value"] if c == "value" else cell(values[c]) for c in DEAL_COLUMNS])
        n += 1
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), n


def moves_csv(rows: Iterable[tuple[object, str]]) -> tuple[bytes, int]:
    """``(stage move, deal name)`` rows → CSV bytes and count."""
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(MOVE_COLUMNS)
    n = 0
    for move, deal_name in rows:
        out.writerow(
            [
                cell(move.deal_id),
                cell(deal_name),
                cell(move.from_name),
                cell(move.to_name),
                cell(move.from_status),
                cell(move.to_status),
                cell(move.moved_by),
                cell(move.moved_at),
            ]
        )
        n += 1
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), n
