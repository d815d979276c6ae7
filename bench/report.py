"""docs/PERFORMANCE.md from one run's results (``bench.measure``): the issue's table with the
measured figure, its baseline from the same run, the ratio and whether the target is met;
for a missed target, why and what would meet it; then the details of each case."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    key: str  # what the "why missed" note is about
    what: str
    database: str
    measured: str
    baseline: str
    ratio: str
    target: str
    met: bool


def _x(value: float) -> str:
    return f"{value:.2f}×"


def rows(results: dict) -> Iterator[Row]:
    """Every row of the issue's table, per database, in the table's order."""
    for d in results["databases"]:
        db, small, big = d["database"], f"{d['small']:,}", f"{d['big']:,}"
        if t := d.get("throughput"):
            ratio = t["app_rps"] / t["bare_rps"]
            yield Row(
                "throughput",
                f"throughput, {t['clients']} clients, mix (req/s)",
                db,
                f"{t['app_rps']:.1f}",
                f"bare Bolt {t['bare_rps']:.1f}",
                _x(ratio),
                "≥ 0.5×",
                ratio >= 0.5,
            )
            ratio = t["app_p99"] / t["bare_p99"]
            yield Row(
                "p99",
                "p99 under that load (ms)",
                db,
                f"{t['app_p99']:.0f}",
                f"bare Bolt {t['bare_p99']:.0f}",
                _x(ratio),
                "≤ 3×",
                ratio <= 3,
            )
        for case, label, most in (
            ("advance_exact", "`/advance <exact name>`", 1.3),
            ("advance_typo", "`/advance <typo>`", 1.3),
            ("pipeline_team", "`/pipeline team`", 3.0),
        ):
            if c := d.get("lookups", {}).get(case):
                b, s = c["big"], c["small"]
                yield Row(
                    case,
                    f"{label} {small} → {big} deals (median / p99 ms)",
                    db,
                    f"{b['median']:.0f} / {b['p99']:.0f}",
                    f"{small} deals {s['median']:.0f} / {s['p99']:.0f}",
                    _x(c["ratio"]),
                    f"ratio ≤ {most:g}, p99 < 300 ms",
                    c["ratio"] <= most and b["p99"] < 300,
                )
        if g := d.get("digest"):
            limit = 1000 if db == "SQLite" else 300
            yield Row(
                "digest",
                f"digest build at {big} deals (median ms)",
                db,
                f"{g['build']['median']:.0f}",
                f"`count(*)` {g['count']['median']:.1f}",
                _x(g["ratio"]),
                f"≤ {limit / 1000:g} s",
                g["build"]["median"] <= limit,
            )
            yield Row(
                "memory",
                f"digest build, peak Python memory (KiB), {small} → {big}",
                db,
                f"{g['peak_big_kib']:,.0f}",
                f"{small} deals {g['peak_small_kib']:,.0f}",
                _x(g["peak_ratio"]),
                "flat (≤ 1.5×)",
                g["peak_ratio"] <= 1.5,
            )
        if f := d.get("fanout"):
            once = f["posted_once"] == f["channels"]
            yield Row(
                "fanout",
                f"{f['channels']} channels due the same minute: last message (s)",
                db,
                f"{f['last_s']:.1f} ({f['posted_once']}/{f['channels']} posted once)",
                f"rate-limit minimum {f['minimum_s']:.1f}",
                _x(f["ratio"]),
                "all once, ≤ 3×",
                once and f["ratio"] <= 3,
            )


WHY = {
    "throughput": (
        "One process serves every request: waitress's 8 threads share one interpreter, and "
        "each command is some 30–60 ms of Python (Bolt's parsing, the middleware's actor, "
        "locale and profile, the use case, SQLAlchemy, Babel, Block Kit) under the GIL, "
        "while the bare app's listener does nothing — so the ratio is the cost of the work "
        "itself, not of a queue. (One waste the profile showed is gone: the user's timezone "
        "was checked against `zoneinfo.available_timezones()`, which walks tzdata — about a "
        "fifth of a command; it is a cached set now.) "
        "What would meet the target: several processes — `python -m bot web` runs `WORKERS` "
        "gunicorn processes (and `python -m bot worker` the scheduler) on PostgreSQL, each "
        "with its own GIL, so throughput grows with the cores given; on SQLite the writes "
        "(quick add, `/advance`) also take turns on the file's one writer."
    ),
    "p99": (
        "The tail is queueing behind the others' Python work in one interpreter (see "
        "throughput): 16 clients, ~30 req/s of capacity. What would meet it: the same "
        "several web processes; Bolt's lazy listeners (ack first, work after) would shorten "
        "the ack itself, at the price of answering through `response_url`."
    ),
    "advance_exact": (
        "The exact tier is one B-tree lookup (about 1 ms at 200,000 deals); the rest of the "
        "request does not grow with the workspace, so a miss here is the machine's noise."
    ),
    "advance_typo": (
        "A typo misses the exact and prefix tiers, and at more than `FEW` (2,000) deals goes "
        "to the trigram index: on SQLite the FTS5 table, reading the postings of the "
        "query's rarest trigrams up to `FTS_ROWS` (20,000) rows and ranking them (about 60 ms "
        "of the ~110 ms lookup at 200,000 deals, against ~15 ms over 100 names); on "
        "PostgreSQL `pg_trgm`'s `%`/`%>` over the GIN index and a similarity sort. What would "
        "meet 1.3×: a smaller `FTS_ROWS` (fewer, rarer trigrams: cheaper, but a typo that "
        "hits them is then missed — to be checked against a corpus of real typos first), "
        "or a per-workspace trigram table so a big workspace reads only its own postings."
    ),
    "pipeline_team": (
        "What grows with the workspace is the totals (`storage.metrics.open_pipeline`, an "
        "index-only scan of all open deals). (The hint that asks whether a deal is *named* "
        '"team" now uses the exact-name index only; it ran the typo search, ~100 ms at '
        "200,000 deals.) What would meet it: totals kept per stage and currency as deals "
        "move (or cached for a few seconds per workspace) instead of summed per request."
    ),
    "digest": (
        "The biggest part is the stage conversion of the last 90 days' cohort "
        "(`storage.metrics.stage_conversion`), now one window pass over the cohort's moves "
        "(it was a correlated `EXISTS` per (deal, stage) entry, about three times slower); "
        "it still reads every move of the cohort, so a workspace whose deals are all recent "
        "takes longer (`python -m bench --parts digest --spread 60`); the stale-deals count "
        "(`list_stale`, an `OR` per stage) is next. What would meet it: a per-deal "
        '"furthest stage" kept as deals move, or the conversion computed once a day per '
        "workspace and shared by its digests, which already share one build per slot."
    ),
    "memory": "Peak memory grew with the deals: some query loads rows into Python.",
    "fanout": (
        "Slack's limit is not what takes the time: no post was refused (each channel gets "
        "one message, and its previous one was more than a second before). It is the app's "
        "work per post — a claim transaction, the post, the record of its answer — done by "
        "the scheduler's 10 threads in one interpreter, some 30–60 ms of Python each, and "
        "on SQLite every claim takes the one writer. What would meet it: the posts spread "
        "over several `python -m bot worker` processes on PostgreSQL (each claims channels "
        "of its own; the claims already make that safe), and fewer transactions per post."
    ),
}


def summary(results: dict) -> list[str]:
    out = [
        "| what | database | measured | baseline (same run) | ratio | target | met |",
        "| --- | --- | ---: | ---: | ---: | --- | :---: |",
    ]
    missed: dict[str, list[str]] = {}
    for r in rows(results):
        out.append(
            f"| {r.what} | {r.database} | {r.measured} | {r.baseline} | {r.ratio} "
            f"| {r.target} | {'yes' if r.met else '**no**'} |"
        )
        if not r.met:
            missed.setdefault(r.key, []).append(r.database)
    if missed:
        out += ["", "### Targets missed: why, and what would meet them", ""]
        for key, dbs in missed.items():
            out.append(f"- **{key}** ({', '.join(dbs)}): {WHY[key]}")
    return out


def details(results: dict) -> list[str]:
    out: list[str] = []
    for d in results["databases"]:
        db = d["database"]
        out += ["", f"### {db}", ""]
        if "seed_big_s" in d:
            out.append(
                f"Seeded {d['small']:,} and {d['big']:,} deals, created over the last "
                f"{d.get('spread', 60)} days, with their stage history (bulk insert) in "
                f"{d['seed_small_s'] + d['seed_big_s']:.0f} s."
            )
        if t := d.get("throughput"):
            out += [
                "",
                f"Load: {t['clients']} concurrent clients in a separate process, an equal mix "
                f"of quick add, `/advance <exact name>` and `/pipeline`; {t['rounds']} rounds "
                f"of {t['seconds']:g} s per app, bare and real alternating (medians of the "
                f"rounds; {t['errors']} errors).",
                "",
                "| app | req/s | p50 ms | p99 ms |",
                "| --- | ---: | ---: | ---: |",
                f"| bare Bolt (acks only) | {t['bare_rps']:.1f} | {t['bare_p50']:.0f} "
                f"| {t['bare_p99']:.0f} |",
                f"| Salespath | {t['app_rps']:.1f} | {t['app_p50']:.0f} | {t['app_p99']:.0f} |",
            ]
            for kind, c in t["by_command"].items():
                out.append(f"| — of which `{kind}` | {c['rps']:.1f} | | {c['p99']:.0f} |")
        if lk := d.get("lookups"):
            out += [
                "",
                "One client, the two databases' requests alternating; ack time as Slack sees it.",
                "",
                f"| request | {d['small']:,}: median / p99 ms | {d['big']:,}: median / p99 ms "
                "| ratio of medians |",
                "| --- | ---: | ---: | ---: |",
            ]
            for case, c in lk.items():
                out.append(
                    f"| {case} | {c['small']['median']:.1f} / {c['small']['p99']:.1f} "
                    f"| {c['big']['median']:.1f} / {c['big']['p99']:.1f} | {c['ratio']:.2f} |"
                )
        if g := d.get("digest"):
            out += [
                "",
                f"Digest build at {d['big']:,} deals: median {g['build']['median']:.0f} ms "
                f"(p99 {g['build']['p99']:.0f}), `SELECT count(*)` of the open deals "
                f"{g['count']['median']:.1f} ms, interleaved ({g['build']['n']} each). Peak "
                f"Python allocations of one build: {g['peak_small_kib']:,.0f} KiB at "
                f"{d['small']:,} deals, {g['peak_big_kib']:,.0f} KiB at {d['big']:,}.",
            ]
        if f := d.get("fanout"):
            out += [
                "",
                f"Fan-out: {f['channels']} subscriptions due the same minute, the scheduler "
                "started (it catches up on all of them), `chat.postMessage` limited to 1 a "
                "second per channel and every channel just had a message: first digest "
                f"after {f['first_s']:.1f} s, last after {f['last_s']:.1f} s (minimum "
                f"{f['minimum_s']:.1f} s); {f['posted_once']} channels posted once, "
                f"{f['missing']} missing, {f['duplicates']} twice; {f['refused_429']} posts "
                "answered 429 and posted again after Retry-After.",
            ]
    if m := results.get("matching"):
        out += [
            "",
            "### Deal-name matching (`bot.core.matching.match_names`, no database)",
            "",
            "| query | median ms | × dict lookup |",
            "| --- | ---: | ---: |",
        ]
        out += [f"| {q['query']} | {q['median_ms']:.2f} | {q['ratio']:,.0f} |" for q in m]
        out += [
            "",
            "Over every name of a workspace this is the worst case; the app asks the "
            "database's indexes for a few candidates per tier first (`storage.lookups`).",
        ]
    return out


HEAD = """# Performance

