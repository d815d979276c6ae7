"""The bench's cases, each measured against a baseline in the same run, interleaved with it
(baseline, measured, baseline, measured …), on one database (SQLite or PostgreSQL):

- ``throughput``: the load mix from a separate process (``bench.load``) against the real
  app, and against a bare Bolt app on the same server settings (baseline);
- ``lookups``: ``/advance <exact name>``, ``/advance <typo>`` and ``/pipeline team`` over the
  big database, against the same request over the small one (baseline);
- ``digest``: building the digest over the big database, against ``SELECT count(*)`` of its
  open deals (baseline); peak memory against the same build over the small database;
- ``fanout``: ``channels`` subscriptions due in the same minute, posted by the running
  scheduler with Slack's 1 message a second per channel enforced, against the rate-limit
  minimum (every channel just had a message, so none can take the digest within a second);
- ``matching``: ``match_names`` over 5,000 names, against a ``dict`` lookup.

Each returns a plain dict (JSON-able) that ``bench.report`` turns into docs/PERFORMANCE.md.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy import func, select

from bench import seed
from bench.load import percentile, spawn
from bench.serve import SECRET, TOKEN, serve_app, serve_bare
from bot import ids
from bot.core.matching import Candidate, match_names
from handlers.jobs import METADATA_EVENT
from slackkit import FakeSlack, SlackClient
from storage.db import Database
from storage.models import Deal

#: the seeded pipeline's clock (``bench.seed``): the digest is built for this morning
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _ms(seconds: float) -> float:
    return seconds * 1000


def _stats(times: list[float]) -> dict:
    return {
        "median": _ms(statistics.median(times)),
        "p99": _ms(percentile(times, 99)),
        "n": len(times),
    }


# --- throughput ------------------------------------------------------------------------------


def throughput(fake: FakeSlack, url: str, *, rounds: int, seconds: float, clients: int) -> dict:
    """req/s and p99 of the load mix on the app and on the bare app, A B A B …"""
    fake.response_url_uses = 10**9  # one response_url for every request of the load
    response_url = fake.new_response_url(team_id="T1", channel_id="C1", user_id="U1")
    db = Database(url)
    with db.read() as s:
        names = list(s.scalars(select(Deal.name).where(Deal.status == "open").limit(50)))
    db.dispose()
    runs: dict[str, list[dict]] = {"bare": [], "app": []}
    with serve_bare(fake, url) as bare, serve_app(fake, url) as app:
        for _ in range(rounds):
            for label, served in (("bare", bare), ("app", app)):
                runs[label].append(
                    spawn(
                        served.events,
                        SECRET,
                        clients=clients,
                        seconds=seconds,
                        warmup=min(1.0, seconds / 2),
                        names=names,
                        response_url=response_url,
                    )
                )

    def med(label: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[label])

    return {
        "clients": clients,
        "rounds": rounds,
        "seconds": seconds,
        "app_rps": med("app", "rps"),
        "bare_rps": med("bare", "rps"),
        "app_p99": med("app", "p99"),
        "bare_p99": med("bare", "p99"),
        "app_p50": med("app", "p50"),
        "bare_p50": med("bare", "p50"),
        "errors": sum(r["errors"] for rs in runs.values() for r in rs),
        "error_sample": next((r["error_sample"] for r in runs["app"] if r["error_sample"]), None),
        "by_command": {
            kind: {
                "rps": statistics.median(r["by_command"][kind]["rps"] for r in runs["app"]),
                "p99": statistics.median(r["by_command"][kind]["p99"] for r in runs["app"]),
            }
            for kind in runs["app"][0]["by_command"]
        },
        "runs": runs,
    }


# --- lookups ---------------------------------------------------------------------------------

LOOKUP_CASES = {
    "advance_exact": (ids.CMD_ADVANCE, seed.TARGET),
    "advance_typo": (ids.CMD_ADVANCE, seed.TYPO),
    "pipeline_team": (ids.CMD_PIPELINE, "team"),
}


def lookups(fake: FakeSlack, small_url: str, big_url: str, *, n: int) -> dict:
    """Each case's ack time over the big database, interleaved with the same request over
    the small one (one client: the latency a user sees, not a queue)."""
    out = {}
    with serve_app(fake, small_url) as small, serve_app(fake, big_url) as big:
        clients = {
            "small": SlackClient(small.events, SECRET, fake),
            "big": SlackClient(big.events, SECRET, fake),
        }
        for case, (command, text) in LOOKUP_CASES.items():
            times: dict[str, list[float]] = {"small": [], "big": []}
            for i in range(n + 2):  # the first two of each warm the caches
                for label, client in clients.items():
                    resp = client.command(command, text)
                    assert resp.status == 200, (case, label, resp.status, resp.text[:200])
                    if i >= 2:
                        times[label].append(resp.elapsed)
            small_s, big_s = _stats(times["small"]), _stats(times["big"])
            out[case] = {
                "small": small_s,
                "big": big_s,
                "ratio": big_s["median"] / small_s["median"],
            }
    return out


# --- digest ----------------------------------------------------------------------------------


def _build(db: Database) -> None:
    from bot.core.i18n import Translator
    from bot.usecases.checklists import completion
    from bot.usecases.digest import gather_digest
    from handlers.ui import digest as ui

    with db.read() as s:
        content = gather_digest(
            s,
            team_id=seed.TEAM,
            now=NOW,
            since=NOW - timedelta(days=1),
            until=NOW,
            tz="Asia/Jakarta",
            completion=completion,
        )
    ui.digest_message(Translator("en"), content, locale="en")


def _count_open(db: Database) -> None:
    with db.read() as s:
        s.scalar(
            select(func.count())
            .select_from(Deal)
            .where(Deal.team_id == seed.TEAM, Deal.status == "open")
        )


def _peak_kib(db: Database) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        _build(db)
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


def digest(small_url: str, big_url: str, *, repeats: int) -> dict:
    """The digest build (every SQL aggregate, the lists, the Block Kit message) over the big
    database, interleaved with ``SELECT count(*)`` of its open deals; then the peak Python
    allocations of one build over the small and the big database (warm)."""
    small, big = Database(small_url), Database(big_url)
    try:
        _build(small), _build(big)  # warm: imports, caches, the database's pages
        base_t, build_t = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            _count_open(big)
            base_t.append(time.perf_counter() - start)
            start = time.perf_counter()
            _build(big)
            build_t.append(time.perf_counter() - start)
        peaks = {"small": _peak_kib(small), "big": _peak_kib(big)}
    finally:
        small.dispose(), big.dispose()
    build, base = _stats(build_t), _stats(base_t)
    return {
        "build": build,
        "count": base,
        "ratio": build["median"] / base["median"],
        "peak_small_kib": peaks["small"],
        "peak_big_kib": peaks["big"],
        "peak_ratio": peaks["big"] / peaks["small"],
    }


# --- fan-out ---------------------------------------------------------------------------------


def _subscribe(db: Database, channels: list[str], at: str, now: datetime) -> None:
    from storage import digests as store

    with db.transaction() as s:
        for channel in channels:
            store.save_subscription(
                session=s,
                team_id=seed.TEAM,
                channel_id=channel,
                at=at,
                tz="Asia/Jakarta",
                weekdays="mon,tue,wed,thu,fri,sat,sun",
                owners=[],
                locale="en",
                by="U1",
                now=now,
            )


def _digest_posts(fake: FakeSlack) -> list:
    return [
        c
        for c in fake.calls_to("chat.postMessage")
        if not c.failed and (c.params.get("metadata") or {}).get("event_type") == METADATA_EVENT
    ]


def fanout(fake: FakeSlack, url: str, *, channels: int, timeout: float = 240.0) -> dict:
    """``channels`` subscriptions due in the same minute; the scheduler starts and catches up
    on all of them. Every channel had a message just before (the per-channel limit binds:
    the earliest Slack accepts each digest is a second after it). Measured: the time from
    the start until the last digest was accepted; baseline: that earliest time."""
    names = [f"CB{i:04d}" for i in range(channels)]
    for channel in names:
        fake.join_channel(channel)
    local = datetime.now(ZoneInfo("Asia/Jakarta")) - timedelta(minutes=1)
    with serve_app(fake, url) as served:
        db = served.services.db
        _subscribe(db, names, local.strftime("%H:%M"), datetime.now(UTC) - timedelta(days=2))
        fake.rate_limit("chat.postMessage", 1.0)  # Slack: 1 message a second per channel
        web = WebClient(token=TOKEN, base_url=fake.base_url)
        for channel in names:
            web.chat_postMessage(channel=channel, text="Standup in 5")
        last_other = max(c.at for c in fake.calls_to("chat.postMessage"))
        start = time.time()
        served.services.scheduler.start()
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if len({c.params.get("channel") for c in _digest_posts(fake)}) >= channels:
                    break
                time.sleep(0.05)
            time.sleep(0.5)  # a second copy, if any, would come now
        finally:
            served.services.scheduler.shutdown(wait=False)
        fake.rate_limit("chat.postMessage", None)
        posts = _digest_posts(fake)
    per_channel = {c: 0 for c in names}
    for call in posts:
        per_channel[call.params.get("channel")] = per_channel.get(call.params.get("channel"), 0) + 1
    refused = [
        c
        for c in fake.calls_to("chat.postMessage")
        if c.failed and c.params.get("channel") in per_channel
    ]
    minimum = max(last_other + 1.0 - start, 1.0)
    last = max((c.at for c in posts), default=start + timeout) - start
    return {
        "channels": channels,
        "posted_once": sum(1 for v in per_channel.values() if v == 1),
        "missing": sum(1 for v in per_channel.values() if v == 0),
        "duplicates": sum(1 for v in per_channel.values() if v > 1),
        "refused_429": len(refused),
        "last_s": last,
        "first_s": min((c.at for c in posts), default=start) - start,
        "minimum_s": minimum,
        "ratio": last / minimum,
    }


# --- matching --------------------------------------------------------------------------------


def matching(names: int, repeats: int) -> list[dict]:
    """``match_names`` over ``names`` names (two sets: diverse, and near-identical — the
    worst case), against a ``dict`` lookup of the exact name, interleaved."""
    import random

    rnd = random.Random(7)
    diverse = [seed.deal_name(rnd) for _ in range(names)]
    sets = {
        "diverse": (
            diverse,
            {
                "exact": diverse[names // 2],
                "prefix": diverse[names // 2][:6],
                "typo": diverse[names // 2][:-3] + diverse[names // 2][-2:],
                "no match": "Zebra Lgx",
            },
        ),
        "near-identical": (
            [f"PT Company {i:05d} Jaya" for i in range(names)],
            {
                "exact": f"PT Company {names // 2:05d} Jaya",
                "prefix": f"Company {names // 2:05d}"[:-1],
                "typo": f"PT Compnay {names // 2:05d} Jaya",
                "no match": "Zebra Logistics",
            },
        ),
    }
    out = []
    for set_name, (all_names, queries) in sets.items():
        cands = [Candidate(id=i, name=n) for i, n in enumerate(all_names)]
        exact = {c.name: c for c in cands}
        for label, q in queries.items():
            base_t, case_t = [], []
            for _ in range(repeats):
                start = time.perf_counter()
                exact.get(q)
                base_t.append(time.perf_counter() - start)
                start = time.perf_counter()
                match_names(q, cands)
                case_t.append(time.perf_counter() - start)
            out.append(
                {
                    "query": f"{set_name}: {label}",
                    "median_ms": _ms(statistics.median(case_t)),
                    "ratio": statistics.median(case_t) / max(statistics.median(base_t), 1e-9),
                }
            )
    return out
