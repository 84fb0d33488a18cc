"""What on-site inspection asks of a rater, for the home page's 我的待办."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ..access import memberships
from ..models import EvaluationRound, RoundStatus
from .rounds import rate_list


@dataclass(frozen=True)
class RaterDue:
    """A line of 我的待办, shaped like the training period's lines."""

    kind: str
    label: str
    count: int
    url: str
    details: tuple[str, ...]


def rater_due(user: Any) -> list[RaterDue]:
    """One line per open round in which ``user`` still has trainees to rate."""
    round_ids = memberships(user).filter(team__round__status=RoundStatus.OPEN).values("team__round")
    lines = []
    for round_ in EvaluationRound.objects.filter(pk__in=round_ids).select_related("program"):
        waiting = [row.secondment for row in rate_list(user, round_) if not row.rated]
        if not waiting:
            continue
        lines.append(
            RaterDue(
                kind="rating",
                label=_("%(round)s：待评价的练兵干部") % {"round": round_.name},
                count=len(waiting),
                url=reverse("evaluation:rate", args=[round_.pk]),
                details=tuple(
                    _("%(name)s（%(unit)s），截止 %(date)s")
                    % {
                        "name": s.cadre.name,
                        "unit": s.post.unit.name,
                        "date": round_.closes_on.isoformat(),
                    }
                    for s in waiting[:3]
                ),
            )
        )
    return lines
