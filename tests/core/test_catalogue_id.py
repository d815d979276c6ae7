"""The Bahasa Indonesia catalogue (bot/locale/id): complete, safe to format, and spelled right.

1. Every msgid of the English catalogue has a non-empty Indonesian translation (none fuzzy,
   none left over from code that is gone).
2. Each translation has exactly the ``{placeholders}`` of its msgid.
3. Slack markup survives: ``<@{user}>``/``<#{channel}>`` mentions, ``<{link}|…>`` links,
   emoji codes, ``*bold*`` and ``code`` markers, slash commands.
4. A translation equal to its msgid is one of the reviewed terms kept in English (the seeds'
   own method names) or a string with nothing to translate.
5. Slack's limits: modal titles fit 24 characters, option texts and descriptions 75.
6. A label a rep reads can be typed back: Indonesian stage, lost-reason, role and source labels
   are recognised by the same matchers as the English ones.
7. Hunspell spell-check of every translation against ``id_ID`` (Debian ``hunspell-id``, read
   with the pure-Python ``spylls``), after stripping placeholders, markup, URLs, commands, code,
   emoji and numbers; ``tests/data/id_allow.txt`` lists the product terms and valid words the
   dictionary lacks (a line with a space is a phrase, such as "ask for it", so that "for" and
   "it" are not allowed on their own). Indonesian enclitics (-nya, -lah, -kah, -pun) attach to
   any word, so a word is also right when its stem is. Without the dictionary (or spylls) the
   check is skipped, or fails under CI.
"""

from __future__ import annotations

import importlib.util
import os
import re
import string
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.core import checklists as cl
from bot.core.errors import InvalidInput
from bot.core.reasons import DMU_ROLES, LOST_REASONS, match_reason, match_role
from bot.core.sources import SOURCES, match_source
from bot.core.stages import DEFAULT_STAGES, match_stage

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "bot" / "locale"
ALLOW_LIST = ROOT / "tests" / "data" / "id_allow.txt"
DICT_NAME = "id_ID"
DICT_DIRS = ("/usr/share/hunspell", "/usr/share/myspell", "/usr/share/myspell/dicts")

# Translations that may equal their msgid: nothing but placeholders and markup, or the
# sales-path terms the seeds (seed 000) keep in English inside Indonesian sentences.
KEPT_AS_IS = frozenset(
    {
        "*{kind}*",
        "*{period}*",
        "*{stage}* — {n} · {value}",
        "“{step}” · {when}",
        "• *{name}* · {was} → {now} · <@{owner}>",
        "{n} deal",
        "Salespath",
        "Deal",
        "SPIN",
        "BATNA",
        # stages of the sales path
        "Prospecting",
        "Approaching",
        "Probing",
        "Closing",
        # prospecting sources (non-referral)
        "Itch cycle",
        "Idle account",
        "Swap meet",
        "Canvassing",
        "Inbound",
        # decision-maker unit, objections, BATNA points, SPIN, the 4 R's, response methods
        "Coach",
        "Product objection",
        "Need objection",
        "Emotion objection",
        "Possible",
        "Target",
        "Target (ideal)",
        "Critical",
        "Situation",
        "Problem",
        "Implication",
        "Need-payoff",
        "React",
        "Recognize",
        "Respond",
        "Re-confirm",
        "Reverse",
        "Admit",
        "Feel-felt-found",
        # issue 14: 3M, F.A.B., the closing techniques, after-sales (seed 000's words)
        "3M: Moment",
        "3M: Media",
        "3M: Mood",
        "Feature",
        "Advantage",
        "Benefit",
        "Ask for it",
        "Summary of benefit",
        "Suggestion close",
        "Win back",
        "Status",
        "{title}: {parts}.",
    }
)

# Used as modal titles, submit and close buttons (Slack: 24 characters at most).
MODAL_TITLES = (
    "Add deal",
    "Add note",
    "Add to deal",
    "BATNA sheet",
    "Cancel",
    "Close",
    "Edit deal",
    "Edit stages",
    "Log meeting",
    "New deal",
    "SPIN checklist",
    "Salespath",
    "Save",
    "Snooze",
    "Snooze deal",
    "Stage gates",
    "Approach preparation",
    "Presentation F.A.B.",
    "Final value",
    "Win back",
    "New Grow deal",
)


def option_texts() -> list[str]:
    """Msgids shown as select or checkbox options and their descriptions (75 characters)."""
    choices = (*cl.AWARENESS_LEVELS, *cl.OBJECTION_TYPES, *cl.RESPONSE_METHODS, *cl.FOUR_R_STEPS)
    texts = [c.label for c in choices] + [c.description for c in choices if c.description]
    texts += [s.label for s in SOURCES] + [r.label for r in DMU_ROLES]
    texts += ["Don't move it", "Yes, move it back or re-open it"]
    texts += ["I know, move it without the checklist", "Remove this stage", "Not set", "No gate"]
    return texts


# --- loading ----------------------------------------------------------------------------


