"""What on-site inspection asks of a rater, for the home page's 我的待办."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from lianbing.accounts.models import Role
from lianbing.accounts.roles import roles_of

from ..access import memberships, visible_records
from ..models import EvaluationRound, RoundStatus
from .rounds import rate_list


@dataclass(frozen=True)
class ReleasedRecord:
    """A growth record the reader may open: the round and the trainee."""

    round_name: str
    cadre_name: str
    unit_name: str
    url: str


#: How many records the home page lists.
HOME_RECORDS_SHOWN = 12


def released_records(user: Any) -> list[ReleasedRecord]:
    """Growth records of released rounds for a trainee (their own) or a host-unit contact (their unit's)."""
    if not ({Role.TRAINEE, Role.HOST_CONTACT} & roles_of(user)):
        return []
    rows: list[ReleasedRecord] = []
    rounds = EvaluationRound.objects.filter(status=RoundStatus.RELEASED).order_by("-closes_on")
    for round_ in rounds:
        for s in visible_records(user, round_).select_related("cadre", "post__unit"):
            rows.append(
                ReleasedRecord(
                    round_name=round_.name,
                    cadre_name=s.cadre.name,
                    unit_name=s.post.unit.name,
                    url=reverse("evaluation:record", args=[round_.pk, s.pk]),
                )
            )
            if len(rows) >= HOME_RECORDS_SHOWN:
                return rows
    return rows


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
