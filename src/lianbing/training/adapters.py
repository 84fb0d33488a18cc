"""ORM rows of the training period as the engine's types (mentor pairing).

A mentor is described by its host unit's name, its 专长, its strengths (ability
codes) and the places it has left; a trainee by the post's host unit and named
mentor, the post's 重点任务 and 岗位职责, the cadre's 短板 and the seven scores
of the cadre's latest ability assessment (none when never assessed).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from lianbing.demand.models import Program
from lianbing.engine.pairing import MentorSide, TraineeSide
from lianbing.people.models import AbilityAssessment, Cadre, Mentor

from .models import Secondment
from .selectors import pairing as pairing_selectors


def mentor_side(mentor: Mentor, *, capacity: int) -> MentorSide:
    """The engine's view of a mentor (expects ``unit`` selected); ``capacity`` the places to fill."""
    return MentorSide(
        id=mentor.code,
        unit=mentor.unit.name,
        expertise=mentor.expertise,
        strengths=tuple(mentor.strengths or ()),
        capacity=capacity,
    )


def _scores(cadre: Cadre) -> tuple[float, ...]:
    # Prefetched newest first (see pairing_input); a cadre never assessed has none.
    assessments = list(cadre.assessments.all())
    return tuple(float(s) for s in assessments[0].scores()) if assessments else ()


def trainee_side(secondment: Secondment) -> TraineeSide:
    """The engine's view of a trainee on their post.

    Expects ``post__unit``, ``post__mentor`` and ``cadre`` selected and the
    cadre's ``assessments`` prefetched newest first.
    """
    post = secondment.post
    return TraineeSide(
        id=secondment.cadre.code,
        post_unit=post.unit.name,
        named_mentor=post.mentor.code if post.mentor is not None else "",
        key_tasks="\n".join(t for t in (post.key_tasks, post.duties) if t.strip()),
        shortcomings=secondment.cadre.shortcomings,
        abilities=_scores(secondment.cadre),
    )


@dataclass(frozen=True)
class PairingInput:
    """A program's pairing problem, each engine side beside its row.

    ``mentors[j]`` is described by ``mentor_sides[j]``; ``secondments[i]`` by
    ``trainee_sides[i]``; ``pinned`` holds the (trainee, mentor) indices of the
    pairs the department has confirmed. A mentor left with no place (its
    trainees in other programs fill its capacity) is not among the mentors.
    """

    mentors: Sequence[Mentor]
    mentor_sides: Sequence[MentorSide]
    secondments: Sequence[Secondment]
    trainee_sides: Sequence[TraineeSide]
    pinned: Sequence[tuple[int, int]]


def pairing_input(program: Program, *, today: datetime.date) -> PairingInput:
    """The pairing problem of ``program``'s current secondments on ``today``.

    Each mentor's capacity is its 可带人数 less the trainees confirmed for it in
    other programs whose secondment is not over; this program's confirmed
    pairs are pinned and so count against it too.
    """
    secondments = list(
        pairing_selectors.current_secondments(program).prefetch_related(
            Prefetch(
                "cadre__assessments",
                queryset=AbilityAssessment.objects.order_by("-assessed_on", "-id"),
            )
        )
    )
    candidates = list(pairing_selectors.pairing_mentors(program))
    elsewhere = pairing_selectors.mentor_loads(
        (m.pk for m in candidates), today=today, exclude=Q(program=program)
    )
    pins_of: dict[int, int] = {}
    for s in secondments:
        if s.mentor_confirmed_at is not None and s.mentor_id is not None:
            pins_of[s.mentor_id] = pins_of.get(s.mentor_id, 0) + 1
    mentors: list[Mentor] = []
    sides: list[MentorSide] = []
    for mentor in candidates:
        places = max(mentor.capacity - elsewhere[mentor.pk], pins_of.get(mentor.pk, 0))
        if places > 0:
            mentors.append(mentor)
            sides.append(mentor_side(mentor, capacity=places))
    index = {m.pk: j for j, m in enumerate(mentors)}
    pinned = [
        (i, index[s.mentor_id])
        for i, s in enumerate(secondments)
        if s.mentor_confirmed_at is not None and s.mentor_id in index
    ]
    return PairingInput(
        mentors=mentors,
        mentor_sides=sides,
        secondments=secondments,
        trainee_sides=[trainee_side(s) for s in secondments],
        pinned=pinned,
    )
