"""``python -m bench``: ack latency and memory, as ratios against a baseline in the same run.

The machine is shared and noisy, so every figure is paired with a baseline measured
in the same process, interleaved with the measured requests:
- latency baseline: ``GET /healthz`` on the same server (HTTP + WSGI + one ``SELECT 1``);
- matching baseline: a plain ``dict`` lookup of the exact name over the same candidates.
Runs the real app (waitress) against the fake Slack on loopback, SQLite in a temp dir.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import statistics
import sys
import tempfile
import time
import tracemalloc
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

from bot import ids
from bot.app import create_app
from bot.core.matching import Candidate, match_names
from bot.server import HttpServer
from bot.services import Services
from bot.settings import Settings
from slackkit import FakeSlack, SlackClient
from storage import stages as stage_store
from storage.migrate import upgrade
from tests.factories import make_deal

SECRET = "bench-secret"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def health(base: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(base + "/healthz", timeout=5) as resp:
        resp.read()
    return time.perf_counter() - start


def latency(n: int, deals: int) -> list[tuple[str, float, float, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp, FakeSlack(token="xoxb-bench") as fake:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        settings = Settings(
            _env_file=None,
            slack_bot_token="xoxb-bench",
            slack_signing_secret=SECRET,
            slack_api_url=fake.base_url,
            database_url=url,
        )
        services = Services.from_settings(settings)
        for i in range(deals):
            make_deal(
                services.db,
                name=f"Seed {i:05d}",
                value=1_000_000 + i,
                owner_id="U1" if i % 3 else "U2",
            )
        app = create_app(settings, services=services)
        server = HttpServer(app, services, host="127.0.0.1", port=0).start()
        base = f"http://127.0.0.1:{server.port}"
        slack = SlackClient(base + "/slack/events", SECRET, fake)
        slack.command(ids.CMD_PROSPECT, "help")  # warm caches (users.info, imports)
        cases = {
            "/prospect help": lambda i: slack.command(ids.CMD_PROSPECT, "help"),
            "/prospect quick add": lambda i: slack.command(
                ids.CMD_PROSPECT, f"Bench Co {i} 50jt referral"
            ),
            "/advance <deal>": lambda i: slack.command(ids.CMD_ADVANCE, f"Bench Co {i}"),
            "/pipeline (mine)": lambda i: slack.command(ids.CMD_PIPELINE, ""),
            f"/pipeline team ({deals} deals)": lambda i: slack.command(ids.CMD_PIPELINE, "team"),
        }
        # Modals: the time until the filled modal reaches Slack (views.open, then the
        # views.update that fills it), which must stay inside the trigger's 3 seconds.
        slack.command(ids.CMD_PROSPECT, "Modal Co 10jt")

        def opened(send, method: str):
            def run(i):
                fake.clear()
                sent = time.time()
                resp = send(i)
                [call] = fake.wait_for(method, timeout=10)
                resp.elapsed = call.at - sent
                return resp

            return run

        cases["/spin <deal>: filled modal"] = opened(
            lambda i: slack.command(ids.CMD_SPIN, "Modal Co"), "views.update"
        )
        cases["Log meeting shortcut: modal open"] = opened(
            lambda i: slack.global_shortcut(ids.SHORTCUT_LOG_MEETING), "views.open"
        )
        for name, fn in cases.items():
            base_t, case_t = [], []
            for i in range(n):
                base_t.append(health(base))
                resp = fn(i)
                assert resp.status == 200, (name, resp.status, resp.text[:200])
                case_t.append(resp.elapsed)
            rows.append(
                (
                    name,
                    statistics.median(case_t) * 1000,
                    pct(case_t, 95) * 1000,
                    statistics.median(case_t) / statistics.median(base_t),
                )
            )
        rows.insert(
            0,
            (
                "GET /healthz (baseline)",
                statistics.median(base_t) * 1000,
                pct(base_t, 95) * 1000,
                1.0,
            ),
        )
        server.stop()
        services.db.dispose()
    return rows


WORDS = (
    "Maju",
    "Jaya",
    "Sentosa",
    "Makmur",
    "Abadi",
    "Sejahtera",
    "Karya",
    "Mandiri",
    "Global",
    "Nusantara",
    "Digital",
    "Logistik",
    "Kopi",
    "Toko",
    "Sinar",
    "Mitra",
    "Utama",
    "Prima",
    "Bintang",
    "Indah",
    "Teknik",
    "Pangan",
    "Energi",
    "Solusi",
)


def names_diverse(n: int) -> list[str]:
    import random

    rnd = random.Random(7)
    return [f"PT {' '.join(rnd.sample(WORDS, 3))} {i}" for i in range(n)]


def matching(names: int, repeats: int) -> list[tuple[str, float, float]]:
    out = []
    sets = {
        "diverse": (
            names_diverse(names),
            {
                "exact": None,
                "prefix": "PT Maju Jaya",
                "typo": "Sentosa Makmru",
                "no match": "Zebra Lgx",
            },
        ),
        "near-identical": (
            [f"PT Company {i:05d} Jaya" for i in range(names)],
            {
                "exact": "PT Company 04321 Jaya",
                "prefix": "Company 0432",
                "typo": "PT Compnay 04321 Jaya",
                "no match": "Zebra Logistics",
            },
        ),
    }
    for set_name, (all_names, queries) in sets.items():
        cands = [Candidate(id=i, name=n) for i, n in enumerate(all_names)]
        exact = {c.name: c for c in cands}
        for label, q in queries.items():
            q = q or all_names[len(all_names) // 2]
            base_t, case_t = [], []
            for _ in range(repeats):
                start = time.perf_counter()
                exact.get(q)
                base_t.append(time.perf_counter() - start)
                start = time.perf_counter()
                match_names(q, cands)
                case_t.append(time.perf_counter() - start)
            out.append(
                (
                    f"{set_name}: {label}",
                    statistics.median(case_t) * 1000,
                    statistics.median(case_t) / max(statistics.median(base_t), 1e-9),
                )
            )
    return out


def memory(deals: int) -> tuple[float, float]:
    """Peak Python allocations (tracemalloc) to build /pipeline team over `deals` deals,
    against the peak of building it over 10 deals in the same run."""
    from unittest import mock

    from bot.core.i18n import Translator
    from handlers import flows

    peaks = []
    for count in (10, deals):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'mem.db'}"
            upgrade(url)
            settings = Settings(
                _env_file=None, slack_bot_token="xoxb-x", slack_signing_secret="s", database_url=url
            )
            services = Services.from_settings(settings)
            for i in range(count):
                make_deal(services.db, name=f"Mem {i:05d}", value=1000 + i)
            context = mock.MagicMock()
            context.__getitem__.side_effect = {
                "services": services,
                "t": Translator("en"),
            }.__getitem__
            context.get.return_value = None
            context.team_id, context.user_id = "T1", "U1"
            gc.collect()
            tracemalloc.start()
            flows.pipeline_of(context=context, team=True)
            peaks.append(tracemalloc.get_traced_memory()[1] / 1024)
            tracemalloc.stop()
            services.db.dispose()
    return peaks[0], peaks[1]


def seed_pipeline(db, deals: int, now) -> None:
    """``deals`` deals spread over the stages, a tenth closed (won or lost) in the
    last 30 days, in one transaction so that seeding 10,000 stays quick."""
    from datetime import timedelta
    from decimal import Decimal

    from bot.core.money import Money
    from storage import deals as store

    with db.transaction() as s:
        stages = stage_store.list_stages(session=s, team_id="T1")
        open_stages = [st for st in stages if st.kind == "open"]
        won = next(st for st in stages if st.kind == "won")
        lost = next(st for st in stages if st.kind == "lost")
        for i in range(deals):
            created = now - timedelta(days=1 + i % 60)
            deal = store.create_deal(
                session=s,
                team_id="T1",
                created_by="U1",
                now=created,
                new=store.NewDeal(
                    name=f"Digest {i:05d}",
                    owner_id=f"U{i % 7}",
                    value=Money(Decimal(1_000_000 + i), "IDR" if i % 5 else "USD"),
                ),
            )
            target = open_stages[i % len(open_stages)]
            if i % 10 == 0:
                target = won if i % 20 else lost
            if target.id != deal.stage_id:
                store.move_deal(
                    session=s,
                    team_id="T1",
                    deal=deal,
                    to_stage=target,
                    by="U1",
                    now=created + timedelta(hours=12),
                    lost_reason="price" if target is lost else None,
                )


@contextlib.contextmanager
def fresh_database(pg: str | None) -> Iterator[str]:
    """A migrated, empty database: SQLite in a temp dir, or a new database on the
    PostgreSQL server ``pg`` (dropped afterwards)."""
    if pg is None:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            upgrade(url)
            yield url
        return
    import psycopg

    name = "bench_" + uuid.uuid4().hex[:10]
    admin = pg.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = pg.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def digest(
    sizes: tuple[int, ...], repeats: int, pg: str | None = None, analyze: bool = True
) -> list[tuple[int, float, float, float, float]]:
    """Build the digest (SQL aggregates + lists), its Block Kit message and the funnel
    chart over each size; baseline: ``SELECT count(*)`` of the deals, same database."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import func
    from sqlmodel import select

    from bot.core.i18n import Translator
    from bot.usecases.checklists import completion as digest_completion
    from bot.usecases.digest import gather_digest
    from handlers.ui import chart
    from handlers.ui import digest as ui
    from storage.models import Deal

    t = Translator("en")
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    rows = []
    for size in sizes:
        with fresh_database(pg) as url:
            settings = Settings(
                _env_file=None, slack_bot_token="xoxb-x", slack_signing_secret="s", database_url=url
            )
            services = Services.from_settings(settings)
            seed_pipeline(services.db, size, now)
            if pg and analyze:  # what autovacuum does after a bulk load (it is off here)
                with services.db.engine.connect() as conn:
                    conn.exec_driver_sql("ANALYZE")
                    conn.commit()
            base_t, build_t, chart_t = [], [], []
            peak = 0.0
            for r in range(repeats):
                start = time.perf_counter()
                with services.db.read() as s:
                    s.exec(select(func.count()).select_from(Deal).where(Deal.team_id == "T1")).one()
                base_t.append(time.perf_counter() - start)
                if r == 1:  # warm: imports and caches done
                    gc.collect()
                    tracemalloc.start()
                start = time.perf_counter()
                with services.db.read() as s:
                    content = gather_digest(
                        s,
                        team_id="T1",
                        now=now,
                        since=now - timedelta(days=1),
                        until=now,
                        tz="Asia/Jakarta",
                        completion=digest_completion,
                    )
                ui.digest_message(t, content, locale="en")
                build_t.append(time.perf_counter() - start)
                if r == 1:  # warm: imports and caches done
                    peak = tracemalloc.get_traced_memory()[1] / 1024
                    tracemalloc.stop()
                start = time.perf_counter()
                chart.funnel_png(ui.funnel_rows(t, content, "en"), **ui.chart_titles(t, content))
                chart_t.append(time.perf_counter() - start)
            services.db.dispose()
        base = statistics.median(base_t)
        build = statistics.median(build_t)
        rows.append((size, build * 1000, build / base, statistics.median(chart_t) * 1000, peak))
    return rows


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("-n", type=int, default=40, help="requests per case")
    ap.add_argument("--deals", type=int, default=2000)
    ap.add_argument(
        "--digest",
        default="1000,10000",
        help="deal counts for the digest build, comma-separated ('' skips it)",
    )
    ap.add_argument(
        "--pg",
        metavar="URL",
        help="also build the digest on PostgreSQL (a server URL, e.g. "
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres)",
    )
    ap.add_argument(
        "--no-analyze",
        action="store_true",
        help="on PostgreSQL, build the digest before any ANALYZE (no planner statistics)",
    )
    ap.add_argument(
        "--parts",
        default="latency,matching,memory,digest",
        help="which parts to run, comma-separated",
    )
    args = ap.parse_args(argv)
    parts = {p.strip() for p in args.parts.split(",")}
    if "latency" in parts:
        print_latency(args.n, args.deals)
    if "matching" in parts:
        print_matching()
    if "memory" in parts:
        print_memory(args.deals)
    sizes = tuple(int(x) for x in args.digest.split(",") if x.strip())
    if "digest" in parts and sizes:
        print_digest(sizes, args.pg, analyze=not args.no_analyze)
    return 0


