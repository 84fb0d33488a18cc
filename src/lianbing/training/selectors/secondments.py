"""Reads of a program's secondments (练兵安排): the department's list, its export, placements.

The mentor state of a secondment is one of three: no mentor yet (导师待定), a
mentor named but not confirmed by the department (待确认: proposed by the
pairing or taken from the post), or confirmed (已确认). Only a confirmed
mentor is shown to people outside the department: nothing is final before.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianbing.accounts import access as accounts_access
from lianbing.accounts.models import Role
from lianbing.accounts.roles import roles_of
from lianbing.demand import selectors as demand_selectors
from lianbing.demand.models import Post, Program
from lianbing.people.models import Cadre, Mentor, Unit
from lianbing.xlsx.secondments import SecondmentLine

from .. import access as training_access
from ..clock import add_months
from ..models import Secondment

PAGE_SIZE = 25


class MentorState(StrEnum):
    PENDING = "pending"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"


MENTOR_STATE_LABELS: dict[MentorState, Promise] = {
    MentorState.PENDING: _("导师待定"),
    MentorState.PROPOSED: _("待确认"),
    MentorState.CONFIRMED: _("已确认"),
}

_STATE_FILTERS: dict[MentorState, Q] = {
    MentorState.PENDING: Q(mentor__isnull=True),
    MentorState.PROPOSED: Q(mentor__isnull=False, mentor_confirmed_at__isnull=True),
    MentorState.CONFIRMED: Q(mentor_confirmed_at__isnull=False),
}


def mentor_state(secondment: Secondment) -> MentorState:
    if secondment.mentor_confirmed_at is not None:
        return MentorState.CONFIRMED
    if secondment.mentor_id is not None:
        return MentorState.PROPOSED
    return MentorState.PENDING


def ends_on(secondment: Secondment) -> datetime.date:
    """The last day of the secondment: ``duration_months`` after the start, less a day."""
    return add_months(secondment.started_on, secondment.duration_months) - datetime.timedelta(
        days=1
    )


@dataclass(frozen=True)
class SecondmentRow:
    """One secondment as the pages show it."""

    secondment: Secondment
    state: MentorState
    ends_on: datetime.date

    @property
    def state_label(self) -> Promise:
        return MENTOR_STATE_LABELS[self.state]

    @property
    def superseded(self) -> bool:
        return self.secondment.superseded_at is not None


def _row(secondment: Secondment) -> SecondmentRow:
    return SecondmentRow(
        secondment=secondment, state=mentor_state(secondment), ends_on=ends_on(secondment)
    )


# --------------------------------------------------------------------------- the list


@dataclass(frozen=True)
class SecondmentFilters:
    """What the 练兵安排 list is narrowed to; read from the query string by the view."""

    program_id: int | None = None
    unit_id: int | None = None
    state: str = ""
    search: str = ""
    superseded: bool = False

    @property
    def mentor_state(self) -> MentorState | None:
        try:
            return MentorState(self.state)
        except ValueError:
            return None


def program_of(program_id: int | None) -> Program | None:
    """The program named by id (``Http404`` when there is none), else the one to open on.

    That is the current program when it has secondments; while it is still at
    the matching stage, the newest program that has them (the program in
    training), so the department does not open on an empty list.
    """
    if program_id is None:
        current = demand_selectors.current_program()
        if current is None or current.secondments.exists():
            return current
        in_training = (
            Program.objects.filter(secondments__isnull=False)
            .distinct()
            .order_by("-started_on", "-id")
            .first()
        )
        return in_training or current
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        raise Http404
    return program


def program_choices() -> QuerySet[Program]:
    return Program.objects.order_by("-started_on", "-id")


def host_units(program: Program | None) -> QuerySet[Unit]:
    """The units with posts of ``program`` (its host units), for the unit filter."""
    if program is None:
        return Unit.objects.none()
    return Unit.objects.filter(posts__program=program).distinct().order_by("kind", "name")


def _base(program: Program, filters: SecondmentFilters) -> QuerySet[Secondment]:
    qs = Secondment.objects.filter(program=program).select_related(
        "cadre",
        "cadre__origin_unit",
        "post",
        "post__unit",
        "mentor",
        "mentor__unit",
        "proposed_mentor",
        "proposed_mentor__unit",
    )
    if not filters.superseded:
        qs = qs.filter(superseded_at__isnull=True)
    if filters.unit_id:
        qs = qs.filter(post__unit_id=filters.unit_id)
    if filters.search:
        qs = qs.filter(
            Q(cadre__name__icontains=filters.search)
            | Q(cadre__code__icontains=filters.search)
            | Q(mentor__name__icontains=filters.search)
        )
    return qs


def secondments_filtered(program: Program, filters: SecondmentFilters) -> QuerySet[Secondment]:
    """The program's secondments narrowed by ``filters``, by host unit, post and cadre."""
    qs = _base(program, filters)
    state = filters.mentor_state
    if state is not None:
        qs = qs.filter(_STATE_FILTERS[state])
    return qs.order_by("post__unit__name", "post__code", "cadre__code", "pk")


@dataclass(frozen=True)
class SecondmentPage:
    """One page of the list, the counts per mentor state and what the filters offer."""

    program: Program | None
    filters: SecondmentFilters
    page: Page[Any] | None
    rows: list[SecondmentRow]
    total: int
    counts: dict[MentorState, int]
    programs: QuerySet[Program]
    units: QuerySet[Unit]

    @property
    def state_counts(self) -> list[tuple[MentorState, Promise, int]]:
        return [(s, MENTOR_STATE_LABELS[s], self.counts[s]) for s in MentorState]


