"""CSV exports of deals and of stage history, written row by row from a stream of rows.

Cells are plain text a spreadsheet will not run: a text cell starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return gets a leading ``'`` (CSV formula injection). Amounts
are written as decimal numbers next to their currency; dates and times in ISO 8601, UTC.
Headers, stage names and statuses are in the reader's language (``t``); sources and lost
reasons stay their stable keys, for sorting and pivoting.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from bot.core.i18n import N_, Translator
from handlers.ui.common import stage_text, status_text

# Column headers: msgids, so each reader gets them in their language (snake_case in both).
DEAL_COLUMNS = (
    N_("id"),
    N_("name"),
    N_("stage"),
    N_("status"),
    N_("value"),
    N_("currency"),
    N_("owner_id"),
    N_("source"),
    N_("probability"),
    N_("expected_close"),
    N_("next_step"),
    N_("next_step_due"),
    N_("lost_reason"),
    N_("lost_note"),
    N_("snoozed_until"),
    N_("snooze_reason"),
    N_("created_at"),
    N_("updated_at"),
    N_("last_activity_at"),
    N_("closed_at"),
)
MOVE_COLUMNS = (
    N_("deal_id"),
    N_("deal"),
    N_("from_stage"),
    N_("to_stage"),
    N_("from_status"),
    N_("to_status"),
    N_("moved_by"),
    N_("moved_at"),
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


def deals_csv(rows: Iterable[tuple[object, str]], t: Translator | None = None) -> tuple[bytes, int]:
    """``(deal, stage name)`` rows → CSV bytes (UTF-8 with BOM, for spreadsheets) and count."""
    t = t or Translator()
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow([t(c) for c in DEAL_COLUMNS])
    n = 0
    for deal, stage in rows:
        values = {c: getattr(deal, c, None) for c in DEAL_COLUMNS}
        values.update(
            stage=stage_text(t, stage),
            status=status_text(t, deal.status),
            value=_amount(deal.value_cents),
        )
        out.writerow([values["value"] if c == "value" else cell(values[c]) for c in DEAL_COLUMNS])
        n += 1
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), n


def moves_csv(rows: Iterable[tuple[object, str]], t: Translator | None = None) -> tuple[bytes, int]:
    """``(stage move, deal name)`` rows → CSV bytes and count."""
    t = t or Translator()
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow([t(c) for c in MOVE_COLUMNS])
    n = 0
    for move, deal_name in rows:
        out.writerow(
            [
                cell(move.deal_id),
                cell(deal_name),
                cell(stage_text(t, move.from_name) if move.from_name else None),
                cell(stage_text(t, move.to_name)),
                cell(status_text(t, move.from_status) if move.from_status else None),
                cell(status_text(t, move.to_status)),
                cell(move.moved_by),
                cell(move.moved_at),
            ]
        )
        n += 1
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), n
