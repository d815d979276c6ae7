"""Finding deals by name through the database's indexes.

``match_deals`` answers "which deal did the user mean by this text?" the way
``bot.core.matching.match_names`` does over every deal of the workspace, but asks the
database only for the few candidates each tier can pick, through indexes:

1. exact — the B-trees on ``(team_id, name_compact)`` and ``(team_id, name_key)``;
2. prefix — the same B-tree as a range (``LIKE 'x%'`` on PostgreSQL's ``text_pattern_ops``,
   ``GLOB 'x*'`` on SQLite); word starts through the trigram index below;
3. typos and suggestions — the database's trigram index: PostgreSQL's ``pg_trgm`` GIN index
   on ``name_fold`` (``%`` and ``%>``, most similar first), SQLite's FTS5 ``trigram`` table
   ``deal_fts`` (the names sharing most of the query's rarer trigrams). Trigrams miss short
   or transposed queries (``acem`` shares no trigram with ``acme``), so for a query of up
   to seven letters the names starting with its first two letters, as typed or swapped,
   are added too: at most ``FALLBACK``, the closest lengths first. A workspace of at most
   ``FEW`` deals is simply matched against all of them from this tier on.

Each tier's candidates are capped (``POOL``, ``FUZZY``, ``FALLBACK``), and ``match_names``
(rapidfuzz) decides among them: the first tier with a hit wins, as over every deal.

``deal_fts`` holds each folded name with its words padded the way ``pg_trgm`` pads them
(two spaces before a word, one after: :func:`padded`), so a word's start is a trigram on
both databases. The migration ``0008_lookups`` makes it and the triggers that keep it in
step with ``deal``; the FTS5 index covers every workspace (a small workspace's query still
reads the postings of the big ones: ``FTS_ROWS`` bounds how many).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from sqlalchemy import and_, func, or_, text
from sqlmodel import Session, col, select

from bot.core.matching import (
    EXACT,
    PREFIX,
    Candidate,
    Lookup,
    MatchResult,
    match_names,
    plan_lookup,
)
from storage.db import exists
from storage.metrics import live
from storage.models import Deal

POOL = 200  # exact and prefix candidates (and as many word starts)
FUZZY = 50  # candidates from the trigram index
FALLBACK = 300  # candidates by their first two letters, for what trigrams miss
FEW = 2_000  # up to this many deals, typos and suggestions are looked for among all of them
FTS_ROWS = 20_000  # index rows read to rank names by shared trigrams (SQLite)


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def padded(folded: str) -> str:
    """``"pt maju"`` → ``"  pt  maju "``: each word with pg_trgm's padding, so that the
    trigrams of a word's start (``"  m"``, ``" ma"``) exist on SQLite as on PostgreSQL."""
    return "".join(f"  {w}" for w in folded.split()) + " "


def trigrams(folded: str) -> list[str]:
    """The distinct trigrams of a padded folded text, in order."""
    p = padded(folded)
    return list(dict.fromkeys(p[i : i + 3] for i in range(len(p) - 2)))


