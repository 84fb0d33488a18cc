"""Components on a common footing, the 以事择人 ceiling, contributions in points."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianbing.engine import footing, pipeline, scoring, taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile
from tests.data import placement_cases

TOWN = taxonomy.unit_kind("镇街道").code
KINDS = taxonomy.UNIT_KIND_CODES

ROWING = PostProfile(
    id="p",
    name="文旅发展岗",
    unit="曹桥街道",
    category=taxonomy.CATEGORY_CODES[1],
    unit_kind=TOWN,
    key_tasks="推动赛艇小镇提升发展，承办赛艇赛事",
    expertise_needed="赛艇运动；体育赛事组织",
    core_abilities=(("reform", 2.0), ("execution", 2.0)),
    develops="基层一线经历；群众工作能力",
)
SHORTCOMINGS = ("", "缺乏基层工作经历", "缺少群众工作经验", "视野局限", "应急处突能力较弱")
UNRELATED = ("信访维稳", "公务接待", "档案管理", "审计监督", "")


def _cadre(cid: str, abilities: tuple[float, ...], **changes: object) -> CadreProfile:
    base = CadreProfile(id=cid, name=cid, origin_unit="市某局", abilities=abilities)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(
    clear_abilities=st.tuples(*[st.floats(60, 100)] * 7),
    other_abilities=st.tuples(*[st.floats(0, 100)] * 7),
    filler=st.floats(10, 50),
    years=st.tuples(st.floats(0, 30), st.floats(0, 30)),
    shortfalls=st.tuples(st.sampled_from(SHORTCOMINGS), st.sampled_from(SHORTCOMINGS)),
    unrelated=st.sampled_from(UNRELATED),
    kind=st.sampled_from(KINDS),
    asked=st.booleans(),
)
def test_a_clear_expertise_match_outranks_a_cadre_sharing_no_term(
    clear_abilities: tuple[float, ...],
    other_abilities: tuple[float, ...],
    filler: float,
    years: tuple[float, float],
    shortfalls: tuple[str, str],
    unrelated: str,
    kind: str,
    asked: bool,
) -> None:
    post = dataclasses.replace(ROWING, unit_kind=kind)
    clear = _cadre(
        "clear",
        clear_abilities,
        expertise="赛艇运动；体育赛事组织",
        grassroots_years=years[0],
        shortcomings=shortfalls[0],
    )
    other = _cadre(
        "other",
        other_abilities,
        expertise=unrelated,
        grassroots_years=years[1],
        shortcomings=shortfalls[1],
        preferred_posts=("p",) if asked else (),
    )
    fillers = [_cadre(f"f{k}", (filler - k,) * 7) for k in range(3)]

    matrix = scoring.score([clear, other, *fillers], [post], scoring.ScoreOptions(fit_floor=0))

    assert matrix.tier is not None
    assert matrix.tier[0, 0] == footing.CLEAR_MATCH
    assert matrix.tier[1, 0] == footing.NO_MATCH
    assert matrix.total[0, 0] > matrix.total[1, 0]


def test_with_default_weights_the_effective_shares_are_the_stated_weights() -> None:
    matrix = scoring.score(placement_cases.cadres(), placement_cases.posts())

    shares = matrix.effective_weights

    assert shares == pytest.approx({"fit": 0.5, "development": 0.3, "complement": 0.2}, abs=0.02)


def test_a_component_that_never_varies_has_no_share() -> None:
    cadres = [dataclasses.replace(c, grassroots_years=2) for c in placement_cases.cadres()]
    posts = [dataclasses.replace(p, unit_kind=TOWN) for p in placement_cases.posts()]

    matrix = scoring.score(cadres, posts)

    assert matrix.effective_weights["complement"] == 0.0


def test_the_contributions_add_up_to_the_total() -> None:
    cadres, posts = placement_cases.cadres(), placement_cases.posts()
    matrix = scoring.score(cadres, posts)

    for i, j in [(0, 0), (5, 17), (41, 41), (12, 3)]:
        points = scoring.contributions(matrix, i, j)
        parts = points.fit + points.development + points.complement + points.adjustment
        assert parts == pytest.approx(points.total, abs=0.15)
        assert points.total == pytest.approx(float(matrix.total[i, j]), abs=0.05)


def test_the_runner_up_is_the_best_other_cadre_of_the_post() -> None:
    matrix = scoring.score(placement_cases.cadres(), placement_cases.posts())
    column = matrix.total[:, 0].copy()
    best = int(np.argmax(column))
    column[best] = -1

    pair = scoring.runner_up(matrix, 0, best)

    assert pair is not None
    assert pair[0].total > pair[1].total
    assert pair[1].total == pytest.approx(float(column.max()), abs=0.05)


def test_the_explanation_names_each_contribution_in_points() -> None:
    cadres, posts = placement_cases.cadres(), placement_cases.posts()
    matrix = scoring.score(cadres, posts)
    points = scoring.contributions(matrix, 0, 0)

    sentences = scoring.explain(cadres[0], posts[0], matrix, 0, 0)

    assert f"专长匹配 {points.fit:+.1f}" in sentences[0]
    assert any("基层经历" in s for s in sentences)


def test_sensitivity_counts_changed_placements_per_weight_variant() -> None:
    result = pipeline.run(placement_cases.cadres(), placement_cases.posts())

    changed = result.sensitivity

    assert set(changed) == {
        "fit-20%",
        "fit+20%",
        "development-20%",
        "development+20%",
        "complement-20%",
        "complement+20%",
        "fit_only",
    }
    assert all(0 <= k <= len(result.cadres) for k in changed.values())


def test_unchanged_weights_change_no_placement() -> None:
    result = pipeline.run(placement_cases.cadres(), placement_cases.posts())
    bonus = scoring.preference_bonus(result.cadres, result.posts, 5.0)

    changed = scoring.retotal(result.scores, result.params.weights, bonus)

    np.testing.assert_array_equal(changed, result.scores.total)


def test_the_stable_objective_leaves_no_blocking_pair_and_reports_the_optimum_total() -> None:
    params = pipeline.MatchParams(objective="stable")

    result = pipeline.run(placement_cases.cadres(), placement_cases.posts(), params)

    assert result.blocking_pairs == ()
    assert result.optimum_total is not None
    assert result.assignment.total <= result.optimum_total + 1e-6


def test_an_unknown_objective_is_refused_in_chinese() -> None:
    with pytest.raises(ValueError, match="稳定优先"):
        pipeline.MatchParams(objective="fast")


def test_each_scaled_component_keeps_a_spread_of_twelve_and_a_half_points() -> None:
    matrix = scoring.score(placement_cases.cadres(), placement_cases.posts())
    assert matrix.footing is not None
    f = matrix.footing

    for k, values in enumerate((matrix.fit, matrix.development, matrix.complement)):
        scaled = footing.scaled(values[matrix.allowed], f.centre[k], f.spread[k])
        assert float(scaled.std()) == pytest.approx(footing.SPREAD_POINTS, rel=0.02)


def test_the_strongest_matches_stay_apart_on_the_common_scale() -> None:
    # A long tail of real matches once clipped to 100 together; the smooth map
    # keeps their order, so fit still decides between two strong matches.
    values = np.array([30.0] * 200 + [31.0] * 200 + [90.0, 95.0], dtype=np.float32)

    centre, spread = float(values.mean()), float(values.std())
    scaled = footing.scaled(values, centre, spread)

    assert scaled.min() > 0
    assert scaled.max() < 100
    assert scaled[-1] > scaled[-2] > scaled[0]


def _greedy_stable(total: np.ndarray, seats: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Pairs taken in descending score order: the stable placement, by a plain loop."""
    post_of = np.full(total.shape[0], -1)
    free = seats.copy()
    for flat in np.argsort(-total, axis=None, kind="stable"):
        i, j = divmod(int(flat), total.shape[1])
        if allowed[i, j] and post_of[i] < 0 and free[j] > 0:
            post_of[i], free[j] = j, free[j] - 1
    return post_of


def test_a_stable_run_is_asked_how_its_own_stable_placement_moves() -> None:
    params = pipeline.MatchParams(objective="stable")
    result = pipeline.run(placement_cases.cadres(), placement_cases.posts(), params)
    fit_only = scoring.retotal(
        result.scores,
        scoring.Weights(fit=1.0, development=0.0, complement=0.0),
        scoring.preference_bonus(result.cadres, result.posts, params.preference_bonus),
    )

    changed = result.sensitivity["fit_only"]

    expected = _greedy_stable(fit_only, result.seats, result.scores.allowed)
    assert changed == int(np.count_nonzero(expected != result.assignment.post_of))