Measured with `make bench` (= `.venv/bin/python -m bench --write`), which runs the real app
on its own server (waitress, 8 threads) against the fake Slack on loopback, sends signed
requests like Slack, and rewrites this file. This machine is shared and noisy (2 cores), so
each figure comes with a **baseline measured in the same run, interleaved with it**
(baseline, measured, baseline, measured …), and the ratio is the number to compare across
runs:

- throughput and p99 → a bare Bolt app whose listeners only ack, on the same server settings,
  under the same load (16 concurrent clients in a separate process: quick add,
  `/advance <exact name>`, `/pipeline`);
- a request over 200,000 deals → the same request over 100 deals (a second app, its own
  database);
- the digest build → `SELECT count(*)` of the open deals in the same database; its memory →
  the same build over 100 deals;
- 300 digests → the rate-limit minimum (each channel just had a message and Slack takes one a
  second per channel).

Seeding is a bulk insert (`bench/seed.py`; PostgreSQL: `COPY`, then `ANALYZE` as autovacuum
would). SQLite analyzes itself when the app opens a database with deals
(`storage.db.refresh_statistics`, a bounded `ANALYZE`: 0.3 s at 200,000 deals): without
statistics the lookups behind `/advance` took 250 ms for an exact name and 600 ms for a
typo at 200,000 deals, against 2 ms and 80 ms with them (measured apart from `make bench`,
2026-11-30).
"""


FOOT = """
## Not measured by `make bench`

- PostgreSQL needs planner statistics: without them (this machine's server runs with
  `autovacuum = off`) stage conversion was planned as a nested loop over the workspace's
  whole `stage_move` index for every deal — minutes at 50,000 deals; migration 0007
  (`ix_stage_move_team_deal`) bounds that worst case. Keep autovacuum on (README,
  PostgreSQL); the bench runs `ANALYZE` after seeding, as autovacuum would.
- The digest's funnel chart (matplotlib, Agg) costs the same at any size, one bar per stage:
  130–180 ms (2026-11-23, the previous bench).
- `make test` on a warm `.venv`: 140–170 s for the whole suite on this machine, depending
  on its load; on a fresh clone, with the `.venv` install, 3 min 5 s (2026-11-23).
"""


def render(results: dict) -> str:
    lines = [
        HEAD,
        f"## Figures ({results['date']}, {results['profile']} profile)",
        "",
        f"Command: `{results['command']}` — every figure below, in one run of "
        f"{results['seconds'] / 60:.1f} min, while other work shared the machine.",
        "",
        *summary(results),
        "",
        "## Details",
        *details(results),
        FOOT,
    ]
    return "\n".join(lines)
