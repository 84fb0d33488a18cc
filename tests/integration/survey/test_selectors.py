"""The gap report from the database, the round page's queries, and the database rules."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from lianbing.demand import services as demand_services
from lianbing.survey import access, selectors, services
from lianbing.survey.models import Demand
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_gap_report_counts_filed_demands_against_the_programs_pool() -> None:
    program = factories.program()
    origin = factories.unit("市建设局")
    river = factories.cadre(origin=origin, category="construction", expertise="五水共治")
    factories.cadre(origin=origin, category="construction", expertise="道路建设")  # not in pool
    demand_services.program_add_cadres(program=program, cadres=[river])
    survey_round = factories.survey_round(program_=program)
    town = factories.unit("当湖街道", kind="town")
    factories.demand(
        round_=survey_round, host=town, category="construction", seats=3, staffing=1, tags="治水"
    )
    factories.demand(round_=survey_round, host=town, category="party", seats=2, submit=False)

    report = selectors.gap_report(survey_round=survey_round)

    # 3 seats: 1 own, 1 from the pool (the river cadre), 1 unmet; the draft does not count.
    cell = report.analysis.unit_cells("当湖街道")[2]
    assert (cell.demand, cell.own, cell.pool, cell.unmet) == (3, 1, 1, 1)
    assert report.pool_size == 1
    assert [g.need.title for g, _ in report.unmet()] == ["基层治理岗"]


def test_a_unit_page_reads_the_round_wide_figures_of_that_unit_only() -> None:
    survey_round = factories.survey_round()
    factories.cadre(category="social", expertise="信访")
    a = factories.unit("新仓镇", kind="town")
    b = factories.unit("广陈镇", kind="town")
    factories.demand(round_=survey_round, host=a, priority=3)
    factories.demand(round_=survey_round, host=b, priority=1)

    gap_a = selectors.unit_gap(survey_round=survey_round, unit=a)
    gap_b = selectors.unit_gap(survey_round=survey_round, unit=b)

    assert [d.unit for _, d in gap_a.needs] == [a]
    assert (gap_a.unmet, gap_b.unmet) == (0, 1)


def test_the_round_page_takes_the_same_few_queries_for_many_demands(
    django_assert_max_num_queries: object,
) -> None:
    survey_round = factories.survey_round()
    town = factories.unit(kind="town")
    for k in range(12):
        factories.demand(round_=survey_round, host=town, title=f"岗{k}")
    actor = access.Actor(is_staff=True, unit=None)

    # The demands are paged: one query counts them, whatever their number.
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        page = selectors.round_page(actor=actor, survey_round=survey_round)
        for demand in page.demands:
            _ = [a.ability for a in demand.abilities.all()], demand.unit.name, demand.post

    assert len(page.demands) == 12


def test_the_database_refuses_a_demand_with_zero_seats() -> None:
    demand = factories.demand(round_=factories.survey_round(), host=factories.unit(kind="town"))

    with pytest.raises(IntegrityError), transaction.atomic():
        Demand.objects.filter(pk=demand.pk).update(seats=F("seats") - 1)


def test_the_database_refuses_a_post_link_on_a_demand_not_converted() -> None:
    post = factories.post()
    demand = factories.demand(round_=factories.survey_round(), host=factories.unit(kind="town"))

    with pytest.raises(IntegrityError), transaction.atomic():
        Demand.objects.filter(pk=demand.pk).update(post=post)


def test_services_never_link_two_demands_to_one_post() -> None:
    survey_round = factories.survey_round(program_=factories.program())
    demand = factories.demand(round_=survey_round, host=factories.unit(kind="town"))
    services.demand_accept(demand=demand)
    post = services.demand_convert(demand=demand)
    other = factories.demand(round_=survey_round, host=factories.unit(kind="town"))

    with pytest.raises(IntegrityError), transaction.atomic():
        Demand.objects.filter(pk=other.pk).update(post=post, status="converted")
