"""Participants of an activity as the grouping engine's input (the boundary of ``engine.grouping``).

A participant is described by the scores of their cadre's latest ability
assessment on the abilities the activity tests (all seven when it names none),
the cadre's category, the host unit of the post (所在单位) and the cadre's
origin unit (原单位). The series' pair rules become index pairs; a rule naming
someone who does not take part in the activity does not apply to it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Prefetch, QuerySet
from numpy.typing import NDArray

from lianbing.engine import taxonomy
from lianbing.people.models import AbilityAssessment
from lianbing.training.models import Secondment

from .models import Activity, PairRule, PairRuleKind

Pair = tuple[int, int]


class MissingAbilitiesError(ValueError):
    """Participants without an ability assessment cannot be grouped (Chinese message)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        super().__init__(
            "以下成员还没有能力评定，无法按能力均衡分组："
            + "、".join(self.names)
            + "。请先录入其七种能力得分。"
        )


@dataclass(frozen=True)
class Participant:
    secondment: Secondment
    name: str
    category: str  # Chinese label
    unit: str  # host unit
    origin: str
    scores: tuple[float, ...]  # on ``GroupingInput.abilities``


@dataclass(frozen=True)
class GroupingInput:
    """The people (in a fixed order: person index = position) and the rules among them."""

    abilities: tuple[str, ...]
    people: list[Participant]
    separate: list[Pair]
    together: list[Pair]
    rules: list[PairRule]  # the rules that apply, for messages

    @property
    def profiles(self) -> NDArray[np.float64]:
        return np.asarray([p.scores for p in self.people], dtype=np.float64).reshape(
            len(self.people), len(self.abilities)
        )

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.people]

    @property
    def categories(self) -> list[str]:
        return [p.category for p in self.people]

    @property
    def units(self) -> list[str]:
        return [p.unit for p in self.people]

    @property
    def origins(self) -> list[str]:
        return [p.origin for p in self.people]

    def index_of(self, secondment_id: int) -> int:
        for i, person in enumerate(self.people):
            if person.secondment.pk == secondment_id:
                return i
        raise KeyError(secondment_id)


def tested_abilities(activity: Activity) -> tuple[str, ...]:
    """The ability codes groups are balanced on, in the taxonomy's order."""
    codes = [c for c in taxonomy.ABILITY_CODES if c in (activity.abilities or ())]
    return tuple(codes) or taxonomy.ABILITY_CODES


def _with_profiles(queryset: QuerySet[Secondment]) -> list[Secondment]:
    return list(
        queryset.select_related("cadre", "cadre__origin_unit", "post", "post__unit")
        .prefetch_related(
            Prefetch(
                "cadre__assessments",
                queryset=AbilityAssessment.objects.order_by("-assessed_on", "-id"),
            )
        )
        .order_by("pk")
    )


def participants_of(activity: Activity) -> list[Secondment]:
    """The activity's participants with what the grouping reads, in a stable order."""
    return _with_profiles(activity.participants.all())


def secondments_of(ids: Collection[int]) -> list[Secondment]:
    """Secondments by pk with what the grouping reads (group members need not be participants still)."""
    return _with_profiles(Secondment.objects.filter(pk__in=list(ids)))


def describe(secondment: Secondment, abilities: Sequence[str]) -> Participant | None:
    """One participant on ``abilities``; None when their cadre was never assessed."""
    assessments = list(secondment.cadre.assessments.all())
    if not assessments:
        return None
    seven = assessments[0].scores()
    return Participant(
        secondment=secondment,
        name=secondment.cadre.name,
        category=taxonomy.category(secondment.cadre.category).label,
        unit=secondment.post.unit.name,
        origin=secondment.cadre.origin_unit.name,
        scores=tuple(float(seven[taxonomy.ability_index(code)]) for code in abilities),
    )


def grouping_input(
    activity: Activity, secondments: Sequence[Secondment] | None = None
) -> GroupingInput:
    """The engine's view of ``secondments`` (default: the activity's participants).

    ``secondments`` must come with the joins of :func:`participants_of`.
    Raises :class:`MissingAbilitiesError` naming everyone never assessed.
    """
    chosen = list(secondments) if secondments is not None else participants_of(activity)
    abilities = tested_abilities(activity)
    people: list[Participant] = []
    missing: list[str] = []
    for s in chosen:
        person = describe(s, abilities)
        if person is None:
            missing.append(s.cadre.name)
        else:
            people.append(person)
    if missing:
        raise MissingAbilitiesError(missing)
    index = {p.secondment.pk: i for i, p in enumerate(people)}
    separate: list[Pair] = []
    together: list[Pair] = []
    rules: list[PairRule] = []
    for rule in PairRule.objects.filter(series_id=activity.series_id).select_related(
        "first__cadre", "second__cadre"
    ):
        if rule.first_id not in index or rule.second_id not in index:
            continue
        pair = (index[rule.first_id], index[rule.second_id])
        (separate if rule.kind == PairRuleKind.SEPARATE else together).append(pair)
        rules.append(rule)
    return GroupingInput(
        abilities=abilities, people=people, separate=separate, together=together, rules=rules
    )
