"""ECharts options for the gap pages (rendered with json_script, drawn by lianbing.js)."""

from __future__ import annotations

import math
from typing import Any

from .selectors import GapReport


def gap_heatmap(report: GapReport) -> dict[str, Any]:
    """Host unit x category heatmap of gap indices in percent; empty cells asked nothing."""
    analysis = report.analysis
    units = list(analysis.units)
    data = [
        [c, u, round(100 * value)]
        for u in range(len(units))
        for c, value in enumerate(analysis.gap_matrix[u])
        if not math.isnan(value)
    ]
    return {
        "tooltip": {"position": "top"},
        # Room under the category axis for the colour legend below it.
        "grid": {"left": 170, "right": 16, "top": 16, "bottom": 110},
        "xAxis": {"type": "category", "data": [t.label for t in report.categories]},
        "yAxis": {"type": "category", "data": units, "inverse": True},
        "visualMap": {
            "min": 0,
            "max": 100,
            "calculable": True,
            "orient": "horizontal",
            "left": "center",
            "bottom": 8,
            "text": ["缺口 100%（无人可派）", "0%（都能满足）"],
            "inRange": {"color": ["#e8f5e9", "#ffeb3b", "#e53935"]},
        },
        "series": [
            {
                "name": "缺口指数（%）",
                "type": "heatmap",
                "data": data,
                # The value is a percentage: say so in the cell.
                "label": {"show": True, "formatter": "{@[2]}%"},
            }
        ],
    }
