"""The whole workspace as a zip of CSV files (issue 15, item 8): one file per table, named
after it, with the database's own column names (a faithful copy, for another tool or a
data request), UTC timestamps in ISO 8601, JSON columns as JSON, and text cells guarded
against spreadsheet formulas like the deals export (``handlers.ui.export.cell``). Python's
``zipfile`` and ``csv``; a README.txt inside says what is what."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from datetime import date, datetime

from bot.core.i18n import Translator
from bot.usecases.dataexport import WholeExport
from handlers.ui.common import message
from handlers.ui.digest import section
from handlers.ui.export import cell


def raw_cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return cell(json.dumps(value, ensure_ascii=False))
    if isinstance(value, bool):
        return "true" if value else "false"
    return cell(value)


def zip_packer(t: Translator, *, team_id: str, day: date):
    """``TableRows`` → (zip bytes, rows per table)."""

    def pack(tables: Iterable) -> tuple[bytes, dict[str, int]]:
        buf = io.BytesIO()
        counts: dict[str, int] = {}
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for table in tables:
                text = io.StringIO()
                out = csv.writer(text)
                out.writerow(table.columns)
                n = 0
                for row in table.rows:
                    out.writerow([raw_cell(v) for v in row])
                    n += 1
                counts[table.name] = n
                z.writestr(f"{table.name}.csv", ("\ufeff" + text.getvalue()).encode("utf-8"))
            z.writestr("README.txt", readme(t, team_id=team_id, day=day, counts=counts))
        return buf.getvalue(), counts

    return pack


def readme(t: Translator, *, team_id: str, day: date, counts: dict[str, int]) -> str:
    head = t(
        "Salespath data of workspace {team} on {day}: one CSV file per table (UTF-8, "
        "times in `UTC`). What each table holds: `docs/PRIVACY.md`.",
        team=team_id,
        day=day.isoformat(),
    )
    return head + "\n\n" + "\n".join(f"{name}.csv: {n}" for name, n in sorted(counts.items()))


def export_all_started(t: Translator) -> dict:
    text = t(
        "Preparing all of the workspace's data as a zip of CSV files; it will arrive in our DM."
    )
    return message(text, [section(":inbox_tray: " + text)])


def export_all_upload(t: Translator, done: WholeExport, *, day: date) -> dict:
    """``files_upload_v2``'s arguments: the zip and its comment."""
    comment = t(
        "All of the workspace's data: {tables} tables, {rows} rows (`salespath-{day}.zip`).",
        tables=len(done.rows),
        rows=done.total,
        day=day.isoformat(),
    )
    name = f"salespath-{day.isoformat()}.zip"
    return {
        "initial_comment": comment,
        "file_uploads": [{"file": done.data, "filename": name, "title": t("Salespath data")}],
    }
