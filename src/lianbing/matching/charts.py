"""ECharts option objects for the matching pages (rendered with json_script)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from lianbing.engine import taxonomy

from .models import RunPlacement

#: Histogram bins of 10 points over 0-100 (the last bin includes 100).
_BINS = tuple(range(0, 100, 10))


def pair_radar(
    cadre_name: str, post_name: str, rows: Sequence[tuple[str, float, float]]
) -> dict[str, Any]:
    """Radar: the cadre's seven abilities against the post's core abilities (relative weight)."""
    post_series = _("%(post)s（核心能力）") % {"post": post_name}
    return {
        "tooltip": {},
        "legend": {"data": [cadre_name, post_series], "bottom": 0},
        "radar": {
            "indicator": [{"name": label, "max": taxonomy.ABILITY_MAX} for label, _, _ in rows],
            "radius": "60%",
        },
        "series": [
            {
                "type": "radar",
                "data": [
                    {
                        "value": [a for _, a, _ in rows],
                        "name": cadre_name,
                        "areaStyle": {"opacity": 0.2},
                    },
                    {"value": [w for _, _, w in rows], "name": post_series},
                ],
            }
        ],
    }


def _category_label(code: str) -> str:
    return taxonomy.category(code).label


#: Pixels per character of an 11 px CJK label, and the gap between node and label.
SANKEY_CHAR_WIDTH = 12
SANKEY_LABEL_GAP = 16


def category_unit_sankey(placements: Iterable[RunPlacement]) -> dict[str, Any]:
    """Sankey: origin category of the placed cadres -> host unit of their posts."""
    flows = Counter((_category_label(p.cadre.category), p.post.unit.name) for p in placements)
    categories = sorted({c for c, _ in flows}, key=taxonomy.CATEGORY_LABELS.index)
    units = sorted({u for _, u in flows})
    return {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "sankey",
                "emphasis": {"focus": "adjacency"},
                "nodeAlign": "justify",
                "data": [{"name": n} for n in [*categories, *units]],
                "links": [
                    {"source": c, "target": u, "value": n} for (c, u), n in sorted(flows.items())
                ],
                "label": {"fontSize": 11},
                # The unit names are written to the right of the last column of
                # nodes: leave them room, else a long name is cut at the edge.
                "right": SANKEY_LABEL_GAP + SANKEY_CHAR_WIDTH * max(map(len, units), default=0),
            }
        ],
    }


def category_unit_heatmap(placements: Iterable[RunPlacement]) -> dict[str, Any]:
    """Heatmap: placed cadres per (category, host unit)."""
    counts = Counter((_category_label(p.cadre.category), p.post.unit.name) for p in placements)
    units = sorted({u for _, u in counts})
    labels = list(taxonomy.CATEGORY_LABELS)
    data = [
        [x, y, counts.get((c, u), 0)] for x, u in enumerate(units) for y, c in enumerate(labels)
    ]
    return {
        "tooltip": {"position": "top"},
        "grid": {"left": 80, "right": 16, "top": 16, "bottom": 110},
        "xAxis": {"type": "category", "data": units, "axisLabel": {"rotate": 45, "fontSize": 11}},
        "yAxis": {"type": "category", "data": labels},
        "visualMap": {
            "min": 0,
            "max": max(counts.values(), default=1),
            "calculable": True,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
        },
        "series": [{"type": "heatmap", "data": data, "label": {"show": True}}],
    }


def histogram_counts(values: Iterable[float]) -> list[int]:
    """Counts per 10-point bin over 0-100; 100 falls in the last bin."""
    counts = [0] * len(_BINS)
    for value in values:
        counts[min(int(max(value, 0.0) // 10), len(_BINS) - 1)] += 1
    return counts


def score_histogram(values: Sequence[float], label: str) -> dict[str, Any]:
    """Bars: placed pairs per 10-point bin of a score."""
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "top": 30, "bottom": 30},
        "xAxis": {"type": "category", "data": [f"{b}–{b + 10}" for b in _BINS]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": label, "type": "bar", "data": histogram_counts(values)}],
    }
