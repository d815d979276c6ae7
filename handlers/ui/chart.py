"""The funnel chart: open deals and value per stage, with stage conversion, as a PNG.

Headless (matplotlib's Agg canvas, no pyplot state, so it is safe in scheduler threads).
Sized for Slack's preview: the image is 1200×675 px; stage names and counts are 15 pt,
values and rates 13 pt at 150 dpi, so they stay legible when Slack shows it about 480 px
wide. The last column is right-aligned to ``RIGHT_EDGE`` and explained by a legend.
Callers pass words already translated and amounts already formatted.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 150
BAR = "#1f4e79"
BAR_EMPTY = "#c9d6e3"
TEXT = "#1d1c1d"
MUTED = "#616061"
GOOD, WEAK = "#2b7a3d", "#b0452c"
# Columns, as fractions of the width: bar start, value, conversion; the bar's longest length.
COL_BAR, COL_VALUE, BAR_MAX = 0.25, 0.52, 0.20
RIGHT_EDGE = 0.97  # nothing is drawn past this (issue 14: "100% won" touched the edge)


@dataclass(frozen=True)
class FunnelRow:
    stage: str
    count: int
    value: str  # e.g. "Rp120jt + $5k", or "" when none
    conversion: str | None = None  # to the next stage, e.g. "→ 60%"
    rate: float | None = None  # the same as a number, for the colour


def funnel_png(
    rows: Sequence[FunnelRow],
    *,
    title: str,
    subtitle: str,
    headers: tuple[str, str, str] = ("deals", "value", "went on"),
    empty_text: str = "",
    legend: str = "",
) -> bytes:
    """One row per stage, first stage on top, in fixed columns so nothing overlaps: the
    stage name, a bar with the number of open deals, their value, and the share of deals
    that went on to the next stage."""
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    fig.text(0.02, 0.96, title, fontsize=17, fontweight="bold", color=TEXT, va="top")
    fig.text(
        0.02,
        0.875,
        "\n".join(textwrap.wrap(subtitle, 92)[:2]),
        fontsize=11,
        color=MUTED,
        va="top",
        linespacing=1.3,
    )
    ax = fig.add_axes((0.0, 0.02, 1.0, 0.74))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    n = len(rows)
    if not n:
        ax.text(0.5, 0.5, empty_text, ha="center", va="center", fontsize=16, color=MUTED)
        return _png(fig)
    ax.set_ylim(-1.0, n + 0.1)
    if legend:  # what the colours of the last column mean
        ax.text(RIGHT_EDGE, -0.85, legend, ha="right", va="center", fontsize=10, color=MUTED)
    for x, header, align in zip(
        (COL_BAR, COL_VALUE, RIGHT_EDGE), headers, ("left", "left", "right"), strict=True
    ):
        ax.text(x, n - 0.15, header, ha=align, va="center", fontsize=11, color=MUTED)
    most = max(r.count for r in rows) or 1
    for i, row in enumerate(rows):
        y = n - 1 - i - 0.2
        width = BAR_MAX * row.count / most
        ax.barh(
            y, max(width, 0.004), left=COL_BAR, height=0.7, color=BAR if row.count else BAR_EMPTY
        )
        ax.text(
            COL_BAR - 0.015,
            y,
            _fit(row.stage, 16),
            ha="right",
            va="center",
            fontsize=15,
            color=TEXT,
        )
        ax.text(
            COL_BAR + width + 0.012,
            y,
            str(row.count),
            ha="left",
            va="center",
            fontsize=15,
            color=TEXT,
            fontweight="bold",
        )
        if row.value:
            ax.text(
                COL_VALUE, y, _fit(row.value, 18), ha="left", va="center", fontsize=13, color=TEXT
            )
        if row.conversion:
            colour = MUTED if row.rate is None else GOOD if row.rate >= 0.5 else WEAK
            ax.text(  # right-aligned: however long, it ends before the edge
                RIGHT_EDGE,
                y,
                _fit(row.conversion, 14),
                ha="right",
                va="center",
                fontsize=13,
                color=colour,
                fontweight="bold",
            )
    return _png(fig)


def _fit(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()