def _phrase(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _starts_with(session: Session, column, prefixes: Iterable[str]):
    """``column`` starts with one of ``prefixes`` (an index range on either database;
    folded keys hold letters, digits and spaces only, never a wildcard)."""
    if is_sqlite(session):
        return or_(*(column.op("GLOB")(p + "*") for p in prefixes))
    return or_(*(column.like(p + "%") for p in prefixes))


def _candidates(session: Session, team_id: str, status: str | None, where, order, limit: int):
    q = select(Deal.id, Deal.name).where(Deal.team_id == team_id, live(), where)
    if status:
        q = q.where(Deal.status == status)
    return [Candidate(i, n) for i, n in session.exec(q.order_by(*order).limit(limit)).all()]


def _exact(session, team_id, status, plan: Lookup) -> list[Candidate]:
    where = or_(col(Deal.name_compact).in_(plan.compact), Deal.name_key == plan.key)
    return _candidates(session, team_id, status, where, (Deal.id,), POOL)


def _shortest_first():
    return (func.length(Deal.name_key), Deal.name_fold, Deal.id)


def _prefixed(session, team_id, status, plan: Lookup) -> list[Candidate]:
    where = _starts_with(session, Deal.name_compact, plan.prefixes)
    return _candidates(session, team_id, status, where, _shortest_first(), POOL)


def _fts_ids(match: str):
    """Deal ids whose padded name matches the FTS5 query ``match`` (SQLite)."""
    return text("SELECT rowid FROM deal_fts WHERE deal_fts MATCH :m").bindparams(m=match)


def _word_starts(session, team_id, status, plan: Lookup) -> list[Candidate]:
    """Names with a later word starting with the query (the first word is a prefix)."""
    if is_sqlite(session):
        where = col(Deal.id).in_(_fts_ids(_phrase(padded(plan.word_start).rstrip())))
    else:
        where = Deal.name_fold.like("% " + plan.word_start + "%")
    return _candidates(session, team_id, status, where, _shortest_first(), POOL)


def _fuzzy(session, team_id, status, plan: Lookup) -> list[Candidate]:
    """The names most alike by trigrams (the database's fuzzy index)."""
    if is_sqlite(session):
        return _fuzzy_fts(session, team_id, status, plan)
    alike = func.greatest(
        func.similarity(Deal.name_fold, plan.fuzzy),
        func.word_similarity(plan.fuzzy, Deal.name_fold),
    )
    where = or_(Deal.name_fold.op("%")(plan.fuzzy), Deal.name_fold.op("%>")(plan.fuzzy))
    return _candidates(session, team_id, status, where, (alike.desc(), Deal.id), FUZZY)


def _rare_trigrams(session: Session, grams: list[str]) -> dict[str, int]:
    """Of ``grams``, the rarest ones in ``deal_fts`` (``{trigram: names with it}``), as many
    as keep the rows to read under ``FTS_ROWS`` (at least the rarest one): FTS5's own ranking
    (bm25) over every name sharing a common trigram costs seconds at 200,000 deals."""
    session.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.deal_fts_vocab"
            " USING fts5vocab(main, 'deal_fts', 'row')"
        )
    )
    params = {f"g{i}": g for i, g in enumerate(grams)}
    q = text(
        "SELECT term, doc FROM temp.deal_fts_vocab WHERE term IN ("
        + ", ".join(f":{k}" for k in params)
        + ")"
    ).bindparams(**params)
    chosen, rows = {}, 0
    for gram, docs in sorted(session.execute(q).all(), key=lambda r: (r[1], r[0])):
        if chosen and rows + docs > FTS_ROWS:
            break
        chosen[gram], rows = docs, rows + docs
    return chosen


def _fuzzy_fts(session, team_id, status, plan: Lookup) -> list[Candidate]:
    """SQLite: the names sharing the most of the query's rarer trigrams, each weighted by
    how rare it is."""
    grams = _rare_trigrams(session, trigrams(plan.fuzzy))
    if not grams:
        return []
    total = sum(grams.values())
    params: dict[str, object] = {"t": team_id, "n": FUZZY, "s": status or ""}
    parts = []
    for i, (gram, docs) in enumerate(grams.items()):
        params[f"g{i}"], params[f"w{i}"] = _phrase(gram), 1 + math.log(total / docs)
        parts.append(f"SELECT rowid AS id, :w{i} AS w FROM deal_fts WHERE deal_fts MATCH :g{i}")
    q = text(
        "SELECT d.id, d.name FROM (SELECT id, sum(w) AS score FROM ("
        + " UNION ALL ".join(parts)
        + ") GROUP BY id) AS g JOIN deal AS d ON d.id = g.id"
        " WHERE d.team_id = :t AND d.deleted_at IS NULL AND (:s = '' OR d.status = :s)"
        " ORDER BY g.score DESC, d.id LIMIT :n"
    ).bindparams(**params)
    return [Candidate(i, n) for i, n in session.execute(q).all()]


