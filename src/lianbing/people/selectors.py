"""Reads of units, cadres and mentors; each does its joins up front."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from lianbing.engine import taxonomy

from .models import AbilityAssessment, Cadre, Mentor, Unit


def cadre_list(
    *,
    search: str = "",
    category: str = "",
    unit_id: int | None = None,
    within: QuerySet[Cadre] | None = None,
) -> QuerySet[Cadre]:
    """Cadres matching a free-text search (name, code, expertise, experience, position).

    ``within`` narrows the list to the cadres an account may see
    (``lianbing.accounts.access.visible_cadres``).
    """
    qs = Cadre.objects.select_related("origin_unit")
    # Unfiltered (department staff see every cadre) it would only add a
    # semi-join over the whole table to the count and to the page.
    if within is not None and within.query.has_filters():
        qs = qs.filter(pk__in=within.values("pk"))
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(code__icontains=search)
            | Q(expertise__icontains=search)
            | Q(experience__icontains=search)
            | Q(position__icontains=search)
        )
    if category in taxonomy.CATEGORY_CODES:
        qs = qs.filter(category=category)
    if unit_id:
        qs = qs.filter(origin_unit_id=unit_id)
    return qs


def cadre_detail(*, cadre_id: int) -> Cadre:
    """One cadre with assessments, work history, avoided units and preferred posts."""
    qs = Cadre.objects.select_related("origin_unit").prefetch_related(
        Prefetch("assessments", queryset=AbilityAssessment.objects.order_by("-assessed_on", "-id")),
        "work_history",
        "avoided_units",
        "preferred_posts__unit",
    )
    return get_object_or_404(qs, pk=cadre_id)


def cadres_for_export(cadres: QuerySet[Cadre]) -> QuerySet[Cadre]:
    """``cadres`` with what their engine profile needs, loaded up front."""
    return cadres.prefetch_related(
        Prefetch("assessments", queryset=AbilityAssessment.objects.order_by("-assessed_on", "-id")),
        "avoided_units",
        "preferred_posts",
    )


def latest_assessment(cadre: Cadre) -> AbilityAssessment | None:
    """The newest assessment among those prefetched by :func:`cadre_detail`."""
    assessments = list(cadre.assessments.all())
    return assessments[0] if assessments else None


def origin_units() -> QuerySet[Unit]:
    """Units that cadres come from, for filter drop-downs."""
    return Unit.objects.filter(cadres__isnull=False).distinct().order_by("name")


def host_units() -> QuerySet[Unit]:
    """Units that host posts, for filter drop-downs."""
    return Unit.objects.filter(posts__isnull=False).distinct().order_by("kind", "name")


def unit_list(*, kind: str = "", search: str = "") -> QuerySet[Unit]:
    """Units with the number of their cadres, posts and mentors."""
    qs = (
        Unit.objects.select_related("parent")
        .annotate(
            n_cadres=Count("cadres", distinct=True),
            n_posts=Count("posts", distinct=True),
            n_mentors=Count("mentors", distinct=True),
        )
        .order_by("kind", "name")
    )
    if kind in taxonomy.UNIT_KIND_CODES:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(name__icontains=search)
    return qs


def unit_detail(*, unit_id: int) -> Unit:
    """One unit with its cadres, posts (with mentors) and mentors."""
    qs = Unit.objects.select_related("parent").prefetch_related(
        "cadres", "posts__mentor", "mentors", "children"
    )
    return get_object_or_404(qs, pk=unit_id)


def mentor_list(*, search: str = "", unit_id: int | None = None) -> QuerySet[Mentor]:
    """Mentors by unit and name, matching a search of their name or code, with their unit."""
    qs = Mentor.objects.select_related("unit").order_by("unit__name", "name", "code")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs


def mentor_units() -> QuerySet[Unit]:
    """Units that have mentors, for filter drop-downs."""
    return Unit.objects.filter(mentors__isnull=False).distinct().order_by("name")
