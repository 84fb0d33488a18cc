"""Helpers of the scoring and results tests, on the ``activities`` fixture.

The status of an activity is set directly: the status service belongs to the
activities pages and is not what these tests are about.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lianbing.activities.models import Activity, ActivityScore, ActivityStatus
from lianbing.activities.services.scoring import score_set
from lianbing.training.models import Secondment


def set_status(activity: Activity, status: str) -> Activity:
    Activity.objects.filter(pk=activity.pk).update(status=status)
    activity.refresh_from_db()
    return activity


def score(
    activity: Activity, assessor: Any, secondment: Secondment, values: Sequence[int]
) -> ActivityScore:
    """``assessor`` scores ``secondment`` with ``values`` in the order of the tested abilities."""
    return score_set(
        activity=activity,
        secondment=secondment,
        scores=dict(zip(activity.abilities, values, strict=True)),
        comment="",
        by=assessor,
    )


def scoring(activity: Activity) -> Activity:
    return set_status(activity, ActivityStatus.SCORING)


def finished(activity: Activity) -> Activity:
    return set_status(activity, ActivityStatus.FINISHED)
