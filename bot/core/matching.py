"""Forgiving matching of what people type: deal names, stage names, reasons, roles.

Plain Python, no Slack. Deal names are kept as written for display; only the *keys* used
for matching are normalised (case, accents, punctuation, company affixes such as "PT" or
"Tbk").

Deal name matching (:func:`match_names`) works in tiers, and the first tier with a hit
decides:

1. exact — the normalised query equals the normalised name ("acme" = "PT Acme Tbk");
2. prefix — the query starts the name, or starts one of its words ("corp" → "Acme Corp");
3. typo — an optimal-string-alignment (Damerau-Levenshtein) distance of at most 1 (queries
   up to 7 characters) or 2 (longer ones), against the whole name or the same-length start
   of it.

When nothing matches, the closest names by similarity are offered as suggestions. Distances
and similarities come from rapidfuzz (C++). In a workspace the candidates are not every
deal: the database narrows them through its indexes first (``storage.deals.match_deals``
asks for the keys :func:`name_keys` stores and :func:`plan_lookup` describes), and
:func:`match_names` decides among the few it gets back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

T = TypeVar("T")

# Legal-form words that people write or leave out at will. Indonesian forms are seen at
# either end ("PT Maju", "Maju PT"), the others only at the end.
_AFFIXES_EITHER_END = frozenset({"pt", "cv", "ud"})
_AFFIXES_END = frozenset(
    {
        "tbk",
        "persero",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "pte",
        "gmbh",
        "sdn",
        "bhd",
    }
)

_ABBREV_DOT = re.compile(r"(?<!\w)(\w)\.")  # "P.T." → "PT", "F.A.B." → "FAB"
_APOSTROPHES = re.compile(r"['’`]")  # "O'Brien" → "OBrien"
_SEPARATORS = re.compile(r"[\W_]+")

MAX_SUGGESTIONS = 5
SUGGESTION_CUTOFF = 40  # rapidfuzz's ratio, 0-100


@lru_cache(maxsize=32768)
def fold(text: str) -> str:
    """Casefold, strip accents, turn punctuation into single spaces: "Café-Ría!" → "cafe ria"."""
    plain = text
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _APOSTROPHES.sub("", _ABBREV_DOT.sub(r"\1", plain))
    return _SEPARATORS.sub(" ", plain.casefold()).strip()


def _strip_leading(words: list[str]) -> list[str]:
    words = list(words)
    while len(words) > 1 and words[0] in _AFFIXES_EITHER_END:
        words.pop(0)
    return words


def _strip_affixes(words: list[str]) -> list[str]:
    words = _strip_leading(words)
    while len(words) > 1 and (words[-1] in _AFFIXES_END or words[-1] in _AFFIXES_EITHER_END):
        words.pop()
    return words


@lru_cache(maxsize=32768)
def normalise(name: str) -> str:
    """The matching key of a name: folded (see :func:`fold`) and without company affixes.

    ``normalise("PT. Café Ría Tbk") == "cafe ria"``. A name made only of affixes keeps them
    (``normalise("PT") == "pt"``). Use it for matching and lookup keys, never for display.
    """
    return " ".join(_strip_affixes(fold(name).split()))


# --- deal names ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str


EXACT, PREFIX, TYPO = "exact", "prefix", "typo"


@dataclass
class MatchResult:
    """``exact``: the one deal the query names (then ``matches == [exact]``). ``matches``:
    every deal the query could mean, best first. ``suggestions``: only when nothing
    matched, the closest names (at most five). ``tier``: which tier matched (``EXACT``,
    ``PREFIX``, ``TYPO``), empty when none did."""

    exact: Candidate | None = None
    matches: list[Candidate] = field(default_factory=list)
    suggestions: list[Candidate] = field(default_factory=list)
    tier: str = ""


@dataclass(frozen=True)
class _Keys:
    full: str  # folded, affixes kept: "pt acme corp"
    lead: str  # without leading affixes: "acme corp" (a typed prefix may end in "co", "pt")
    core: str  # without any affixes: "acme"
    full_compact: str  # the same without spaces
    lead_compact: str
    core_compact: str


@lru_cache(maxsize=32768)
def _keys(name: str) -> _Keys:
    full = fold(name)
    words = _strip_leading(full.split())
    lead = " ".join(words)
    core = " ".join(_strip_affixes(words))
    return _Keys(full, lead, core, *(s.replace(" ", "") for s in (full, lead, core)))


def typo_budget(query: str) -> int:
    """How many edits a typed name may be off by: none under 3 characters, 1 up to 7."""
    if len(query) < 3:
        return 0
    return 1 if len(query) <= 7 else 2


def _distance_within(a: str, b: str, limit: int) -> int | None:
    """Optimal-string-alignment (Damerau-Levenshtein) distance if it is ≤ ``limit``."""
    d = OSA.distance(a, b, score_cutoff=limit)
    return d if d <= limit else None


def _order(c: Candidate) -> tuple[str, str, int]:
    return (fold(c.name), c.name, c.id)


def match_names(query: str, candidates: Sequence[Candidate]) -> MatchResult:
    """Find the deal(s) a user meant by ``query``; see the module docstring for the tiers.
    Ordering is deterministic: by quality, then shorter name, then name, then id."""
    q = _keys(query)
    if not q.full:
        return MatchResult()
    keyed = [(c, _keys(c.name)) for c in candidates]

    # 1. exact: the name as written (affixes included) first, then without affixes
    for attr in ("full_compact", "core_compact"):
        wanted = getattr(q, attr)
        hits = [c for c, k in keyed if getattr(k, attr) == wanted]
        if len(hits) == 1:
            return MatchResult(exact=hits[0], matches=hits, tier=EXACT)
        if hits:
            return MatchResult(matches=sorted(hits, key=_order), tier=EXACT)

    # 2. prefix of the name, else of one of its words
    ranked: list[tuple[int, int, tuple[str, str, int], Candidate]] = []
    # (the query keeps trailing affixes here: "Acme Corp" is no prefix of "Acme Digital")
    word_start = " " + q.lead
    for c, k in keyed:
        if (
            k.full.startswith(q.full)
            or k.lead.startswith(q.lead)
            or k.full_compact.startswith(q.full_compact)
            or k.lead_compact.startswith(q.lead_compact)
        ):
            ranked.append((0, len(k.core), _order(c), c))
        elif word_start in " " + k.full:
            ranked.append((1, len(k.core), _order(c), c))
    if ranked:
        return MatchResult(
            matches=[r[-1] for r in sorted(ranked, key=lambda r: r[:3])], tier=PREFIX
        )

    # 3. small typos, against the whole name or the start of it
    budget = typo_budget(q.core)
    if budget:
        n = len(q.lead)
        for c, k in keyed:
            pairs = [(q.core, k.core), (q.full, k.full)]
            if n >= 4 and len(k.lead) >= n:
                pairs.append((q.lead, k.lead[:n]))
            found = [d for a, b in pairs if (d := _distance_within(a, b, budget)) is not None]
            if found:
                ranked.append((min(found), abs(len(k.core) - n), _order(c), c))
        if ranked:
            return MatchResult(
                matches=[r[-1] for r in sorted(ranked, key=lambda r: r[:3])], tier=TYPO
            )

    return MatchResult(suggestions=_closest(q, keyed))


def _closest(q: _Keys, keyed: list[tuple[Candidate, _Keys]]) -> list[Candidate]:
    """The names most similar to the query (rapidfuzz's ratio, with and without affixes),
    at least ``SUGGESTION_CUTOFF``, best first."""
    scored: list[tuple[float, int, tuple[str, str, int], Candidate]] = []
    for c, k in keyed:
        best = max(
            fuzz.ratio(q.core, k.core, score_cutoff=SUGGESTION_CUTOFF),
            fuzz.ratio(q.full, k.full, score_cutoff=SUGGESTION_CUTOFF),
        )
        if best:
            scored.append((-best, len(k.core), _order(c), c))
    scored.sort(key=lambda s: s[:3])
    return [s[-1] for s in scored[:MAX_SUGGESTIONS]]


# --- asking the database: the keys a deal stores, and what a query looks for --------------

#: Legal forms that may stand before a name: a typed "maju" starts "PT Maju Jaya".
LEADING_AFFIXES = tuple(sorted(_AFFIXES_EITHER_END))


@dataclass(frozen=True)
class NameKeys:
    """What a deal stores to be found through indexes: ``key`` (:func:`normalise`, for
    duplicates and exact lookups), ``folded`` (:func:`fold`, for the fuzzy index and word
    starts) and ``compact`` (``folded`` without spaces, for exact and prefix lookups)."""

    key: str
    folded: str
    compact: str


def name_keys(name: str) -> NameKeys:
    folded = fold(name)
    return NameKeys(normalise(name), folded, folded.replace(" ", ""))


@dataclass(frozen=True)
class Lookup:
    """What to ask the database for the deals a query may name (a superset of the deals
    :func:`match_names` would pick, best ones first, which it then decides among):

    - ``compact`` / ``key``: exact — the stored ``compact`` equal to one of ``compact``, or
      the stored ``key`` equal to ``key``;
    - ``prefixes``: the stored ``compact`` starting with one of these (the query with or
      without its affixes, after a leading legal form or not);
    - ``word_start``: a word of the stored ``folded`` starting with this;
    - ``fuzzy``: the text to compare by similarity (the fuzzy index), and ``budget`` the
      edits a typo may have; ``starts``: two-letter starts of the name (as typed, and with
      its first two letters swapped) for the short queries the fuzzy index misses.
    """

    compact: tuple[str, ...]
    key: str
    prefixes: tuple[str, ...]
    word_start: str
    fuzzy: str
    budget: int
    starts: tuple[str, ...]


def plan_lookup(query: str) -> Lookup | None:
    """The lookups for ``query``; ``None`` when it has no letter or digit to look for."""
    q = _keys(query)
    if not q.full:
        return None
    heads = dict.fromkeys((q.full_compact, q.lead_compact, q.core_compact))
    prefixes = dict.fromkeys(a + h for h in heads for a in ("", *LEADING_AFFIXES))
    start = q.lead_compact[:2]
    starts = dict.fromkeys(a + s for s in (start, start[::-1]) for a in ("", *LEADING_AFFIXES))
    return Lookup(
        compact=tuple(dict.fromkeys((q.full_compact, q.lead_compact))),
        key=q.core,
        prefixes=tuple(prefixes),
        word_start=q.lead,
        fuzzy=q.full,
        budget=typo_budget(q.core),
        starts=tuple(starts) if len(start) == 2 else (),
    )


# --- short vocabularies (stages, reasons, roles) ------------------------------------------


def lookup_term(
    text: str, entries: Sequence[tuple[T, Sequence[Sequence[str]]]], *, min_prefix: int = 2
) -> list[T]:
    """Which entries ``text`` names, comparing folded words (see :func:`fold`).

    Each entry is ``(item, tiers)``, where ``tiers`` are groups of terms in priority order
    (for instance names, then keys, then aliases). The first tier in which some entry's
    term equals the text decides; otherwise every entry with a term starting with the text
    (of at least ``min_prefix`` characters). One item: found; several: ambiguous (in entry
    order); none: unknown.
    """
    wanted = fold(text)
    if not wanted:
        return []
    depth = max((len(tiers) for _, tiers in entries), default=0)
    for level in range(depth):
        hits = [
            item
            for item, tiers in entries
            if level < len(tiers) and any(fold(term) == wanted for term in tiers[level])
        ]
        if hits:
            return hits
    if len(wanted) < min_prefix:
        return []
    return [
        item
        for item, tiers in entries
        if any(fold(term).startswith(wanted) for terms in tiers for term in terms)
    ]


# --- command text -------------------------------------------------------------------------

_CLOSING_QUOTES = {'"': '"”', "“": '”"', "”": '”"', "„": '“”"'}


def split_command(text: str, keywords: Sequence[str]) -> tuple[str, str | None, str]:
    """Split command text into ``(deal_text, keyword, rest)``.

    The keyword is the first whole word (case-insensitive) equal to one of ``keywords``
    that has some text before it; ``keyword`` comes back spelt as in ``keywords``::

        "Acme Corp to negotiation"       → ("Acme Corp", "to", "negotiation")
        "acme won"                       → ("acme", "won", "")
        "acme lost price too expensive"  → ("acme", "lost", "price too expensive")
        "acme"                           → ("acme", None, "")

    A deal whose name contains one of the keywords (e.g. "to") must be quoted; the word
    right after the closing quote is then the keyword::

        '"Back to School Ltd" to closing' → ("Back to School Ltd", "to", "closing")

    Straight and curly double quotes both work. ``rest`` keeps the user's own spacing.
    """
    by_fold = {k.casefold(): k for k in keywords}
    text = text.strip()
    if text[:1] in _CLOSING_QUOTES:
        end = next((i for i, ch in enumerate(text) if i and ch in _CLOSING_QUOTES[text[0]]), -1)
        if end > 0:
            name, after = text[1:end].strip(), text[end + 1 :].strip()
            head, *tail = after.split(maxsplit=1) or [""]
            if head.casefold() in by_fold:
                return name, by_fold[head.casefold()], tail[0] if tail else ""
            return name, None, after
        text = text[1:].strip()  # an unclosed quote: read the text as if unquoted
    for m in re.finditer(r"\S+", text):
        word = m.group().casefold()
        if m.start() > 0 and word in by_fold:
            return text[: m.start()].strip(), by_fold[word], text[m.end() :].strip()
    return text, None, ""
