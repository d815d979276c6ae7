"""The words of ``/pipeline``'s and ``/digest``'s sub-commands, in English and Indonesian,
and how a deal's history is asked for (``Acme history spin 2``). Plain text parsing, no
Slack. (Stage, lost-reason and source words are in ``bot.core.stages``, ``reasons`` and
``sources``; weekdays and times in ``bot.core.slots``; move words in ``bot.core.deals``.)"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.checklists import KINDS

PIPELINE_TEAM_WORDS = frozenset({"team", "tim"})
TEAM_WORDS = frozenset({"team", "tim", "all", "semua"})
MINE_WORDS = frozenset({"mine", "me", "my", "saya", "aku"})
STAGES_WORDS = frozenset({"stages", "tahap", "tahapan"})
STATS_WORDS = frozenset({"stats", "statistik", "statistics"})
EXPORT_WORDS = frozenset({"export", "ekspor"})
MANAGER_WORDS = frozenset({"manager", "managers", "manajer"})
GATE_WORDS = frozenset({"gates", "gate", "gerbang"})
HISTORY_WORDS = ("history", "riwayat")
HELP_WORDS = frozenset({"help", "bantuan", "?", "-h", "--help"})
LANGUAGE_WORDS = frozenset({"lang", "language", "bahasa"})
SETTINGS_WORDS = frozenset({"settings", "setting", "pengaturan", "setelan"})
FORECAST_WORDS = frozenset({"forecast", "prakiraan", "proyeksi", "ramalan"})
TARGET_WORDS = frozenset({"target", "targets", "kuota", "quota"})
IMPORT_WORDS = frozenset({"import", "impor"})
MANAGER_OPS = {
    **dict.fromkeys(("add", "tambah", "tambahkan"), "add"),
    **dict.fromkeys(("remove", "hapus", "keluarkan"), "remove"),
    **dict.fromkeys(("list", "daftar"), "list"),
}
MANAGERS_RE = re.compile(
    r"^(?:managers?|manajer)\s*(add|remove|list|tambahkan|tambah|hapus|keluarkan|daftar)?\s*(.*)$",
    re.I | re.S,
)

# /pipeline stats periods: 7d, 30d, 90d, quarter (bot.core.metrics) and their other words.
PERIOD_WORDS = {
    **dict.fromkeys(("7d", "7h", "7hari", "week", "minggu", "pekan"), "7d"),
    **dict.fromkeys(("30d", "30h", "30hari", "month", "bulan"), "30d"),
    **dict.fromkeys(("90d", "90h", "90hari"), "90d"),
    **dict.fromkeys(("quarter", "q", "kuartal", "triwulan"), "quarter"),
}
DAY_WORDS = frozenset({"d", "day", "days", "hari"})  # "30 days", "30 hari"

# /digest's sub-commands.
DIGEST_HERE = frozenset({"here", "sini", "subscribe", "langganan"})
DIGEST_STATUS = frozenset({"status", "info"})
DIGEST_OFF = frozenset({"off", "stop", "berhenti", "unsubscribe", "matikan", "hentikan"})
DIGEST_NOW = frozenset({"now", "sekarang"})


def period_words(words: list[str]) -> list[str]:
    """``30 days`` / ``30 hari`` as one word (``30d``); each period word as its key."""
    out: list[str] = []
    for word in words:
        low = word.lower()
        if low in DAY_WORDS and out and out[-1].isdigit():
            out[-1] += "d"
            continue
        out.append(low)
    return [PERIOD_WORDS.get(w, w) for w in out]


MENTION_RE = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def is_help(text: str) -> bool:
    return text.strip().lower() in HELP_WORDS


def is_forecast(text: str) -> bool:
    """``forecast …``, or ``target`` with a mention (``Target Corp`` is a deal's name)."""
    word = first_word(text)
    return word in FORECAST_WORDS or (word in TARGET_WORDS and MENTION_RE.search(text) is not None)


def first_word(text: str) -> str:
    return text.split()[0].lower() if text.split() else ""


def managers_args(text: str) -> tuple[str, list[str]]:
    """``managers add <@U1> <@U2>`` → ("add", ["U1", "U2"]); no verb lists them."""
    m = MANAGERS_RE.match(text.strip())
    op = MANAGER_OPS[(m.group(1) or "list").lower()] if m else "list"
    return op, MENTION_RE.findall(m.group(2) if m else "")


def language_request(text: str) -> str | None:
    """``lang id``, ``bahasa indonesia``, ``language`` → what names the language (``""``:
    none, show the reader's own); ``None`` when the text is not about a language (``Bahasa
    Kita Corp``, more than two words after the first, is a deal's name)."""
    words = text.split()
    if not words or words[0].lower() not in LANGUAGE_WORDS or len(words) > 3:
        return None
    return " ".join(words[1:])


@dataclass(frozen=True)
class HistoryQuery:
    """``/pipeline <deal> history [spin|batna] [page]``, read."""

    name: str
    kind: str | None = None  # one checklist paged through; None: the whole history
    page: int = 1


def history_query(text: str) -> HistoryQuery | None:
    """``Acme history`` → ("Acme"); ``Acme history spin 2`` → ("Acme", "spin", 2); None
    when the text does not ask for a history."""
    words = text.split()
    page, kind = 1, None
    if len(words) > 3 and words[-1].isascii() and words[-1].isdigit() and len(words[-1]) < 9:
        page, words = max(1, min(int(words[-1]), 10_000)), words[:-1]
        if words[-1].lower() not in KINDS:  # a page only follows a checklist's name
            return None
    if len(words) > 2 and words[-1].lower() in KINDS:
        kind, words = words[-1].lower(), words[:-1]
    if len(words) > 1 and words[-1].lower() in HISTORY_WORDS:
        return HistoryQuery(" ".join(words[:-1]), kind, page)
    return None


# --- people who leave or join, notifications, the whole export (issue 15) -------------------
REASSIGN_WORDS = frozenset({"reassign", "alihkan", "pindahkan"})
NOTIFY_WORDS = frozenset({"notify", "notifications", "notification", "notifikasi"})
ALL_WORDS = frozenset({"all", "semua"})
OPEN_WORDS = frozenset({"open", "terbuka", "aktif"})


@dataclass(frozen=True)
class ReassignArgs:
    from_id: str | None
    to_id: str | None
    only_open: bool  # False: every deal of theirs, closed ones too (``all``)


def reassign_args(text: str) -> ReassignArgs:
    """``reassign @from @to [open|all]`` (``alihkan @dari @ke [terbuka|semua]``): open deals
    unless ``all`` is written."""
    found = MENTION_RE.findall(text)
    words = {w.lower() for w in text.split()[1:] if not MENTION_RE.fullmatch(w)}
    return ReassignArgs(
        found[0] if found else None,
        found[1] if len(found) > 1 else None,
        not (words & ALL_WORDS),
    )


def is_export_all(text: str) -> bool:
    """``/pipeline export all`` (``ekspor semua``): the whole workspace's data as a zip."""
    words = text.lower().split()
    return len(words) == 2 and words[0] in EXPORT_WORDS and words[1] in ALL_WORDS
