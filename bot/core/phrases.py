"""The words of ``/pipeline``'s sub-commands, in English and Indonesian, and how a deal's
history is asked for (``Acme history spin 2``). Plain text parsing, no Slack."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.checklists import KINDS

PIPELINE_TEAM_WORDS = frozenset({"team", "tim"})
TEAM_WORDS = frozenset({"team", "tim", "all", "semua"})
MINE_WORDS = frozenset({"mine", "me", "my", "saya", "aku"})
STAGES_WORDS = frozenset({"stages", "tahap"})
STATS_WORDS = frozenset({"stats", "statistik"})
EXPORT_WORDS = frozenset({"export", "ekspor"})
MANAGER_WORDS = frozenset({"manager", "managers"})
GATE_WORDS = frozenset({"gates", "gate", "gerbang"})
HISTORY_WORDS = ("history", "riwayat")
HELP_WORDS = frozenset({"help", "bantuan", "?", "-h", "--help"})
LANGUAGE_WORDS = frozenset({"lang", "language", "bahasa"})
SETTINGS_WORDS = frozenset({"settings", "setting", "pengaturan", "setelan"})
MANAGERS_RE = re.compile(r"^managers?\s*(add|remove|list)?\s*(.*)$", re.I | re.S)
MENTION_RE = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def is_help(text: str) -> bool:
    return text.strip().lower() in HELP_WORDS


def first_word(text: str) -> str:
    return text.split()[0].lower() if text.split() else ""


def managers_args(text: str) -> tuple[str, list[str]]:
    """``managers add <@U1> <@U2>`` → ("add", ["U1", "U2"]); no verb lists them."""
    m = MANAGERS_RE.match(text.strip())
    op = (m.group(1) or "list").lower() if m else "list"
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
    if len(words) > 3 and words[-1].isascii() and words[-1].isdigit():
        page, words = max(1, min(int(words[-1]), 10_000)), words[:-1]
        if words[-1].lower() not in KINDS:  # a page only follows a checklist's name
            return None
    if len(words) > 2 and words[-1].lower() in KINDS:
        kind, words = words[-1].lower(), words[:-1]
    if len(words) > 1 and words[-1].lower() in HISTORY_WORDS:
        return HistoryQuery(" ".join(words[:-1]), kind, page)
    return None