def _by_first_letters(session, team_id, status, plan: Lookup) -> list[Candidate]:
    """The bounded fallback: names starting with the query's first two letters (or those
    two swapped), the lengths closest to the query's first."""
    if not plan.starts:
        return []
    where = _starts_with(session, Deal.name_compact, plan.starts)
    near = func.abs(func.length(Deal.name_key) - len(plan.word_start))
    return _candidates(session, team_id, status, where, (near, Deal.id), FALLBACK)


def _count_upto(session: Session, team_id: str, status: str | None, most: int) -> int:
    """How many live deals (of ``status``) the workspace has, counting no further than
    ``most`` (an index-only count of at most ``most`` rows, not a load of their names)."""
    q = select(Deal.id).where(Deal.team_id == team_id, live())
    if status:
        q = q.where(Deal.status == status)
    return session.exec(select(func.count()).select_from(q.limit(most).subquery())).one()


def _all_if_few(session: Session, team_id: str, status: str | None) -> list[Candidate] | None:
    """Every name when there are at most ``FEW`` (``None`` when there are more: counted
    first, so a big workspace loads none)."""
    if _count_upto(session, team_id, status, FEW + 1) > FEW:
        return None
    return _candidates(session, team_id, status, True, (Deal.id,), FEW)


def _any_with_status(session: Session, team_id: str, status: str) -> bool:
    return exists(session, select(Deal.id).where(Deal.team_id == team_id, Deal.status == status))


def match_deals(
    *, session: Session, team_id: str, text: str, status: str | None = None
) -> MatchResult:
    """The deal(s) ``text`` names among the workspace's deals (of ``status``, unless it has
    none of that status): ``match_names`` over the candidates the indexes give, tier by
    tier (module docstring)."""
    plan = plan_lookup(text)
    if plan is None:
        return MatchResult()
    if status and not _any_with_status(session, team_id, status):
        status = None
    pool: dict[int, Candidate] = {}

    def decide(*found: list[Candidate]) -> MatchResult:
        for cands in found:
            pool.update((c.id, c) for c in cands)
        return match_names(text, list(pool.values()))

    result = decide(_exact(session, team_id, status, plan))
    if result.tier == EXACT:
        return result
    prefixed = _prefixed(session, team_id, status, plan)
    words = _word_starts(session, team_id, status, plan) if len(prefixed) < POOL else []
    result = decide(prefixed, words)
    if result.tier in (EXACT, PREFIX):
        return result
    few = _all_if_few(session, team_id, status)
    if few is not None:  # a small workspace: every name, as cheap as the indexes
        return decide(few)
    fuzzy = _fuzzy(session, team_id, status, plan)
    # Trigrams rarely miss a typo in a name of eight letters or more (two edits allowed).
    fallback = _by_first_letters(session, team_id, status, plan) if plan.budget == 1 else []
    return decide(fuzzy, fallback)


def exact_match(*, session: Session, team_id: str, text: str) -> Candidate | None:
    """The deal named exactly ``text`` (as ``match_names`` compares names), through the
    normalised-name index alone: for a hint, never worth a typo search."""
    plan = plan_lookup(text)
    if plan is None:
        return None
    result = match_names(text, _exact(session, team_id, None, plan))
    return result.exact if result.tier == EXACT else None


def contains_words(session: Session, words: list[str]):
    """Deals whose folded name contains each of ``words`` (a word under three letters: a
    word of the name starts with it), through the trigram index."""
    if is_sqlite(session):
        parts = [_phrase(w if len(w) >= 3 else "  " + w) for w in words]
        return col(Deal.id).in_(_fts_ids(" AND ".join(parts)))
    return and_(
        *(
            Deal.name_fold.like(f"%{w}%")
            if len(w) >= 3
            else or_(Deal.name_fold.like(f"{w}%"), Deal.name_fold.like(f"% {w}%"))
            for w in words
        )
    )
