"""``make sample``: the generator of docs/sample-digest.txt and .png runs, says what the
digest says, and the committed sample is what it makes today (the docs stay true)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bench import sample

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("sample")
    assert sample.main(["--out", str(out)]) == 0
    return (out / sample.TEXT_NAME).read_text(encoding="utf-8"), out / sample.PNG_NAME


def test_text_has_every_section_of_the_digest(generated):
    text, _ = generated
    assert text.startswith("Sample digest, as posted to #general")
    assert "`make sample`" in text
    for part in (
        "PIPELINE DIGEST · MON 23 NOV\n============================",
        "  For the whole team · as of Mon 23 Nov, 09:00 (Asia/Jakarta)",
        "Open pipeline\nProspecting · 5 deals · Rp457m\n",
        "Open deals: 16   |   Total value: Rp1.957.000.000 + $39,500",
        "Weighted pipeline: Rp749.200.000 + $12,450",
        "Last 30 days",
        "Since the last digest (Fri 20 Nov, 09:00)",
        ":new: New (1)",
        ":arrow_right: Moved (3)",
        ":trophy: Won (1)",
        ":x: Lost (1)\n• Surya Tekstil · Competitor · $15k · @maya",
        ":calendar: Close dates slipped (2)",
        "• Pratama Motor · Mon 30 Nov → Fri 18 Dec · @dimas",
        "• Mulia Retail · Sun 22 Nov passed, still open · @sari",
        ":hourglass: Stale deals (2)",
        ":alarm_clock: Overdue next steps (2)",
        ":zzz: Snoozed (1)\n• Wijaya Bakery until Mon 11 Jan — Owner travels until January",
        "Deal names open their card.",
    ):
        assert part in text, part
    # Rendered for a reader: buttons in brackets, people by name, no mrkdwn left over.
    assert "Lintas Media Digital · Approaching · Rp55m   [Nudge owner]" in text
    assert "[Pelita Energi Nusantara]" in text
    assert "<@" not in text and "*" not in text and "&amp;" not in text


def test_period_figures_follow_the_metric_definitions(generated):
    text, _ = generated
    # Won in the period: Rp28m, Rp75m, Rp90m, Rp42m and $8,000, in 23.5, 28, 15.5, 17 and
    # 19 days; lost: 2. Win rate 5/7; mean time to close 103/5 = 20.6 days, median 19.
    assert "Win rate: 71% (5 won, 2 lost)" in text
    assert "Average deal size: Rp58.750.000 + $8,000" in text
    assert "Time to close: 20.6 days (median 19 days)" in text
    # Velocity = open deals × win rate × average size ÷ mean time to close, per currency:
    # IDR 13 × 5/7 × 58,750,000 ÷ 20.6 = 26,482,316 a day; USD 3 × 5/7 × 8,000 ÷ 20.6 = 832.18.
    assert "Velocity: Rp26.5m + $832.18 a day" in text


def test_checklist_completion_shows_beside_stale_and_overdue_deals(generated):
    text, _ = generated
    assert "no activity for 26 days · @sari · SPIN — · BATNA —" in text
    assert "no activity for 19 days · @maya · SPIN 3/5 · BATNA —" in text
    assert "“Send final quote” was due Fri 20 Nov · @sari · SPIN 4/5 · BATNA 3/6" in text


def test_chart_is_a_png_of_slack_preview_size(generated):
    _, png = generated
    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert 20_000 < len(data) < 1_000_000
    with Image.open(png) as image:
        image.verify()
    with Image.open(png) as image:
        assert image.size == (1200, 675)
        assert image.convert("L").getextrema()[0] < 64  # dark text and bars on white
        assert len(image.convert("RGB").getcolors(1_000_000)) > 50  # not a blank canvas


def test_committed_sample_is_current(generated):
    text, _ = generated
    committed = sample.DOCS / sample.TEXT_NAME
    assert committed.read_text(encoding="utf-8") == text, "stale docs sample: run `make sample`"