def secondment_page(filters: SecondmentFilters, page_number: str | None) -> SecondmentPage:
    """One page of the program's secondments, with the counts of each mentor state.

    The counts are over the other filters (unit, search, superseded), so the
    state tabs say how many each would show.
    """
    program = program_of(filters.program_id)
    if program is None:
        empty = {s: 0 for s in MentorState}
        return SecondmentPage(
            None, filters, None, [], 0, empty, program_choices(), Unit.objects.none()
        )
    counts_row = _base(program, filters).aggregate(
        **{state.value: Count("pk", filter=q) for state, q in _STATE_FILTERS.items()}
    )
    counts = {state: int(counts_row[state.value] or 0) for state in MentorState}
    page = Paginator(secondments_filtered(program, filters), PAGE_SIZE).get_page(page_number)
    return SecondmentPage(
        program=program,
        filters=filters,
        page=page,
        rows=[_row(s) for s in page.object_list],
        total=page.paginator.count,
        counts=counts,
        programs=program_choices(),
        units=host_units(program),
    )


def _line(secondment: Secondment) -> SecondmentLine:
    state = mentor_state(secondment)
    mentor = secondment.mentor
    return SecondmentLine(
        cadre_code=secondment.cadre.code,
        cadre_name=secondment.cadre.name,
        origin_unit=secondment.cadre.origin_unit.name,
        host_unit=secondment.post.unit.name,
        post_code=secondment.post.code,
        post_name=secondment.post.name,
        mentor=mentor.name if mentor is not None else "",
        mentor_position=mentor.position if mentor is not None else "",
        mentor_state=str(MENTOR_STATE_LABELS[state]),
        started_on=secondment.started_on,
        ends_on=ends_on(secondment),
        duration_months=secondment.duration_months,
        note=(
            str(_("已被取代：%(reason)s") % {"reason": secondment.supersede_reason})
            if secondment.superseded_at is not None
            else secondment.mentor_reason
        ),
    )


@dataclass(frozen=True)
class SecondmentExport:
    program: Program
    lines: list[SecondmentLine]
    #: The filters in words ("" = the whole program's current secondments).
    scope: str


def _scope(filters: SecondmentFilters) -> str:
    parts: list[str] = []
    if filters.unit_id:
        unit = Unit.objects.filter(pk=filters.unit_id).first()
        if unit is not None:
            parts.append(unit.name)
    state = filters.mentor_state
    if state is not None:
        parts.append(str(MENTOR_STATE_LABELS[state]))
    if filters.search:
        parts.append(str(_("搜索“%(q)s”") % {"q": filters.search}))
    if filters.superseded:
        parts.append(str(_("含已取代")))
    return "，".join(parts)


def secondment_export(filters: SecondmentFilters) -> SecondmentExport | None:
    """Every secondment the list shows under ``filters`` (all pages), as export lines."""
    program = program_of(filters.program_id)
    if program is None:
        return None
    return SecondmentExport(
        program=program,
        lines=[_line(s) for s in secondments_filtered(program, filters)],
        scope=_scope(filters),
    )


# --------------------------------------------------------------------------- placements


@dataclass(frozen=True)
class Placement:
    """A current secondment as a cadre's or a post's page shows it.

    ``mentor`` is None unless the viewer may see it: the department sees a
    mentor not yet confirmed (with its state), everyone else only a confirmed one.
    """

    row: SecondmentRow
    mentor: Mentor | None
    post_visible: bool
    cadre_visible: bool
    #: The viewer may open the secondment's 练兵档案.
    record_visible: bool

    @property
    def secondment(self) -> Secondment:
        return self.row.secondment


def _sees_proposals(user: Any) -> bool:
    return bool({Role.STAFF, Role.AUDITOR} & roles_of(user))


def _placements(
    user: Any, secondments: Sequence[Secondment], *, cadre_visible: set[int], post_visible: set[int]
) -> list[Placement]:
    proposals = _sees_proposals(user)
    records = set(
        training_access.visible_secondments(user)
        .filter(pk__in=[s.pk for s in secondments])
        .values_list("pk", flat=True)
    )
    placements = []
    for s in secondments:
        row = _row(s)
        shown = s.mentor if (proposals or row.state == MentorState.CONFIRMED) else None
        placements.append(
            Placement(
                row=row,
                mentor=shown,
                post_visible=s.post_id in post_visible,
                cadre_visible=s.cadre_id in cadre_visible,
                record_visible=s.pk in records,
            )
        )
    return placements


def _current() -> QuerySet[Secondment]:
    return Secondment.objects.filter(superseded_at__isnull=True).select_related(
        "program", "cadre", "cadre__origin_unit", "post", "post__unit", "mentor", "mentor__unit"
    )


def cadre_placements(*, user: Any, cadre: Cadre) -> list[Placement]:
    """The cadre's current secondments (newest program first), for a reader of the cadre's page."""
    secondments = list(_current().filter(cadre=cadre).order_by("-program__started_on", "-pk"))
    post_ids = [s.post_id for s in secondments]
    visible = set(
        accounts_access.visible_posts(user).filter(pk__in=post_ids).values_list("pk", flat=True)
    )
    return _placements(user, secondments, cadre_visible={cadre.pk}, post_visible=visible)


def post_placements(*, user: Any, post: Post) -> list[Placement]:
    """The post's current secondments whose cadre ``user`` may read, for a reader of the post's page."""
    secondments = list(
        _current()
        .filter(post=post, cadre__in=accounts_access.visible_cadres(user))
        .order_by("cadre__code", "pk")
    )
    return _placements(
        user,
        secondments,
        cadre_visible={s.cadre_id for s in secondments},
        post_visible={post.pk},
    )
