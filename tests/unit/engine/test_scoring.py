"""Pair scores: fit, development, complement, hard rules and explanations."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from lianbing.engine import scoring, taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile
from tests.article_cases import article_cadres, article_placements, article_posts

TOWN = taxonomy.unit_kind("镇街道").code
PLATFORM = taxonomy.unit_kind("市级平台").code
CATEGORY = taxonomy.CATEGORY_CODES


def a_cadre(**changes: object) -> CadreProfile:
    cadre = CadreProfile(
        id="c",
        name="干部",
        origin_unit="市某局",
        abilities=(70.0,) * 7,
        category=CATEGORY[0],
    )
    return dataclasses.replace(cadre, **changes)  # type: ignore[arg-type]


def a_post(**changes: object) -> PostProfile:
    post = PostProfile(id="p", name="岗位", unit="某镇", category=CATEGORY[1], unit_kind=TOWN)
    return dataclasses.replace(post, **changes)  # type: ignore[arg-type]


PHRASES = (
    "赛艇小镇",
    "数字化改革",
    "招商引资",
    "信访维稳",
    "污水零直排",
    "群众工作能力",
    "基层经验缺乏",
    "项目建设",
    "公务接待",
    "",
)
UNITS = ("市建设局", "新仓镇", "曹桥街道", "市数字化改革专班")

free_text = st.lists(st.sampled_from(PHRASES), max_size=3).map("，".join)
ability_scores = st.tuples(*[st.floats(0, 100, allow_nan=False)] * 7)

random_cadres = st.builds(
    CadreProfile,
    id=st.uuids().map(str),
    name=st.just("干部"),
    origin_unit=st.sampled_from(UNITS),
    abilities=ability_scores,
    category=st.none() | st.sampled_from(CATEGORY),
    grassroots_years=st.floats(0, 40, allow_nan=False),
    expertise=free_text,
    experience=free_text,
    shortcomings=free_text,
    avoided_units=st.lists(st.sampled_from(UNITS), max_size=2).map(tuple),
    preferred_posts=st.lists(st.sampled_from(["p0", "p1", "p2"]), max_size=2).map(tuple),
)
random_posts = st.builds(
    PostProfile,
    id=st.sampled_from(["p0", "p1", "p2", "p3"]),
    name=st.just("岗位"),
    unit=st.sampled_from(UNITS),
    category=st.sampled_from(CATEGORY),
    unit_kind=st.sampled_from(taxonomy.UNIT_KIND_CODES),
    duties=free_text,
    key_tasks=free_text,
    expertise_needed=free_text,
    core_abilities=st.lists(
        st.tuples(st.sampled_from(taxonomy.ABILITY_CODES), st.floats(0, 5, allow_nan=False)),
        max_size=3,
    ).map(tuple),
    develops=free_text,
)


# --- bounds and shapes ---------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(random_cadres, min_size=1, max_size=4), st.lists(random_posts, max_size=4))
def test_every_score_lies_within_0_and_100(
    cadres: list[CadreProfile], posts: list[PostProfile]
) -> None:
    matrix = scoring.score(cadres, posts)

    for values in (matrix.fit, matrix.development, matrix.complement, matrix.total):
        assert values.shape == (len(cadres), len(posts))
        assert values.dtype == np.float32
        assert np.all((values >= 0) & (values <= 100))
    assert np.array_equal(matrix.allowed, matrix.forbidden_reason == scoring.ALLOWED)


@settings(max_examples=60, deadline=None)
@given(st.lists(random_cadres, min_size=1, max_size=4), st.lists(random_posts, max_size=4))
def test_origin_and_avoided_units_are_never_allowed(
    cadres: list[CadreProfile], posts: list[PostProfile]
) -> None:
    matrix = scoring.score(cadres, posts, scoring.ScoreOptions(fit_floor=0))

    for i, cadre in enumerate(cadres):
        for j, post in enumerate(posts):
            if post.unit == cadre.origin_unit:
                assert matrix.forbidden_reason[i, j] == scoring.ORIGIN_UNIT
            elif post.unit in cadre.avoided_units:
                assert matrix.forbidden_reason[i, j] == scoring.AVOIDED_UNIT
            else:
                assert matrix.allowed[i, j]


def test_no_cadres_or_no_posts_give_empty_matrices() -> None:
    no_cadres = scoring.score([], [a_post()])

    no_posts = scoring.score([a_cadre()], [])

    assert no_cadres.total.shape == (0, 1)
    assert no_posts.allowed.shape == (1, 0)


# --- fit ----------------------------------------------------------------------


def test_the_ability_part_is_the_weighted_mean_on_the_core_abilities() -> None:
    abilities = (80.0, 60.0, 70.0, 90.0, 50.0, 40.0, 100.0)
    cadre = a_cadre(abilities=abilities)
    weighted = a_post(core_abilities=(("reform", 3.0), ("群众工作能力", 1.0)))
    plain = a_post(id="q")
    expected_weighted = (90.0 * 3 + 40.0 * 1) / 4
    expected_plain = sum(abilities) / 7

    matrix = scoring.score([cadre], [weighted, plain])

    share = scoring.FIT_PARTS["ability"]
    assert matrix.fit[0, 0] == pytest.approx(share * expected_weighted, abs=1e-4)
    assert matrix.fit[0, 1] == pytest.approx(share * expected_plain, abs=1e-4)


def test_the_same_category_adds_its_share_of_fit() -> None:
    cadre = a_cadre(category=CATEGORY[2])
    same, other = a_post(category=CATEGORY[2]), a_post(id="q", category=CATEGORY[3])

    matrix = scoring.score([cadre], [same, other])

    gap = matrix.fit[0, 0] - matrix.fit[0, 1]
    assert gap == pytest.approx(100 * scoring.FIT_PARTS["category"], abs=1e-4)


def test_shared_expertise_raises_fit() -> None:
    cadre = a_cadre(expertise="赛艇")
    rowing = a_post(key_tasks="以创新思维推动赛艇小镇提升发展")
    petitions = a_post(id="q", key_tasks="化解信访积案")

    matrix = scoring.score([cadre], [rowing, petitions])

    assert matrix.fit[0, 0] > matrix.fit[0, 1]


def test_a_fit_below_the_floor_is_not_allowed() -> None:
    cadre = a_cadre(abilities=(10.0,) * 7)
    post = a_post()

    strict = scoring.score([cadre], [post], scoring.ScoreOptions(fit_floor=50))
    lenient = scoring.score([cadre], [post], scoring.ScoreOptions(fit_floor=0))

    assert strict.forbidden_reason[0, 0] == scoring.BELOW_FIT_FLOOR
    assert lenient.allowed[0, 0]


def test_the_origin_unit_outranks_other_reasons() -> None:
    cadre = a_cadre(origin_unit="新仓镇", avoided_units=("新仓镇",), abilities=(0.0,) * 7)

    matrix = scoring.score([cadre], [a_post(unit=" 新仓镇 ")])

    assert matrix.forbidden_reason[0, 0] == scoring.ORIGIN_UNIT


# --- development ---------------------------------------------------------------


def test_a_post_training_the_weakest_ability_develops_more() -> None:
    cadre = a_cadre(abilities=(80.0, 80.0, 80.0, 80.0, 80.0, 40.0, 80.0))
    weak = a_post(develops="群众工作能力")
    strong = a_post(id="q", develops="政治能力")

    matrix = scoring.score([cadre], [weak, strong])

    assert matrix.development[0, 0] > matrix.development[0, 1]


def test_a_post_addressing_the_stated_shortcoming_develops_more() -> None:
    cadre = a_cadre(shortcomings="基层经验缺乏，缺少项目现场管理经验")
    matching = a_post(develops="基层经验；项目建设经验")
    unrelated = a_post(id="q", develops="文稿起草")

    matrix = scoring.score([cadre], [matching, unrelated])

    assert matrix.development[0, 0] > matrix.development[0, 1]


# --- complement ---------------------------------------------------------------


def test_grassroots_poor_cadres_lean_to_towns_and_grassroots_rich_to_platforms() -> None:
    poor, rich = a_cadre(grassroots_years=0), a_cadre(id="r", grassroots_years=10)
    town, platform = a_post(unit_kind=TOWN), a_post(id="q", unit_kind=PLATFORM)

    matrix = scoring.score([poor, rich], [town, platform])

    assert matrix.complement[0, 0] > matrix.complement[0, 1]
    assert matrix.complement[1, 1] > matrix.complement[1, 0]


@given(st.floats(0, 40, allow_nan=False), st.floats(0, 40, allow_nan=False))
def test_the_town_affinity_falls_as_grassroots_years_grow(a: float, b: float) -> None:
    low, high = sorted((a, b))

    values = scoring.complement_curve(np.array([low, high]))

    assert values[0] >= values[1]
    assert 0 <= values[1] <= values[0] <= 100


# --- total --------------------------------------------------------------------


def test_the_preference_bonus_raises_the_total() -> None:
    asked = a_cadre(preferred_posts=("p",))
    silent = a_cadre(id="s")

    matrix = scoring.score([asked, silent], [a_post()], scoring.ScoreOptions(preference_bonus=7))

    assert matrix.total[0, 0] - matrix.total[1, 0] == pytest.approx(7.0, abs=1e-4)


def test_the_total_is_the_normalised_weighted_sum_of_the_components_on_their_common_scale() -> None:
    weights = scoring.Weights(fit=2, development=1, complement=1)
    cadres = [
        a_cadre(id=f"c{k}", shortcomings="群众工作", grassroots_years=k, abilities=(60.0 + k,) * 7)
        for k in range(4)
    ]
    posts = [a_post(develops="群众工作能力"), a_post(id="q", unit_kind=PLATFORM)]

    matrix = scoring.score(cadres, posts, scoring.ScoreOptions(weights))

    assert matrix.footing is not None
    f = matrix.footing
    scaled = [
        50 + 50 * np.tanh(12.5 * (v - c) / (50 * s)) if s else np.full(v.shape, 50.0)
        for v, c, s in zip(
            (matrix.fit, matrix.development, matrix.complement), f.centre, f.spread, strict=True
        )
    ]
    expected = (2 * scaled[0] + scaled[1] + scaled[2]) / 4
    np.testing.assert_allclose(matrix.total, expected, atol=1e-3)


# --- weights ------------------------------------------------------------------


def test_default_weights_sum_to_one() -> None:
    weights = scoring.Weights()

    total = sum(weights.normalised())

    assert total == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("given_text", "expected"),
    [
        ("fit=0.5,development=0.3,complement=0.2", scoring.Weights(0.5, 0.3, 0.2)),
        ("专长匹配=6；短板提升=3；岗位互补=1", scoring.Weights(6, 3, 1)),
        (" fit = 1 , complement:0 ", scoring.Weights(1, 0.3, 0)),
    ],
)
def test_weights_are_parsed_from_text(given_text: str, expected: scoring.Weights) -> None:
    weights = scoring.Weights.parse(given_text)

    assert weights == expected


@pytest.mark.parametrize(
    ("given_text", "message"),
    [
        ("", "权重为空"),
        ("fit", "缺少"),
        ("speed=1", "未知的权重名"),
        ("fit=1,fit=2", "重复"),
        ("fit=abc", "不是数字"),
        ("fit=-1", "不小于 0"),
        ("fit=0,development=0,complement=0", "不能全为 0"),
    ],
)
def test_bad_weights_are_refused_in_chinese(given_text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        scoring.Weights.parse(given_text)


# --- categories ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin_unit", "label"),
    [
        ("市建设局", "城建交通"),
        ("市少体校", "民生事业"),
        ("市经信局", "经济管理"),
        ("市机关事务中心", "党政群团"),
        ("市公安局", "社会管理"),
    ],
)
def test_a_blank_category_is_derived_from_the_origin_unit(origin_unit: str, label: str) -> None:
    cadre = a_cadre(category=None, origin_unit=origin_unit)

    code = scoring.derive_category(cadre)

    assert code == taxonomy.category(label).code


def test_a_given_category_is_kept_and_no_keyword_falls_back_to_the_first() -> None:
    given_category = a_cadre(category=CATEGORY[3], origin_unit="市建设局")
    nothing = a_cadre(category=" ", origin_unit="某处")

    codes = (scoring.derive_category(given_category), scoring.derive_category(nothing))

    assert codes == (CATEGORY[3], CATEGORY[0])


# --- explanations ---------------------------------------------------------------


def test_the_explanation_for_wang_nannan_names_rowing() -> None:
    cadres, posts = article_cadres(), article_posts()
    matrix = scoring.score(cadres, posts)

    sentences = scoring.explain(cadres[0], posts[0], matrix, 0, 0)

    assert any("赛艇" in s for s in sentences)
    assert any("下沉镇街道" in s for s in sentences)


def test_the_explanation_of_a_forbidden_pair_starts_with_its_reason() -> None:
    cadre = a_cadre(origin_unit="某镇", preferred_posts=("p",))
    post = a_post()
    matrix = scoring.score([cadre], [post])

    sentences = scoring.explain(cadre, post, matrix, 0, 0)

    assert sentences[0].startswith(scoring.FORBIDDEN_REASON_TEXT[scoring.ORIGIN_UNIT])
    assert "系本人志愿岗位" in sentences


# --- the article's six placements ---------------------------------------------------


def test_each_article_cadre_ranks_its_own_post_in_its_top_three() -> None:
    cadres, posts = article_cadres(), article_posts()
    column = {post.id: j for j, post in enumerate(posts)}

    matrix = scoring.score(cadres, posts)

    for i, cadre in enumerate(cadres):
        own = column[article_placements()[cadre.id]]
        better = np.sum(matrix.total[i] > matrix.total[i, own])
        assert matrix.allowed[i, own], cadre.name
        assert better < 3, cadre.name


def test_the_best_assignment_reproduces_the_article() -> None:
    cadres, posts = article_cadres(), article_posts()
    matrix = scoring.score(cadres, posts)
    cost = np.where(matrix.allowed, -matrix.total.astype(np.float64), 1e6)

    rows, columns = linear_sum_assignment(cost)

    placed = {cadres[i].id: posts[j].id for i, j in zip(rows, columns, strict=True)}
    assert placed == article_placements()


def test_needs_coverage_is_the_share_of_needed_terms_the_cadre_names() -> None:
    named = a_cadre(expertise="数字化；数据分析")
    worked = a_cadre(id="w", experience="从事数据分析工作")
    other = a_cadre(id="o", expertise="公务接待")
    post = a_post(expertise_needed="数字化；数据分析；系统集成")

    coverage = scoring.needs_coverage([named, worked, other], [post])

    expected = [200 / 3, 100 / 3 * scoring.NEEDS_IN_EXPERIENCE, 0.0]
    np.testing.assert_allclose(coverage[:, 0], expected, atol=1e-3)


def test_naming_the_posts_needed_terms_outweighs_a_work_history_near_another_post() -> None:
    # The article's 屠东君: 专长 数字化、数据分析 against the 数字化改革专班's
    # 所需专长, a work history in 数字经济 near the 数字经济专班.
    cadres, posts = article_cadres(), article_posts()
    column = {post.id: j for j, post in enumerate(posts)}
    digital_reform, digital_economy = column["P02"], column["D20"]

    matrix = scoring.score(cadres, posts)
    coverage = scoring.needs_coverage(cadres, posts)

    assert coverage[1, digital_reform] > coverage[1, digital_economy]
    assert matrix.total[1, digital_reform] > matrix.total[1, digital_economy]
