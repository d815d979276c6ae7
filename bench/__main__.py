"""``python -m bench``: every row of issue 12's performance table, measured against a baseline
in the same run, on SQLite and PostgreSQL; ``--write`` rewrites docs/PERFORMANCE.md.

The machine is shared and noisy, so every figure is a ratio against a baseline measured in
the same run, interleaved with it (``bench.measure``). The real app runs on its own server
(waitress) against the fake Slack on loopback (``bench.serve``); the load comes from another
process (``bench.load``); 200,000 deals are bulk-inserted (``bench.seed``).

``--quick`` is the smoke profile (a few seconds; ``tests/bench``); the default is the full one
(``make bench``, under ten minutes on two cores).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import measure, report, seed
from bench.serve import PG_DEFAULT, fresh_database
from slackkit import FakeSlack
from storage.db import Database

PARTS = ("lookups", "digest", "throughput", "fanout", "matching")
DOC = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"


@dataclass(frozen=True)
class Profile:
    lookups: int  # requests per case and size
    digest: int  # builds (and as many counts)
    rounds: int  # load rounds per app (A B A B …)
    seconds: float  # per load round
    clients: int
    channels: int
    names: int  # for matching
    repeats: int  # for matching


FULL = Profile(
    lookups=40, digest=5, rounds=3, seconds=6, clients=16, channels=300, names=5000, repeats=7
)
QUICK = Profile(
    lookups=3, digest=2, rounds=1, seconds=2.0, clients=16, channels=5, names=300, repeats=2
)


def seeded(db_url: str, n: int, spread: int = seed.SPREAD) -> float:
    """Seed ``n`` deals created over ``spread`` days; the seconds it took (PostgreSQL: with
    the ANALYZE after it)."""
    start = time.perf_counter()
    db = Database(db_url)
    try:
        seed.seed_deals(db, n, now=measure.NOW, spread=spread)
        seed.analyze(db)
    finally:
        db.dispose()
    return time.perf_counter() - start


def on_database(
    label: str, pg: str | None, sizes: tuple[int, int], p: Profile, parts, spread: int
) -> dict:
    out: dict = {"database": label, "small": sizes[0], "big": sizes[1], "spread": spread}
    small_n, big_n = sizes
    with (
        new_fake() as fake,
        fresh_database(pg, "small") as small,
        fresh_database(pg, "big") as big,
    ):
        if parts & {"lookups", "digest", "throughput"}:
            out["seed_small_s"] = seeded(small, small_n, spread)
            big_needed = parts & {"lookups", "digest"}
            out["seed_big_s"] = seeded(big, big_n, spread) if big_needed else 0.0
            log(f"{label}: seeded {small_n} and {big_n} deals in {out['seed_big_s']:.0f} s")
        if "lookups" in parts:
            out["lookups"] = measure.lookups(fake, small, big, n=p.lookups)
            log(f"{label}: lookups {json.dumps(out['lookups'])}")
        if "digest" in parts:
            out["digest"] = measure.digest(small, big, repeats=p.digest)
            log(f"{label}: digest {json.dumps(out['digest'])}")
        if "throughput" in parts:
            out["throughput"] = measure.throughput(
                fake, small, rounds=p.rounds, seconds=p.seconds, clients=p.clients
            )
            t = out["throughput"]
            log(f"{label}: throughput app {t['app_rps']:.1f}/s bare {t['bare_rps']:.1f}/s")
    if "fanout" in parts:
        with new_fake() as fake, fresh_database(pg, "fanout") as url:
            seeded(url, small_n)
            out["fanout"] = measure.fanout(fake, url, channels=p.channels)
            log(f"{label}: fanout {json.dumps(out['fanout'])}")
    return out


def new_fake() -> FakeSlack:
    """The fake Slack with the seeded deals' owners (U0–U6) as members; blocks are not
    validated (the tests do that; the bench times the app)."""
    fake = FakeSlack(token="xoxb-bench")
    for n in range(7):
        if f"U{n}" not in fake.users:
            fake.add_user(f"U{n}", team_id=seed.TEAM, name=f"rep{n}", real_name=f"Rep {n}")
    fake.validate_blocks = False
    return fake


def log(line: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {line}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace, command: str) -> dict:
    profile = QUICK if args.quick else FULL
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    unknown = parts - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown part(s): {', '.join(sorted(unknown))}; choose from {PARTS}")
    small, big = (int(x) for x in args.deals.split(","))
    started = time.perf_counter()
    results: dict = {
        "command": command,
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "profile": "quick" if args.quick else "full",
        "databases": [],
    }
    targets = [("SQLite", None)] + ([("PostgreSQL", args.pg)] if args.pg else [])
    for label, pg in targets:
        results["databases"].append(
            on_database(label, pg, (small, big), profile, parts, args.spread)
        )
    if "matching" in parts:
        results["matching"] = measure.matching(profile.names, profile.repeats)
    results["seconds"] = time.perf_counter() - started
    return results


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="the smoke profile (seconds)")
    ap.add_argument(
        "--deals",
        default=None,
        help="small,big deal counts (default 100,200000; --quick: 50,2000)",
    )
    ap.add_argument(
        "--pg",
        metavar="URL",
        default=PG_DEFAULT,
        help=f"a PostgreSQL server (a scratch database is made and dropped; default {PG_DEFAULT})",
    )
    ap.add_argument("--no-pg", action="store_true", help="SQLite only")
    ap.add_argument(
        "--spread",
        type=int,
        default=seed.SPREAD,
        help=f"days over which the seeded deals were created (default {seed.SPREAD}; 60 puts "
        "every deal in the digest's 90-day conversion cohort)",
    )
    ap.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of {PARTS}")
    ap.add_argument(
        "--write", action="store_true", help=f"rewrite {DOC.relative_to(DOC.parents[1])}"
    )
    ap.add_argument("--out", type=Path, help="write the report here instead")
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    ap.add_argument(
        "--from-json", type=Path, help="render the report from raw results (no measuring)"
    )
    args = ap.parse_args(argv)
    args.deals = args.deals or ("50,2000" if args.quick else "100,200000")
    if args.no_pg:
        args.pg = None
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # the load queues, on purpose
    command = "python -m bench " + " ".join(argv) if argv else "python -m bench"
    if args.from_json:
        results = json.loads(args.from_json.read_text())
    else:
        results = run(args, command.strip())
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    text = report.render(results)
    target = DOC if args.write else args.out
    if target is None:
        print(text)
    else:
        target.write_text(text)
        log(f"wrote {target} ({results['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
