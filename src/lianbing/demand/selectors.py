"""Reads of programs and posts, and the dashboard's figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from lianbing.engine import taxonomy
from lianbing.people.models import Cadre, Mentor

from .models import Post, Program


def current_program() -> Program | None:
    """The newest program, which the pages show by default."""
    return Program.objects.order_by("-started_on", "-id").first()


def post_list(
    *,
    program: Program | None,
    search: str = "",
    category: str = "",
    unit_id: int | None = None,
    unit_kind: str = "",
) -> QuerySet[Post]:
    """Posts of a program matching a search (name, code, tasks, expertise) and filters."""
    qs = Post.objects.select_related("unit", "mentor").prefetch_related("core_abilities")
    if program is None:
        return qs.none()
    qs = qs.filter(program=program)
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(code__icontains=search)
            | Q(key_tasks__icontains=search)
            | Q(expertise_needed__icontains=search)
            | Q(unit__name__icontains=search)
        )
    if category in taxonomy.CATEGORY_CODES:
        qs = qs.filter(category=category)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if unit_kind in taxonomy.UNIT_KIND_CODES:
        qs = qs.filter(unit__kind=unit_kind)
    return qs


def program_post_codes(program: Program | None) -> dict[int, str]:
    """Post pk -> post code (岗位编号) of a program's posts, for 志愿岗位 columns."""
    if program is None:
        return {}
    return dict(Post.objects.filter(program=program).values_list("pk", "code"))


def post_detail(*, post_id: int) -> Post:
    """One post with its unit, mentor, program, core abilities and the cadres who asked for it."""
    qs = Post.objects.select_related("unit", "mentor", "program").prefetch_related(
        "core_abilities", "preferred_by__origin_unit"
    )
    return get_object_or_404(qs, pk=post_id)


@dataclass(frozen=True)
class CategoryCount:
    code: str
    label: str
    cadres: int
    posts: int
    seats: int


@dataclass(frozen=True)
class HostUnitCount:
    unit_id: int
    name: str
    kind_label: str
    posts: int
    seats: int


@dataclass(frozen=True)
class DashboardSummary:
    program: Program | None
    cadres: int
    posts: int
    seats: int
    host_units: int
    origin_units: int
    mentors: int
    by_category: tuple[CategoryCount, ...]
    by_host_unit: tuple[HostUnitCount, ...]


def dashboard_summary(*, program: Program | None) -> DashboardSummary:
    """Counts of the program's pool and posts, by category and by host unit.

    Without a program, the pool is every cadre in the database.
    """
    cadres = Cadre.objects.all() if program is None else program.cadres.all()
    posts = Post.objects.none() if program is None else Post.objects.filter(program=program)

    # One pass over the pool for its size, its origin units and its categories.
    pool = cadres.order_by().aggregate(
        n=Count("id"),
        origins=Count("origin_unit", distinct=True),
        **{f"c_{t.code}": Count("id", filter=Q(category=t.code)) for t in taxonomy.CATEGORIES},
    )
    cadres_by_cat = {t.code: pool[f"c_{t.code}"] for t in taxonomy.CATEGORIES}
    post_rows = {
        row["category"]: row
        for row in posts.order_by().values("category").annotate(n=Count("id"), s=Sum("seats"))
    }
    by_category = tuple(
        CategoryCount(
            code=t.code,
            label=t.label,
            cadres=cadres_by_cat.get(t.code, 0),
            posts=post_rows.get(t.code, {}).get("n", 0),
            seats=post_rows.get(t.code, {}).get("s") or 0,
        )
        for t in taxonomy.CATEGORIES
    )
    kind_label = {t.code: t.label for t in taxonomy.UNIT_KINDS}
    by_host_unit = tuple(
        HostUnitCount(
            unit_id=row["unit_id"],
            name=row["unit__name"],
            kind_label=kind_label.get(row["unit__kind"], ""),
            posts=row["n"],
            seats=row["s"] or 0,
        )
        for row in posts.order_by()
        .values("unit_id", "unit__name", "unit__kind")
        .annotate(n=Count("id"), s=Sum("seats"))
        .order_by("unit__kind", "-n", "unit__name")
    )
    totals = posts.order_by().aggregate(n=Count("id"), s=Sum("seats"))
    # The mentors the program can pair: those at its host units, whether or
    # not a post names them (mentors are often imported after the posts).
    mentors = (
        Mentor.objects.filter(unit_id__in=[row.unit_id for row in by_host_unit]).count()
        if by_host_unit
        else 0
    )
    return DashboardSummary(
        program=program,
        cadres=pool["n"],
        posts=totals["n"] or 0,
        seats=totals["s"] or 0,
        host_units=len(by_host_unit),
        origin_units=pool["origins"],
        mentors=mentors,
        by_category=by_category,
        by_host_unit=by_host_unit,
    )


def program_list() -> QuerySet[Program]:
    """Programs with their number of posts and cadres."""
    return Program.objects.annotate(
        n_posts=Count("posts", distinct=True), n_cadres=Count("cadres", distinct=True)
    ).order_by("-started_on", "name")


def program_by_id(program_id: int) -> Program:
    return get_object_or_404(Program, pk=program_id)
