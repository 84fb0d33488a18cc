"""The talent-gap model against hand-computed cases and an independent oracle."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from lianbing.engine import gap
from lianbing.engine.gap import Need, PoolCadre


def cadre(cid: str, category: str, expertise: str = "") -> PoolCadre:
    return PoolCadre(id=cid, category=category, terms=gap.cadre_terms(expertise))


def test_own_staff_count_first_and_the_pool_fills_part_of_the_rest() -> None:
    needs = [Need(id="n1", unit="新仓镇", category="economy", seats=3, staffing=1)]
    pool = [cadre("c1", "economy")]

    result = gap.analyse(needs, pool)

    # own = min(1, 3) = 1, residual 2, pool 1, unmet 1, gap 1/3
    (row,) = result.needs
    assert (row.own, row.pool, row.unmet) == (1, 1, 1)
    assert row.gap == pytest.approx(1 / 3)
    assert row.reason == gap.REASON_CONTENDED


def test_staff_beyond_the_seats_asked_covers_the_need_and_leaves_the_pool_untouched() -> None:
    needs = [
        Need(id="n1", unit="新仓镇", category="social", seats=2, staffing=5),
        Need(id="n2", unit="曹桥街道", category="social", seats=1),
    ]
    pool = [cadre("c1", "social")]

    result = gap.analyse(needs, pool)

    assert [(g.own, g.pool, g.unmet, g.gap) for g in result.needs] == [
        (2, 0, 0, 0.0),
        (0, 1, 0, 0.0),
    ]
    assert result.unmet_needs == ()


def test_a_shared_cadre_counts_once_and_goes_to_the_more_urgent_need() -> None:
    needs = [
        Need(id="low", unit="曹桥街道", category="social", seats=1, priority=1, title="网格"),
        Need(id="high", unit="当湖街道", category="social", seats=1, priority=3, title="信访"),
    ]
    pool = [cadre("c1", "social")]

    result = gap.analyse(needs, pool)

    assert [g.pool for g in result.needs] == [0, 1]
    assert [g.need.id for g in result.unmet_needs] == ["low"]
    assert result.unmet_needs[0].reason == gap.REASON_CONTENDED
    assert result.needs[0].candidates == 1


def test_the_pool_is_matched_as_a_whole_not_need_by_need() -> None:
    # c1 could fill both needs, c2 only the second: a maximum matching covers both,
    # a greedy pass giving c1 to the second need would leave the first uncovered.
    needs = [
        Need(id="n1", unit="乍浦镇", category="construction", seats=1, tags=("道路建设",)),
        Need(id="n2", unit="乍浦镇", category="construction", seats=1),
    ]
    pool = [cadre("c2", "construction", "市政工程"), cadre("c1", "construction", "道路建设")]

    result = gap.analyse(needs, pool)

    assert [g.pool for g in result.needs] == [1, 1]
    assert [g.candidates for g in result.needs] == [1, 2]


def test_could_fill_needs_the_category_and_one_of_the_tags_topics_included() -> None:
    needs = [Need(id="n1", unit="当湖街道", category="construction", seats=1, tags=("治水",))]
    pool = [
        cadre("river", "construction", "参与五水共治，熟悉污水零直排"),
        cadre("road", "construction", "道路建设"),
        cadre("economist", "economy", "五水共治"),
    ]

    fill = gap.could_fill(needs, pool)

    assert fill[:, 0].tolist() == [True, False, False]


def test_an_unmet_need_names_why_the_pool_cannot_cover_it() -> None:
    needs = [
        Need(id="n1", unit="新埭镇", category="livelihood", seats=1, title="养老服务"),
        Need(id="n2", unit="新埭镇", category="economy", seats=1, tags=("赛艇",), title="赛事"),
    ]
    pool = [cadre("c1", "economy", "招商引资")]

    result = gap.analyse(needs, pool)

    reasons = {g.need.id: g.reason for g in result.unmet_needs}
    assert reasons == {"n1": gap.REASON_NO_CATEGORY, "n2": gap.REASON_NO_EXPERTISE}
    assert result.unmet_needs[0].reason_text


def test_a_unit_and_category_cell_sums_its_needs_and_divides_unmet_by_demand() -> None:
    needs = [
        Need(id="a", unit="新仓镇", category="economy", seats=2, staffing=1),
        Need(id="b", unit="新仓镇", category="economy", seats=2, staffing=2),
        Need(id="c", unit="林埭镇", category="party", seats=1),
    ]
    pool: list[PoolCadre] = []

    result = gap.analyse(needs, pool)

    cell = result.unit_cells("新仓镇")[1]
    # demand 4, own 1 + 2, pool 0, unmet 1: gap 1/4
    assert (cell.demand, cell.own, cell.pool, cell.unmet, cell.supply) == (4, 3, 0, 1, 3)
    assert cell.gap == pytest.approx(0.25)
    assert result.units == ("新仓镇", "林埭镇")
    assert result.gap_matrix[0, 1] == pytest.approx(0.25)
    assert math.isnan(result.gap_matrix[0, 0])
    assert result.gap_matrix[1, 0] == pytest.approx(1.0)
    assert result.unit_cells("钟埭街道") == ()


def test_tag_cells_count_every_need_that_names_the_tag() -> None:
    needs = [
        Need(id="a", unit="曹桥街道", category="economy", seats=2, tags=("企业服务", "科技")),
        Need(id="b", unit="曹桥街道", category="economy", seats=1, tags=("助企服务",)),
    ]
    pool = [cadre("c1", "economy", "走访企业，指导科技项目申报")]

    result = gap.analyse(needs, pool)

    cells = {cell.key: cell for cell in result.by_tag}
    # 助企服务 is a synonym of 企业服务: both needs ask for it, 3 seats, one cadre supplies 1.
    assert (cells["企业服务"].demand, cells["企业服务"].pool, cells["企业服务"].unmet) == (3, 1, 2)
    assert cells["科技"].demand == 2


def test_unmet_needs_are_ranked_by_priority_then_gap_then_unmet_seats() -> None:
    needs = [
        Need(id="p1-half", unit="甲", category="party", seats=2, staffing=1, priority=1),
        Need(id="p1-full", unit="乙", category="party", seats=1, priority=1),
        Need(id="p2-big", unit="丙", category="party", seats=3, priority=2),
        Need(id="p2-small", unit="丁", category="party", seats=1, priority=2),
    ]

    result = gap.analyse(needs, [])

    assert [g.need.id for g in result.unmet_needs] == ["p2-big", "p2-small", "p1-full", "p1-half"]


def test_bad_input_is_refused_with_a_chinese_message() -> None:
    with pytest.raises(gap.GapInputError, match="不是五大类别之一"):
        gap.analyse([Need(id="x", unit="甲", category="外交", seats=1)], [])
    with pytest.raises(gap.GapInputError, match="名额必须至少为 1"):
        gap.analyse([Need(id="x", unit="甲", category="party", seats=0)], [])


def test_no_needs_gives_an_empty_analysis() -> None:
    result = gap.analyse([], [cadre("c1", "party")])

    assert result.needs == ()
    assert result.gap_matrix.shape == (0, 5)
    assert result.total().demand == 0


def _oracle_max_cover(fill: np.ndarray, residual: list[int]) -> int:
    """Maximum number of seats coverable, by seat expansion and Hopcroft-Karp (scipy)."""
    columns = [i for i, r in enumerate(residual) for _ in range(r)]
    if not columns or fill.shape[0] == 0:
        return 0
    expanded = fill[:, columns].astype(np.int8)
    matching = maximum_bipartite_matching(csr_matrix(expanded), perm_type="column")
    return int((matching >= 0).sum())


needs_strategy = st.lists(
    st.tuples(
        st.sampled_from(["甲", "乙", "丙"]),
        st.sampled_from(["party", "economy", "social"]),
        st.integers(1, 3),
        st.integers(0, 3),
        st.sampled_from([(), ("治水",), ("招商引资",), ("治水", "招商引资")]),
        st.integers(1, 3),
    ),
    max_size=6,
)
pool_strategy = st.lists(
    st.tuples(
        st.sampled_from(["party", "economy", "social"]),
        st.sampled_from(["", "五水共治", "招商引资", "治水 招商引资"]),
    ),
    max_size=7,
)


@settings(max_examples=60, deadline=None)
@given(needs_strategy, pool_strategy)
def test_supply_never_exceeds_demand_and_the_pool_covers_the_maximum(
    raw_needs: list[tuple[str, str, int, int, tuple[str, ...], int]],
    raw_pool: list[tuple[str, str]],
) -> None:
    needs = [
        Need(id=f"n{i}", unit=u, category=c, seats=s, staffing=st_, tags=t, priority=p)
        for i, (u, c, s, st_, t, p) in enumerate(raw_needs)
    ]
    pool = [cadre(f"c{j}", c, e) for j, (c, e) in enumerate(raw_pool)]

    result = gap.analyse(needs, pool)

    for row in result.needs:
        assert row.own + row.pool + row.unmet == row.need.seats
        assert 0.0 <= row.gap <= 1.0
        assert row.pool <= row.candidates
    assert sum(row.pool for row in result.needs) <= len(pool)
    residual = [row.need.seats - row.own for row in result.needs]
    fill = gap.could_fill(needs, pool)
    assert sum(row.pool for row in result.needs) == _oracle_max_cover(fill, residual)
