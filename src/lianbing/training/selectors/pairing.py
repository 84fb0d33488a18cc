"""Reads of mentor pairing (导师结对): the mentors a program can draw on, their load, the page.

A mentor's *load* is the number of trainees the department has confirmed for
them whose secondment is current (not superseded) and not yet over on the
clock's date; it may never exceed the mentor's capacity (可带人数). A
secondment that has run its course frees its mentor for the next program.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lianbing.demand.models import Program
from lianbing.people.models import Mentor

from .. import clock
from ..models import Secondment
from . import secondments as secondment_selectors
from .secondments import SecondmentFilters, SecondmentPage, SecondmentRow


def pairing_mentors(program: Program) -> QuerySet[Mentor]:
    """The mentors a program's pairing draws on.

    The mentors of its host units (units with posts of the program), the
    mentors its posts name, and those already confirmed for one of its current
    secondments, wherever they work.
    """
    return (
        Mentor.objects.filter(
            Q(unit__posts__program=program)
            | Q(posts__program=program)
            | Q(
                secondments__program=program,
                secondments__superseded_at__isnull=True,
                secondments__mentor_confirmed_at__isnull=False,
            )
        )
        .distinct()
        .select_related("unit")
        .order_by("unit__name", "name", "pk")
    )


def current_secondments(program: Program) -> QuerySet[Secondment]:
    """The program's current secondments, with what the pairing reads of each."""
    return (
        Secondment.objects.filter(program=program, superseded_at__isnull=True)
        .select_related("cadre", "post", "post__unit", "post__mentor", "mentor", "proposed_mentor")
        .order_by("post__unit__name", "post__code", "cadre__code", "pk")
    )


def mentor_loads(
    mentor_ids: Iterable[int],
    *,
    today: datetime.date | None = None,
    exclude: Q | None = None,
) -> Counter[int]:
    """How many confirmed, current, not yet ended secondments each mentor has.

    ``exclude`` leaves some secondments out of the count (the one being
    re-confirmed, or a whole program the pairing is about to place).
    """
    day = today or clock.today()
    qs = Secondment.objects.filter(
        mentor_id__in=list(mentor_ids),
        mentor_confirmed_at__isnull=False,
        superseded_at__isnull=True,
    ).only("mentor_id", "started_on", "duration_months")
    if exclude is not None:
        qs = qs.exclude(exclude)
    return Counter(
        s.mentor_id
        for s in qs
        if s.mentor_id is not None and secondment_selectors.ends_on(s) >= day
    )


# --------------------------------------------------------------------------- the page


@dataclass(frozen=True)
class MentorOption:
    mentor: Mentor
    load: int

    @property
    def full(self) -> bool:
        return self.load >= self.mentor.capacity


@dataclass(frozen=True)
class PairingRow:
    """One trainee of the pairing page, with the mentors to choose from (own unit first)."""

    row: SecondmentRow
    same_unit: list[MentorOption]
    others: list[MentorOption]

    @property
    def secondment(self) -> Secondment:
        return self.row.secondment


@dataclass(frozen=True)
class PairingPage:
    listing: SecondmentPage
    rows: list[PairingRow]
    #: Trainees of the program whose mentor is proposed but not confirmed.
    to_confirm: int
    mentors: int


def pairing_page(filters: SecondmentFilters, page_number: str | None) -> PairingPage:
    """One page of the program's current trainees with their proposals and the mentors to pick."""
    listing = secondment_selectors.secondment_page(
        SecondmentFilters(
            program_id=filters.program_id,
            unit_id=filters.unit_id,
            state=filters.state,
            search=filters.search,
        ),
        page_number,
    )
    program = listing.program
    if program is None:
        return PairingPage(listing=listing, rows=[], to_confirm=0, mentors=0)
    mentors = list(pairing_mentors(program))
    loads = mentor_loads(m.pk for m in mentors)
    options = [MentorOption(mentor=m, load=loads[m.pk]) for m in mentors]
    by_unit: dict[int, list[MentorOption]] = {}
    for option in options:
        by_unit.setdefault(option.mentor.unit_id, []).append(option)
    rows = [
        PairingRow(
            row=row,
            same_unit=by_unit.get(row.secondment.post.unit_id, []),
            others=[o for o in options if o.mentor.unit_id != row.secondment.post.unit_id],
        )
        for row in listing.rows
    ]
    return PairingPage(
        listing=listing,
        rows=rows,
        to_confirm=proposed_count(program),
        mentors=len(mentors),
    )


def proposed_count(program: Program) -> int:
    return (
        current_secondments(program)
        .filter(mentor__isnull=False, mentor_confirmed_at__isnull=True)
        .count()
    )


def proposed_pairs(program: Program) -> list[Secondment]:
    """The program's current secondments with a mentor named and not yet confirmed."""
    return list(
        current_secondments(program).filter(mentor__isnull=False, mentor_confirmed_at__isnull=True)
    )


def mentor_choice(mentor_id: int | None) -> Mentor | None:
    """The mentor the department picked from the list (any mentor of a host unit), or None."""
    if mentor_id is None:
        return None
    return Mentor.objects.select_related("unit").filter(pk=mentor_id).first()