def print_latency(n: int, deals: int) -> None:
    print(
        f"## Ack latency (n={n} per case, {deals} deals seeded; "
        "ratio = median / median of GET /healthz in the same run)\n"
    )
    print("| request | median ms | p95 ms | × baseline |\n| --- | ---: | ---: | ---: |")
    for name, med, p95, ratio in latency(n, deals):
        print(f"| {name} | {med:.1f} | {p95:.1f} | {ratio:.1f} |")


def print_matching() -> None:
    print("\n## Deal-name matching over 5,000 names (ratio against a dict lookup)\n")
    print("| query | median ms | × dict lookup |\n| --- | ---: | ---: |")
    for label, med, ratio in matching(5000, 15):
        print(f"| {label} | {med:.2f} | {ratio:,.0f} |")


def print_memory(deals: int) -> None:
    small, big = memory(deals)
    print(
        f"\n## Memory: peak Python allocations building `/pipeline team`\n\n"
        f"| deals | peak KiB |\n| ---: | ---: |\n| 10 | {small:,.0f} |\n"
        f"| {deals} | {big:,.0f} |\n\nratio {big / small:.1f}× for "
        f"{deals / 10:.0f}× the deals (the query is capped at 400 rows)."
    )


def print_digest(sizes: tuple[int, ...], pg_url: str | None, *, analyze: bool = True) -> None:
    if sizes:
        print(
            "\n## Digest: build (SQL aggregates + lists + Block Kit) and funnel chart\n\n"
            "ratio = build median / median of `SELECT count(*)` of the deals, same database\n"
        )
        print(
            "| database | deals | build ms | × count(*) | chart ms | build peak KiB |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: |"
        )
        for label, pg in (("SQLite", None), ("PostgreSQL", pg_url)):
            if label == "SQLite" or pg:
                for size, build, ratio, chart_ms, peak in digest(sizes, 7, pg, analyze):
                    print(
                        f"| {label} | {size:,} | {build:.0f} | {ratio:.0f} | {chart_ms:.0f} "
                        f"| {peak:,.0f} |"
                    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
