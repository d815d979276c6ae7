"""CSV exports of deals and of stage history, written row by row from a stream of rows —
what a manager opens in a spreadsheet (issue 14): column names in the reader's language,
owners by name, sources, statuses and reasons as labels, dates and times in the reader's
timezone (``2026-11-23 09:00``, no seconds), and each deal's effective win probability
(its own, else its stage's).

Cells are plain text a spreadsheet will not run: a text cell starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return gets a leading ``'`` (CSV formula injection). Amounts
are decimal numbers next to their currency. Headers, stage names, statuses, sources and
reasons are in the reader's language (``t``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.core import checklists as cl
from bot.core.i18n import N_, Translator
from bot.core.reasons import reason_by_key
from bot.core.sources import source_by_key
from bot.usecases.stats import ExportDeal, ExportMove
from handlers.ui.common import stage_text, status_text

# Column headers: msgids, so each reader gets them in their language.
DEAL_COLUMNS = (
    ("id", N_("Deal id")),
    ("name", N_("Deal")),
    ("stage", N_("Stage")),
    ("status", N_("Status")),
    ("value", N_("Value")),
    ("currency", N_("Currency")),
    ("owner", N_("Owner")),
    ("source", N_("Source")),
    ("probability", N_("Win probability (%)")),
    ("expected_close", N_("Expected close")),
    ("next_step", N_("Next step")),
    ("next_step_due", N_("Next step due")),
    ("lost_reason", N_("Lost reason")),
    ("lost_note", N_("Lost note")),
    ("win_back_on", N_("Win back on")),
    ("technique", N_("Closing technique")),
    ("snoozed_until", N_("Snoozed until")),
    ("snooze_reason", N_("Snooze reason")),
    ("created_at", N_("Created")),
    ("updated_at", N_("Updated")),
    ("last_activity_at", N_("Last activity")),
    ("closed_at", N_("Closed")),
)
MOVE_COLUMNS = (
    ("deal_id", N_("Deal id")),
    ("deal", N_("Deal")),
    ("from_stage", N_("From stage")),
    ("to_stage", N_("To stage")),
    ("from_status", N_("From status")),
    ("to_status", N_("To status")),
    ("moved_by", N_("Moved by")),
    ("moved_at", N_("Moved at")),
    ("undone", N_("Undone")),
)
_RISKY = ("=", "+", "-", "@", "\t", "\r")

Names = Callable[[str], str]  # a Slack user id → the person's name


def cell(value: object, tz: ZoneInfo | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(tz) if tz is not None else value
        return local.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_RISKY) else text


def _amount(cents: int | None) -> str:
    return "" if cents is None else f"{Decimal(cents) / 100:f}"


def _label(t: Translator, found) -> str:
    return t(found.label) if found is not None else ""


def _deal_values(t: Translator, row: ExportDeal, names: Names) -> dict[str, object]:
    d = row.deal
    return {
        "id": d.id,
        "name": d.name,
        "stage": stage_text(t, row.stage),
        "status": status_text(t, d.status),
        "currency": d.currency,
        "owner": names(d.owner_id),
        "source": _label(t, source_by_key(d.source)) if d.source else "",
        "probability": row.probability,
        "expected_close": d.expected_close,
        "next_step": d.next_step,
        "next_step_due": d.next_step_due,
        "lost_reason": _label(t, reason_by_key(d.lost_reason)) if d.lost_reason else "",
        "lost_note": d.lost_note,
        "win_back_on": d.win_back_on,
        "technique": _label(t, cl.closing_technique(d.won_technique)),
        "snoozed_until": d.snoozed_until,
        "snooze_reason": d.snooze_reason,
        "created_at": d.created_at,
        "updated_at": d.updated_at,
        "last_activity_at": d.last_activity_at,
        "closed_at": d.closed_at,
    }


def deals_encoder(t: Translator, *, tz: str, names: Names):
    """``ExportDeal`` rows → CSV bytes (UTF-8 with BOM, for spreadsheets) and their count."""
    zone = ZoneInfo(tz)

    def line(row: ExportDeal) -> list[str]:
        values = _deal_values(t, row, names)
        return [
            _amount(row.deal.value_cents) if key == "value" else cell(values[key], zone)
            for key, _ in DEAL_COLUMNS
        ]

    def encode(rows: Iterable[ExportDeal]) -> tuple[bytes, int]:
        return _csv([t(label) for _, label in DEAL_COLUMNS], map(line, rows))

    return encode


def moves_encoder(t: Translator, *, tz: str, names: Names):
    """``ExportMove`` rows → CSV bytes and count."""
    zone = ZoneInfo(tz)

    def line(row: ExportMove) -> list[str]:
        m = row.move
        return [
            cell(m.deal_id),
            cell(row.deal_name),
            cell(stage_text(t, m.from_name) if m.from_name else None),
            cell(stage_text(t, m.to_name)),
            cell(status_text(t, m.from_status) if m.from_status else None),
            cell(status_text(t, m.to_status)),
            cell(names(m.moved_by)),
            cell(m.moved_at, zone),
            t("yes") if m.undone_at or m.undo_of else "",
        ]

    def encode(rows: Iterable[ExportMove]) -> tuple[bytes, int]:
        return _csv([t(label) for _, label in MOVE_COLUMNS], map(line, rows))

    return encode


def _csv(header: list[str], lines: Iterable[list[str]]) -> tuple[bytes, int]:
    """The header and the lines as CSV bytes (UTF-8 with BOM, for spreadsheets), and how
    many lines there were."""
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(header)
    n = 0
    for values in lines:
        out.writerow(values)
        n += 1
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), n
