"""Reads of an activity's groups for the groups page and the printable sheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from lianbing.engine import taxonomy
from lianbing.training.models import Secondment

from ..group_adapters import Participant, describe, secondments_of, tested_abilities
from ..models import Activity, ActivityGroup, ActivityStatus, PairRule


@dataclass(frozen=True)
class MemberRow:
    secondment: Secondment
    person: Participant | None  # None: never assessed
    is_leader: bool

    @property
    def total(self) -> float | None:
        return sum(self.person.scores) if self.person else None


@dataclass(frozen=True)
class GroupRow:
    group: ActivityGroup
    members: list[MemberRow]
    means: list[float | None]  # per tested ability
    total: float | None  # mean total of the tested abilities
    mixing: list[tuple[str, list[tuple[str, int]]]]  # (kind, [(label, count)])


@dataclass(frozen=True)
class GroupsPage:
    activity: Activity
    abilities: list[tuple[str, str]]  # (code, label)
    groups: list[GroupRow]
    balance: dict[str, Any]
    editable: bool
    not_grouped: list[Secondment]  # participants in no group
    not_participating: list[Secondment]  # grouped, but no longer participants
    rules: list[PairRule]
    chart: dict[str, Any] | None
    options: list[tuple[int, str]] = field(
        default_factory=list
    )  # (secondment pk, label) of members

    @property
    def stale(self) -> bool:
        return bool(self.not_grouped or self.not_participating)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _mixing(people: list[Participant]) -> list[tuple[str, list[tuple[str, int]]]]:
    rows: list[tuple[str, list[tuple[str, int]]]] = []
    for kind, attr in ((_("类别"), "category"), (_("所在单位"), "unit"), (_("原单位"), "origin")):
        counts: dict[str, int] = {}
        for p in people:
            label = getattr(p, attr)
            counts[label] = counts.get(label, 0) + 1
        rows.append((kind, sorted(counts.items(), key=lambda item: (-item[1], item[0]))))
    return rows


def random_chart(balance: dict[str, Any]) -> dict[str, Any] | None:
    """Bars: the random splits per spread bin; the bin of the chosen split's spread stands out."""
    histogram = (balance.get("random") or {}).get("histogram")
    if not histogram:
        return None
    edges: list[float] = histogram["edges"]
    spread = float(balance["spread"])
    data: list[int] = list(histogram["counts"])
    labels = [f"{edges[i]:.1f}–{edges[i + 1]:.1f}" for i in range(len(edges) - 1)]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "top": 30, "bottom": 50},
        "xAxis": {
            "type": "category",
            "data": labels,
            "name": _("极差"),
            "axisLabel": {"rotate": 45},
        },
        "yAxis": {"type": "value", "minInterval": 1, "name": _("随机分组数")},
        "series": [
            {"name": _("随机分组"), "type": "bar", "data": data},
            {
                "name": _("本次分组"),
                "type": "scatter",
                "symbolSize": 14,
                "data": [[_bin(edges, spread), 0]],
            },
        ],
    }


def _bin(edges: list[float], value: float) -> int:
    for i in range(len(edges) - 1):
        if value < edges[i + 1]:
            return i
    return len(edges) - 2


def groups_page(activity: Activity) -> GroupsPage:
    """Everything the groups page and the printable sheet show about ``activity``'s groups."""
    codes = tested_abilities(activity)
    groups = list(activity.groups.prefetch_related("members"))
    member_ids = {m.secondment_id for g in groups for m in g.members.all()}
    participant_ids = set(activity.participants.values_list("pk", flat=True))
    people = {s.pk: s for s in secondments_of(member_ids | participant_ids)}
    rows: list[GroupRow] = []
    options: list[tuple[int, str]] = []
    for group in groups:
        members = [
            MemberRow(
                secondment=people[m.secondment_id],
                person=describe(people[m.secondment_id], codes),
                is_leader=group.leader_id == m.secondment_id,
            )
            for m in group.members.all()
        ]
        members.sort(key=lambda row: (not row.is_leader, row.secondment.cadre.name))
        described = [row.person for row in members if row.person is not None]
        means = [_mean([p.scores[a] for p in described]) for a in range(len(codes))]
        rows.append(
            GroupRow(
                group=group,
                members=members,
                means=means,
                total=_mean([sum(p.scores) for p in described]),
                mixing=_mixing(described),
            )
        )
        options += [
            (
                row.secondment.pk,
                _("%(name)s（第 %(n)d 组）")
                % {"name": row.secondment.cadre.name, "n": group.number},
            )
            for row in members
        ]
    balance = dict(activity.grouping or {})
    return GroupsPage(
        activity=activity,
        abilities=[(code, taxonomy.ability(code).label) for code in codes],
        groups=rows,
        balance=balance,
        editable=activity.status != ActivityStatus.FINISHED,
        not_grouped=sorted(
            (people[pk] for pk in participant_ids - member_ids), key=lambda s: s.cadre.name
        )
        if groups
        else [],
        not_participating=sorted(
            (people[pk] for pk in member_ids - participant_ids), key=lambda s: s.cadre.name
        )
        if groups
        else [],
        rules=list(
            PairRule.objects.filter(series_id=activity.series_id).select_related(
                "first__cadre", "second__cadre"
            )
        ),
        chart=random_chart(balance) if groups else None,
        options=sorted(options, key=lambda o: o[1]),
    )


def group_of(activity: Activity, number: int) -> ActivityGroup | None:
    return (
        activity.groups.select_related("leader__cadre")
        .prefetch_related("members__secondment__cadre")
        .filter(number=number)
        .first()
    )
