"""``/pipeline import``'s three views — the file (pasted or uploaded), the column mapping,
the preview — and the summary after the import. Pure builders on slack_sdk models."""

from __future__ import annotations

import csv
import io

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    InputBlock,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.block_elements import FileInputElement

from bot import ids
from bot.core import imports as im
from bot.core.i18n import Translator
from bot.core.money import format_money
from bot.usecases.imports import Draft, ImportDone, Planned, Preview
from handlers.ui.common import (
    MAX_VIEW_BLOCKS,
    TEXT_LIMIT,
    clip,
    day_text,
    escape,
    notice,
    problem_text,
    read_meta,
    stage_text,
    write_meta,
)
from handlers.ui.export import cell
from handlers.ui.forms import md, modal, text_input

PASTE_MAX = 3000  # Slack's longest plain_text_input
NOT_IN_FILE = "-"
FORMAT_NAMES = {
    im.SALESPATH: "Salespath",
    im.PIPEDRIVE: "Pipedrive",
    im.HUBSPOT: "HubSpot",
}
PROBLEM_BLOCKS = 60  # sections of problem rows in the preview, at most


def import_modal(t: Translator, *, channel: str | None) -> dict:
    blocks = [
        SectionBlock(
            text=md(
                t(
                    "Bring deals in from a CSV: Salespath's own export, a Pipedrive or HubSpot "
                    "export, or any spreadsheet saved as CSV (up to {rows} rows, 2 MB). Next "
                    "you'll say which column is which, then see a preview: nothing is saved "
                    "before you confirm.",
                    rows=t.number(im.MAX_ROWS),
                )
            )
        ),
        InputBlock(
            block_id=ids.BLOCK_IMPORT_FILE,
            label=t("Upload a CSV file"),
            optional=True,
            element=FileInputElement(action_id=ids.INPUT, filetypes=["csv", "txt"], max_files=1),
        ),
        text_input(
            ids.BLOCK_IMPORT_TEXT,
            t("…or paste the CSV text"),
            None,
            hint=t("The first line names the columns, like: Deal,Value,Stage,Owner"),
            max_length=PASTE_MAX,
        ),
    ]
    return modal(
        t,
        callback_id=ids.VIEW_IMPORT,
        title=t("Import deals"),
        blocks=blocks,
        metadata=write_meta({"c": channel}),
        submit=t("Next"),
    )


def read_import_form(form: dict) -> tuple[str, list[str]]:
    """The pasted text, and the uploaded files' ids."""
    files = form.get(ids.BLOCK_IMPORT_FILE) or []
    found = [f.get("id") if isinstance(f, dict) else f for f in files]
    return form.get(ids.BLOCK_IMPORT_TEXT) or "", [f for f in found if isinstance(f, str) and f]


def channel_of(view: dict) -> str | None:
    channel = read_meta(view).get("c")
    return channel if isinstance(channel, str) else None


def _column_options(t: Translator, draft: Draft) -> list[Option]:
    options = [Option(text=PlainTextObject(text=t("— not in the file —")), value=NOT_IN_FILE)]
    for i, header in enumerate(draft.headers):
        options.append(Option(text=PlainTextObject(text=clip(header, 75)), value=f"c{i}"))
    return options


def _hint(t: Translator, key: str, currency: str) -> str | None:
    hints = {
        im.VALUE: t(
            "Amounts are read the {language} way; without a currency, in {currency}.",
            language=t.language(t.locale),
            currency=currency,
        ),
        im.OWNER: t("By email, Slack name or @mention. Empty: you."),
        im.STAGE: t("Empty: the first stage. Pipedrive's and HubSpot's stage names are known."),
        im.EXTERNAL_ID: t("A re-import updates the deal with the same id instead of adding it."),
    }
    return hints.get(key)


def mapping_modal(t: Translator, draft: Draft, *, channel: str | None) -> dict:
    """Which column holds which field, guessed from the header."""
    kind = FORMAT_NAMES.get(draft.format, t("spreadsheet"))
    about = t.plural(
        "*{file}*: {n} row, read as a {kind} export.",
        "*{file}*: {n} rows, read as a {kind} export.",
        draft.rows,
        file=escape(draft.filename),
        kind=kind,
    )
    blocks: list = [SectionBlock(text=md(about))]
    if draft.encoding == "windows-1252":
        note = t(
            "The file is not UTF-8; it was read as Windows-1252. Check accents in the preview."
        )
        blocks.append(ContextBlock(elements=[md(":warning: " + note)]))
    options = _column_options(t, draft)
    for key, label in im.FIELDS:
        guess = draft.mapping.get(key)
        initial = options[guess + 1] if guess is not None else options[0]
        blocks.append(
            InputBlock(
                block_id=ids.BLOCK_IMPORT_FIELD + key,
                label=t(label),
                hint=_hint(t, key, draft.currency),
                element=StaticSelectElement(
                    action_id=ids.INPUT, options=options, initial_option=initial
                ),
            )
        )
    return modal(
        t,
        callback_id=ids.VIEW_IMPORT_MAP,
        title=t("Import: columns"),
        blocks=blocks,
        metadata=write_meta({"c": channel, "d": draft.id}),
        submit=t("Preview"),
    )


def read_mapping(form: dict) -> im.Mapping:
    out: im.Mapping = {}
    for key in im.FIELD_KEYS:
        value = form.get(ids.BLOCK_IMPORT_FIELD + key) or NOT_IN_FILE
        digits = value[1:] if isinstance(value, str) and value.startswith("c") else ""
        out[key] = int(digits) if digits.isdigit() and int(digits) < im.MAX_COLUMNS else None
    return out


