"""ECharts option objects built from selector results (rendered with json_script)."""

from __future__ import annotations

from typing import Any

from lianbing.demand.selectors import DashboardSummary
from lianbing.engine import taxonomy
from lianbing.people.models import AbilityAssessment


def category_chart(summary: DashboardSummary) -> dict[str, Any]:
    """Grouped bars: cadres and posts per category."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["干部", "岗位"]},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 40, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [c.label for c in summary.by_category],
            "axisLabel": {"interval": 0},  # all five categories, never every other one
        },
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": "干部", "type": "bar", "data": [c.cadres for c in summary.by_category]},
            {"name": "岗位", "type": "bar", "data": [c.posts for c in summary.by_category]},
        ],
    }


def host_unit_chart(summary: DashboardSummary) -> dict[str, Any]:
    """Horizontal bars: posts and seats per host unit."""
    rows = list(reversed(summary.by_host_unit))
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["岗位", "名额"]},
        # The grid grows to fit the longest unit name (独山能源三期项目分拆破难组)
        # instead of a fixed margin that cut it to "山能源三期…".
        "grid": {"left": 8, "right": 16, "bottom": 24, "top": 36, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [r.name for r in rows]},
        "series": [
            {"name": "岗位", "type": "bar", "data": [r.posts for r in rows]},
            {"name": "名额", "type": "bar", "data": [r.seats for r in rows]},
        ],
    }


def ability_rows(assessment: AbilityAssessment | None) -> list[tuple[str, int]]:
    """(label, score) for the seven abilities, in taxonomy order."""
    if assessment is None:
        return []
    return list(zip(taxonomy.ABILITY_LABELS, assessment.scores(), strict=True))


def ability_radar(name: str, assessment: AbilityAssessment | None) -> dict[str, Any] | None:
    """A radar of one cadre's seven abilities."""
    if assessment is None:
        return None
    return {
        "tooltip": {},
        "radar": {
            "indicator": [
                {"name": label, "max": taxonomy.ABILITY_MAX} for label in taxonomy.ABILITY_LABELS
            ],
            "radius": "65%",
        },
        "series": [
            {
                "type": "radar",
                "data": [{"value": list(assessment.scores()), "name": name}],
                "areaStyle": {"opacity": 0.2},
            }
        ],
    }
