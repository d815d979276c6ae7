"""``python -m bench --quick``, end to end on SQLite: every case gives numbers, every
channel gets its digest once, and the report has every row of the issue's table. It writes
to a temporary file: docs/PERFORMANCE.md is rewritten only by ``make bench``."""

from __future__ import annotations

import json

from bench import report
from bench.__main__ import DOC, main

ROWS = {"throughput", "p99", "advance_exact", "advance_typo", "pipeline_team", "digest"}


def test_the_quick_bench_measures_every_row_and_renders_them(tmp_path):
    before = DOC.read_text()
    out, raw = tmp_path / "PERFORMANCE.md", tmp_path / "results.json"
    assert main(["--quick", "--no-pg", "--out", str(out), "--json", str(raw)]) == 0
    results = json.loads(raw.read_text())
    [sqlite] = results["databases"]
    assert sqlite["database"] == "SQLite" and (sqlite["small"], sqlite["big"]) == (50, 2000)

    load = sqlite["throughput"]
    assert load["app_rps"] > 0 and load["bare_rps"] > 0 and load["errors"] == 0
    assert load["app_p99"] > 0 and load["bare_p99"] > 0
    for case in ("advance_exact", "advance_typo", "pipeline_team"):
        timed = sqlite["lookups"][case]
        assert timed["small"]["n"] == timed["big"]["n"] == 3
        assert 0 < timed["small"]["median"] <= timed["small"]["p99"]
        assert timed["ratio"] > 0
    digest = sqlite["digest"]
    assert digest["build"]["median"] > 0 and digest["count"]["median"] > 0
    assert digest["peak_small_kib"] > 0 and digest["peak_big_kib"] > 0
    fanout = sqlite["fanout"]
    assert fanout["posted_once"] == fanout["channels"] == 5
    assert fanout["missing"] == fanout["duplicates"] == 0
    assert fanout["last_s"] >= fanout["first_s"] > 0 and fanout["minimum_s"] >= 1.0
    assert len(results["matching"]) == 8

    text = out.read_text()
    rendered = list(report.rows(results))
    assert {r.key for r in rendered} >= ROWS | {"memory", "fanout"}
    for row in rendered:
        assert f"| {row.what} | SQLite | {row.measured} |" in text
    assert "Command: `python -m bench --quick --no-pg" in text
    assert DOC.read_text() == before  # the docs are not touched


def test_a_missed_target_says_why_and_what_would_meet_it():
    results = {
        "command": "python -m bench",
        "date": "2026-11-30 21:00 UTC",
        "profile": "full",
        "seconds": 60.0,
        "databases": [
            {
                "database": "PostgreSQL",
                "small": 100,
                "big": 200_000,
                "digest": {
                    "build": {"median": 450.0, "p99": 500.0, "n": 7},
                    "count": {"median": 9.0, "p99": 10.0, "n": 7},
                    "ratio": 50.0,
                    "peak_small_kib": 300.0,
                    "peak_big_kib": 310.0,
                    "peak_ratio": 310 / 300,
                },
            }
        ],
    }
    text = report.render(results)
    assert "| digest build at 200,000 deals (median ms) | PostgreSQL | 450 |" in text
    assert "| ≤ 0.3 s | **no** |" in text and "| flat (≤ 1.5×) | yes |" in text
    assert "- **digest** (PostgreSQL): " + report.WHY["digest"] in text
    assert "- **memory**" not in text