@cache
def catalogue(lang: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def msgids(message: Message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def msgstrs(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, str):
        return (message.string,)
    return tuple(message.string or ())


def pairs() -> list[tuple[Message, Message]]:
    """(English message, Indonesian message) for every English msgid (the latter may be None)."""
    english, indonesian = catalogue("en"), catalogue("id")
    return [(m, indonesian.get(m.id)) for m in english if m.id]


def translated(msgid: str) -> str:
    found = catalogue("id").get(msgid)
    assert found is not None, f"{msgid!r} is not in the Indonesian catalogue"
    return msgstrs(found)[0]


# --- 1. complete ------------------------------------------------------------------------


def test_header_declares_indonesian_without_plurals():
    cat = catalogue("id")
    assert str(cat.locale) == "id"
    assert cat.plural_forms == "nplurals=1; plural=0;"
    assert cat.charset.lower() == "utf-8"


def test_every_msgid_has_an_indonesian_translation():
    missing = [key(en) for en, id_ in pairs() if id_ is None]
    empty = [key(en) for en, id_ in pairs() if id_ is not None and not all(msgstrs(id_))]
    fuzzy = [key(m) for m in catalogue("id") if m.id and m.fuzzy]
    assert not missing, f"not in the Indonesian catalogue: {missing}"
    assert not empty, f"no translation: {empty}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_no_translation_for_a_msgid_the_code_no_longer_has():
    english = {key(m) for m in catalogue("en") if m.id}
    extra = [key(m) for m in catalogue("id") if m.id and key(m) not in english]
    assert not extra


def test_plural_entries_have_the_one_indonesian_form():
    for en, id_ in pairs():
        if isinstance(en.id, tuple):
            assert isinstance(id_.id, tuple) and len(msgstrs(id_)) == 1, key(en)


# --- 2. placeholders --------------------------------------------------------------------


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_placeholders_are_exactly_those_of_the_msgid():
    for en, id_ in pairs():
        wanted = set().union(*(fields(m) for m in msgids(en)))
        for text in msgstrs(id_):
            assert fields(text) == wanted, (key(en), text)
            text.format(**dict.fromkeys(wanted, "x"))  # no stray braces


# --- 3. Slack markup --------------------------------------------------------------------

MARKUP = {
    "mention": re.compile(r"<[@#!]\{\w+\}>"),
    "link": re.compile(r"<\{\w+\}\|"),
    "emoji": re.compile(r"(?<![\w:]):[a-z][a-z0-9_+-]*:"),
    "bold": re.compile(r"\*"),
    "code": re.compile(r"`"),
    "command": re.compile(r"(?<![\w/])/[a-z]+\b"),
}


@pytest.mark.parametrize("kind", MARKUP)
def test_slack_markup_is_kept(kind):
    pattern = MARKUP[kind]
    for en, id_ in pairs():
        wanted = Counter(pattern.findall(msgids(en)[0]))
        for text in msgstrs(id_):
            assert Counter(pattern.findall(text)) == wanted, (key(en), text)


# --- 4. translated, not copied ----------------------------------------------------------


def test_a_copied_msgid_is_a_reviewed_kept_term():
    copied = [key(en) for en, id_ in pairs() if msgstrs(id_)[0] == msgids(en)[0]]
    assert set(copied) <= KEPT_AS_IS, sorted(set(copied) - KEPT_AS_IS)


def test_kept_terms_are_all_in_the_catalogue():
    english = {key(m) for m in catalogue("en") if m.id}
    assert english >= KEPT_AS_IS, sorted(KEPT_AS_IS - english)


# --- 5. Slack limits --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("msgids_", "most"),
    [(MODAL_TITLES, 24), (tuple(option_texts()), 75)],
    ids=["modal titles", "options"],
)
def test_fits_slack_limits(msgids_, most):
    too_long = [(m, translated(m)) for m in msgids_ if len(translated(m)) > most]
    assert not too_long


# --- 6. labels can be typed back --------------------------------------------------------


def test_indonesian_stage_names_find_their_stage():
    for spec in DEFAULT_STAGES:
        assert match_stage(translated(spec.name), DEFAULT_STAGES) is spec, spec.name


def test_indonesian_lost_reasons_find_their_reason():
    # /advance <deal> lost <reason> [note] tries the first three words, then two, then one.
    for reason in LOST_REASONS:
        words = translated(reason.label).split()
        found = None
        for n in (3, 2, 1):
            try:
                found = match_reason(" ".join(words[:n]))
                break
            except InvalidInput:
                continue
        assert found is reason, reason.label


def test_indonesian_roles_and_sources_find_theirs():
    for role in DMU_ROLES:
        assert match_role(translated(role.label)) is role, role.label
    for source in SOURCES:
        assert match_source(translated(source.label)) is source, source.label


# --- 7. spelling ------------------------------------------------------------------------

STRIP = (
    re.compile(r"`[^`]*`"),  # code spans: commands and examples
    re.compile(r"<[@#!][^>]*>"),  # mentions and channel links
    re.compile(r"<\{\w+\}\|"),  # the start of a link; its text is checked
    re.compile(r"\{\w+\}"),  # placeholders
    re.compile(r"https?://\S+"),  # URLs
    re.compile(r":[a-z][a-z0-9_+-]*:"),  # emoji codes
    re.compile(r"(?<![\w/])/pipeline managers(?: add| \{op\})?"),  # English-only sub-commands
    re.compile(r"(?<![\w/])/[a-z]+\b"),  # slash commands
    re.compile(r"\b[A-Z][a-z]+/[A-Za-z_]+\b"),  # IANA timezones: Asia/Jakarta
    re.compile(r"\b[\w.-]+\.csv\b"),  # file names
    re.compile(r"\S*\d\S*"),  # anything with a digit: 50jt, 08:30, 7d, 4R, v2
)
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
ENCLITICS = ("nya", "lah", "kah", "pun")


def words_of(text: str, phrases: tuple[str, ...] = ()) -> list[str]:
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    for phrase in phrases:
        text = re.sub(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", " ", text, flags=re.I)
    return [w for w in WORD.findall(text) if len(w) > 1]


def allow_list() -> list[str]:
    lines = ALLOW_LIST.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def allowed_words() -> set[str]:
    return {entry.lower() for entry in allow_list() if " " not in entry}


def allowed_phrases() -> tuple[str, ...]:
    """Longest first, so "decision maker unit" goes before a shorter phrase inside it."""
    return tuple(sorted((e for e in allow_list() if " " in e), key=len, reverse=True))


def dictionary_or_skip():
    """The id_ID Hunspell dictionary; skipped (failed under CI) when it can't be had."""
    dirs = [*filter(None, os.environ.get("DICPATH", "").split(os.pathsep)), *DICT_DIRS]
    found = next((Path(d) for d in dirs if (Path(d) / f"{DICT_NAME}.dic").exists()), None)
    problem = None
    if found is None:
        problem = f"no {DICT_NAME} Hunspell dictionary: apt-get install hunspell-id"
    elif importlib.util.find_spec("spylls") is None:
        problem = "no Hunspell reader: pip install spylls"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    return _load(str(found / DICT_NAME))


@cache
def _load(path: str):
    from spylls.hunspell import Dictionary

    return Dictionary.from_files(path)


def test_words_of_strips_what_is_not_prose():
    text = (
        ":warning: <@{owner}> tulis `/digest sini 08:30` di <#{channel}>, lihat "
        "<{link}|sebuah pesan>, /pipeline managers add @nama, Asia/Jakarta, 1,5jt, deals.csv."
    )
    assert words_of(text) == ["tulis", "di", "lihat", "sebuah", "pesan", "nama"]


def test_allow_list_is_sorted_within_groups_and_without_duplicates():
    seen: set[str] = set()
    group: list[str] = []
    for line in [*ALLOW_LIST.read_text(encoding="utf-8").splitlines(), "#"]:
        word = line.strip()
        if word.startswith("#") or not word:
            assert group == sorted(group, key=str.lower), group
            group = []
            continue
        assert word.lower() not in seen, word
        seen.add(word.lower())
        group.append(word)


def test_allow_list_holds_no_word_the_dictionary_knows():
    dictionary = dictionary_or_skip()
    known = sorted(w for w in allowed_words() if dictionary.lookup(w))
    assert not known, f"the dictionary already knows these; drop them from the list: {known}"


def test_allow_list_entries_are_all_used():
    texts = [t for _, id_ in pairs() for t in msgstrs(id_)]
    unused = [p for p in allowed_phrases() if not any(p.lower() in t.lower() for t in texts)]
    tokens = {w.lower() for t in texts for w in words_of(t, allowed_phrases())}
    tokens |= {part for w in tokens for part in w.split("-")}
    tokens |= {w[: -len(e)] for w in tokens for e in ENCLITICS if w.endswith(e)}
    unused += sorted(allowed_words() - tokens)
    assert not unused, f"no translation uses these; drop them from the list: {unused}"


def test_indonesian_catalogue_is_spelled_right():
    dictionary = dictionary_or_skip()
    allowed, phrases = allowed_words(), allowed_phrases()

    def known(word: str) -> bool:
        if word.lower() in allowed or dictionary.lookup(word):
            return True
        stem = next((word[: -len(e)] for e in ENCLITICS if word.lower().endswith(e)), "")
        return len(stem) > 2 and (stem.lower() in allowed or dictionary.lookup(stem))

    def ok(word: str) -> bool:
        parts = word.split("-")
        return known(word) or (len(parts) > 1 and all(known(p) for p in parts))

    wrong: dict[str, str] = {}
    for _, id_ in pairs():
        for text in msgstrs(id_):
            for word in words_of(text, phrases):
                if not ok(word):
                    wrong.setdefault(word, text)
    assert not wrong, "not in id_ID nor tests/data/id_allow.txt:\n" + "\n".join(
        f"  {w!r} in {t!r}" for w, t in sorted(wrong.items())
    )
