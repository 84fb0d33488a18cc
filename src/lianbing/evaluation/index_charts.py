"""ECharts option objects for the growth-index page (rendered with json_script)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

#: Histogram bins of 10 points over 0-100 (the last bin includes 100).
BINS = tuple(range(0, 100, 10))


def histogram_counts(values: Iterable[float]) -> list[int]:
    """Counts per 10-point bin over 0-100; 100 falls in the last bin."""
    counts = [0] * len(BINS)
    for value in values:
        counts[min(int(max(value, 0.0) // 10), len(BINS) - 1)] += 1
    return counts


def index_histogram(values: Sequence[float]) -> dict[str, Any]:
    """Bars: trainees per 10-point bin of the growth index."""
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "top": 30, "bottom": 30},
        "xAxis": {"type": "category", "data": [f"{b}–{b + 10}" for b in BINS]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": _("人数"), "type": "bar", "data": histogram_counts(values)}],
    }


def contribution_bars(
    names: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]
) -> dict[str, Any]:
    """Stacked horizontal bars: each trainee's index split into the indicators' points.

    ``names`` best first; ``series``: (indicator label, points per trainee).
    """
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 80, "right": 24, "top": 10, "bottom": 60},
        "xAxis": {"type": "value", "max": 100},
        "yAxis": {"type": "category", "data": list(names), "inverse": True},
        "series": [
            {
                "name": label,
                "type": "bar",
                "stack": "index",
                "data": [round(v, 1) for v in values],
            }
            for label, values in series
        ],
    }