def meta_draft(view: dict) -> int:
    """The draft a view is about (0: none, which no draft is)."""
    draft = read_meta(view).get("d")
    return draft if isinstance(draft, int) and not isinstance(draft, bool) else 0


def _row_line(t: Translator, planned: Planned) -> str:
    row = planned.row
    parts = [f"*{escape(row.name)}*"]
    parts.append(format_money(row.value, t.locale) if row.value else t("no value"))
    parts += [stage_text(t, row.stage.name), f"<@{row.owner_id}>"]
    if row.expected_close:
        parts.append(t("closes {day}", day=day_text(t, row.expected_close)))
    if row.created:
        parts.append(t("created {day}", day=day_text(t, row.created)))
    action = t("update") if planned.update else t("new")
    return f"{t('Row {n}', n=row.number)} ({action}): " + " · ".join(parts)


def _problem_lines(t: Translator, preview: Preview) -> list[str]:
    return [
        f"*{t('Row {n}', n=p.number)}* — {problem_text(t, p.reason)}\n>{escape(clip(p.text, 200))}"
        for p in preview.problems
    ]


def _packed(lines: list[str], most: int) -> tuple[list[str], int]:
    """Lines packed into section texts (at most ``most``); how many lines did not fit."""
    texts: list[str] = []
    for i, line in enumerate(lines):
        if texts and len(texts[-1]) + len(line) + 1 <= TEXT_LIMIT:
            texts[-1] += "\n" + line
        elif len(texts) < most:
            texts.append(clip(line))
        else:
            return texts, len(lines) - i
    return texts, 0


def hidden_problems(t: Translator, preview: Preview) -> int:
    """Rows that can't be read beyond what the preview modal holds (Slack's 100 blocks)."""
    return _packed(_problem_lines(t, preview), _problem_room(preview))[1]


def _problem_room(preview: Preview) -> int:
    return min(PROBLEM_BLOCKS, MAX_VIEW_BLOCKS - (2 if preview.first else 1) - 3)


def problems_upload(t: Translator, preview: Preview) -> dict:
    """``files_upload_v2``'s arguments: every row that can't be read, as a CSV (row number,
    reason, the row's text) — for a file with more of them than the preview holds."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([t("Row"), t("Reason"), t("The row as written")])
    for p in preview.problems:
        writer.writerow([p.number, p.reason.render(t), cell(p.text)])
    comment = t.plural(
        "The import's preview has {n} row that can't be read; here is each with its reason.",
        "The import's preview has {n} rows that can't be read; here is each with its reason.",
        len(preview.problems),
    )
    body = ("\ufeff" + out.getvalue()).encode("utf-8")
    return {
        "initial_comment": comment,
        "file_uploads": [{"file": body, "filename": "import-problems.csv", "title": t("Rows")}],
    }


def _summary(t: Translator, preview: Preview) -> str:
    lines = [
        t.plural(
            "{n} new deal will be created.", "{n} new deals will be created.", preview.creates
        ),
        t.plural(
            "{n} deal already here will be updated.",
            "{n} deals already here will be updated.",
            preview.updates,
        ),
    ]
    if preview.problems:
        lines.append(
            ":warning: "
            + t.plural(
                "{n} row can't be read and will be skipped (below, with the reason).",
                "{n} rows can't be read and will be skipped (below, with the reasons).",
                len(preview.problems),
            )
        )
    return "\n".join(lines)


def preview_modal(t: Translator, preview: Preview, *, channel: str | None) -> dict:
    blocks: list = [SectionBlock(text=md(_summary(t, preview)))]
    if preview.first:
        heading = t("*The first rows, as they will be stored:*")
        rows = [_row_line(t, p) for p in preview.first]
        blocks += [SectionBlock(text=md("\n".join([heading, *rows])))]
    if preview.problems:
        texts, left = _packed(_problem_lines(t, preview), _problem_room(preview))
        blocks += [DividerBlock(), *(SectionBlock(text=md(x)) for x in texts)]
        if left:
            more = t.plural(
                "…and {n} more row that can't be read: the whole list is in your DM, as a CSV.",
                "…and {n} more rows that can't be read: the whole list is in your DM, as a CSV.",
                left,
            )
            blocks.append(ContextBlock(elements=[md(more)]))
    writes = preview.creates + preview.updates
    meta = {"c": channel, "d": preview.draft_id}
    return modal(
        t,
        callback_id=ids.VIEW_IMPORT_PREVIEW,
        title=t("Import: preview"),
        blocks=blocks,
        metadata=write_meta(meta),
        submit=t.plural("Import {n} deal", "Import {n} deals", writes) if writes else None,
    )


def import_done_message(t: Translator, done: ImportDone) -> dict:
    lines = [
        ":white_check_mark: "
        + t.plural(
            "Import done: {n} new deal, {updated} updated.",
            "Import done: {n} new deals, {updated} updated.",
            done.created,
            updated=t.number(done.updated),
        )
    ]
    if done.skipped:
        lines.append(
            t.plural(
                "{n} row couldn't be read and was skipped.",
                "{n} rows couldn't be read and were skipped.",
                done.skipped,
            )
        )
    lines.append(t("See them with `/pipeline team`."))
    return notice("\n".join(lines))
