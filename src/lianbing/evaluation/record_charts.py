"""ECharts option objects for the growth record (rendered with json_script)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from lianbing.engine import taxonomy

from .record_types import AbilityRow, TrendPoint


def ability_radar(rows: Sequence[AbilityRow]) -> dict[str, Any]:
    """Radar: the seven abilities before the secondment (baseline) against the round (now), 0-100."""
    baseline, now = _("练兵前基线"), _("本轮考察")
    series: list[dict[str, Any]] = []
    if any(r.baseline is not None for r in rows):
        series.append(
            {"value": [r.baseline if r.baseline is not None else 0 for r in rows], "name": baseline}
        )
    if any(r.now is not None for r in rows):
        series.append(
            {
                "value": [r.now if r.now is not None else 0 for r in rows],
                "name": now,
                "areaStyle": {"opacity": 0.2},
            }
        )
    return {
        "tooltip": {},
        "legend": {"data": [s["name"] for s in series], "bottom": 0},
        "radar": {
            "indicator": [{"name": r.label, "max": taxonomy.ABILITY_MAX} for r in rows],
            "radius": "60%",
        },
        "series": [{"type": "radar", "data": series}],
    }


def index_trend(points: Sequence[TrendPoint]) -> dict[str, Any]:
    """Line: the trainee's growth index in each round of the program that has one."""
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "top": 30, "bottom": 30},
        "xAxis": {"type": "category", "data": [p.round_name for p in points]},
        "yAxis": {"type": "value", "min": 0, "max": 100},
        "series": [
            {
                "name": _("成长指数"),
                "type": "line",
                "data": [round(p.index, 1) for p in points],
                "label": {"show": True},
            }
        ],
    }
