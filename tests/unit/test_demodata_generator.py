"""The deterministic demo-data generator: the city of the article, sizes, invariants."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import itertools
import json
import os
import statistics
import subprocess
import sys
from collections import Counter
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianbing.demodata import DemoProgram, generate
from lianbing.demodata.earlier import (
    FEATURED_TRAINEE,
    EarlierPool,
    Placement,
    TrainingPeriod,
    current_year,
    earlier_pool,
    earlier_start,
    training_draw,
)
from lianbing.demodata.training_banks import training_banks
from lianbing.engine import taxonomy

TOWNS_AND_STREETS = {
    "当湖街道",
    "钟埭街道",
    "曹桥街道",
    "乍浦镇",
    "新埭镇",
    "新仓镇",
    "广陈镇",
    "林埭镇",
    "独山港镇",
}
DEPARTMENT = taxonomy.unit_kind("市级部门").code
TOWN = taxonomy.unit_kind("镇街道").code
PLATFORM = taxonomy.unit_kind("市级平台").code


@pytest.fixture(scope="module")
def program() -> DemoProgram:
    return generate()


def _months(text: str) -> int:
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


def _check_invariants(p: DemoProgram, n_cadres: int, n_posts: int) -> None:
    """What every program must satisfy, whatever its size and seed."""
    units = {u.name: u for u in p.units}
    assert len(units) == len(p.units)
    assert len(p.cadres) == n_cadres
    assert len(p.posts) == n_posts
    assert len({c.id for c in p.cadres}) == n_cadres
    assert len({q.id for q in p.posts}) == n_posts
    assert len({m.id for m in p.mentors}) == len(p.mentors)
    if n_posts <= n_cadres:
        assert sum(q.seats for q in p.posts) <= n_cadres
    mentors = {(m.name, m.unit) for m in p.mentors}
    post_ids = {q.id for q in p.posts}
    for q in p.posts:
        assert units[q.unit].kind in (TOWN, PLATFORM)
        assert q.unit_kind == units[q.unit].kind
        assert q.category in taxonomy.CATEGORY_CODES
        assert (q.mentor, q.unit) in mentors
        assert q.seats in (1, 2)
        assert taxonomy.DURATION_MIN_MONTHS <= q.duration_months <= taxonomy.DURATION_MAX_MONTHS
    for c in p.cadres:
        assert len(c.abilities) == len(taxonomy.ABILITIES)
        assert all(s == int(s) for s in c.abilities)
        assert all(taxonomy.ABILITY_MIN <= s <= taxonomy.ABILITY_MAX for s in c.abilities)
        assert c.category is None or c.category in taxonomy.CATEGORY_CODES
        assert units[c.origin_unit].kind == DEPARTMENT
        assert set(c.preferred_posts) <= post_ids
        assert all(units[u].kind != DEPARTMENT for u in c.avoided_units)
    history: dict[str, list] = {c.id: [] for c in p.cadres}
    for entry in p.work_history:
        history[entry.cadre_id].append(entry)
    for c in p.cadres:
        entries = history[c.id]
        assert 2 <= len(entries) <= 4
        for before, after in itertools.pairwise(entries):
            assert before.end == after.start
            assert _months(before.start) < _months(before.end)
        assert entries[-1].end == ""
        assert (entries[-1].unit, entries[-1].position) == (c.origin_unit, c.position)
        months = sum(_months(e.end) - _months(e.start) for e in entries if e.grassroots)
        assert c.grassroots_years == round(months / 12, 1)


def test_the_same_arguments_give_an_equal_program() -> None:
    first = generate(seed=7, n_cadres=60, n_posts=50)

    second = generate(seed=7, n_cadres=60, n_posts=50)

    assert first == second


def test_a_different_seed_gives_a_different_program() -> None:
    first = generate(seed=7, n_cadres=60, n_posts=50)

    second = generate(seed=8, n_cadres=60, n_posts=50)

    assert first.cadres != second.cadres
    assert first.posts != second.posts


def test_the_program_does_not_depend_on_the_hash_seed() -> None:
    script = (
        "import hashlib; from lianbing.demodata import generate; "
        "print(hashlib.sha256(repr(generate()).encode()).hexdigest())"
    )

    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }

    assert digests == {hashlib.sha256(repr(generate()).encode()).hexdigest()}


# Digests of programs generated before the phrase banks moved to data files: any
# change to a bank, to the order of a draw or to the parsing shows up here.
PROGRAM_DIGESTS = [
    ({}, "1ad8235c27ed3872522dd2cb77c6c92968392d13bb9fbb55af10ffcfbdbbb728"),
    (
        {"seed": 3, "n_cadres": 20, "n_posts": 15},
        "7f9fd71d324960a1b8fed10972074d465cc2ba232977d0c23086e04a45145e68",
    ),
    (
        {"seed": 11, "n_cadres": 2000, "n_posts": 600, "year": 2023},
        "85614a153fe401528f01549401ed25433a76a118e50316ccd8e26482846da566",
    ),
]


def _digest(p: DemoProgram) -> str:
    text = json.dumps(dataclasses.asdict(p), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize(("arguments", "digest"), PROGRAM_DIGESTS)
def test_the_generated_program_is_the_stored_one_to_the_byte(
    arguments: dict[str, int], digest: str
) -> None:
    p = generate(**arguments)

    assert _digest(p) == digest


def test_the_phrase_banks_sit_directly_in_the_data_folder_the_package_ships() -> None:
    # pyproject.toml ships "**/data/*": a file in a subfolder of data/ would be left out.
    data = resources.files("lianbing.demodata") / "data"

    entries = list(data.iterdir())

    assert {e.name for e in entries} >= {
        "article.toml",
        "departments.toml",
        "hosts.toml",
        "people.toml",
        "posts.toml",
        "training.toml",
    }
    assert all(e.is_file() for e in entries)


def test_the_default_program_is_the_2021_program_of_110_cadres_and_100_posts(
    program: DemoProgram,
) -> None:
    _check_invariants(program, 110, 100)

    assert program.name == "2021年度百岗大练兵"
    assert (program.start.isoformat(), program.end.isoformat()) == ("2021-03-01", "2022-02-28")


def test_every_category_is_well_represented(program: DemoProgram) -> None:
    posts = Counter(q.category for q in program.posts)
    cadres = Counter(c.category for c in program.cadres if c.category)

    assert set(posts) == set(taxonomy.CATEGORY_CODES)
    assert min(posts.values()) >= 10
    assert set(cadres) == set(taxonomy.CATEGORY_CODES)
    assert min(cadres.values()) >= 12


def test_about_one_cadre_in_ten_has_a_category_left_to_derive(program: DemoProgram) -> None:
    blank = sum(c.category is None for c in program.cadres)

    assert 4 <= blank <= 20


def test_seats_are_mostly_one_and_do_not_exceed_the_cadres(program: DemoProgram) -> None:
    seats = Counter(q.seats for q in program.posts)

    assert seats[1] >= 90
    assert seats[2] >= 1
    assert sum(q.seats for q in program.posts) <= len(program.cadres)


def test_each_cadre_has_a_visible_weakness_and_names_a_shortcoming(program: DemoProgram) -> None:
    for c in program.cadres:
        assert min(c.abilities) <= statistics.median(c.abilities) - 5, c.id
        assert c.shortcomings, c.id


def test_cadres_are_28_to_45_years_old_in_the_program_year(program: DemoProgram) -> None:
    ages = [2021 - int(c.birth_month[:4]) for c in program.cadres]

    assert min(ages) >= 28
    assert max(ages) <= 45


def test_names_do_not_repeat_at_the_default_size(program: DemoProgram) -> None:
    names = [c.name for c in program.cadres] + [m.name for m in program.mentors]

    assert len(set(names)) == len(names)


def test_the_towns_and_streets_are_exactly_the_nine_of_the_city(program: DemoProgram) -> None:
    towns = {u.name for u in program.units if u.kind == TOWN}

    assert towns == TOWNS_AND_STREETS


def test_the_platforms_are_the_zone_and_at_least_three_task_forces(program: DemoProgram) -> None:
    names = {u.name for u in program.units}
    platforms = [u for u in program.units if u.kind == PLATFORM]

    assert "平湖经济技术开发区" in {u.name for u in platforms}
    assert {"数字化改革专班", "独山能源三期项目分拆破难组"} <= {u.name for u in platforms}
    assert len(platforms) >= 4
    assert all(u.parent is None or u.parent in names for u in program.units)


def test_there_are_about_forty_origin_departments(program: DemoProgram) -> None:
    departments = [u for u in program.units if u.kind == DEPARTMENT]

    assert 36 <= len(departments) <= 44
    assert all(u.short_name for u in program.units)


def test_every_host_unit_with_posts_has_one_or_a_few_mentors(program: DemoProgram) -> None:
    mentors = Counter(m.unit for m in program.mentors)
    posts = Counter(q.unit for q in program.posts)

    assert set(mentors) == set(posts)
    assert all(1 <= mentors[u] <= 3 for u in posts)
    assert all(m.position for m in program.mentors)


def test_no_unit_offers_two_posts_of_the_same_name_at_the_default_size() -> None:
    for seed in (1, 2, 3):
        posts = generate(seed=seed).posts

        names = Counter((q.unit, q.name) for q in posts)

        assert max(names.values()) == 1, seed


def test_post_texts_are_complete(program: DemoProgram) -> None:
    for q in program.posts:
        texts = (q.name, q.duties, q.key_tasks, q.expertise_needed, q.develops)
        assert all(texts), q.id
        assert not any("{" in t or "}" in t for t in texts), q.id


def test_core_abilities_are_two_or_three_with_weights_one_to_three(program: DemoProgram) -> None:
    for q in program.posts:
        codes = [code for code, _ in q.core_abilities]
        assert 2 <= len(codes) <= 3
        assert set(codes) <= set(taxonomy.ABILITY_CODES)
        assert len(set(codes)) == len(codes)
        assert all(1 <= w <= 3 for _, w in q.core_abilities)


def test_develops_names_abilities_then_experience(program: DemoProgram) -> None:
    for q in program.posts:
        abilities, experience = q.develops.split("；")
        assert set(abilities.split("、")) <= set(taxonomy.ABILITY_LABELS)
        assert experience


def test_about_a_fifth_of_cadres_name_preferred_posts(program: DemoProgram) -> None:
    choosing = [c for c in program.cadres if c.preferred_posts]

    assert 10 <= len(choosing) <= 35
    assert all(1 <= len(c.preferred_posts) <= 2 for c in choosing)
    assert any(c.avoided_units for c in program.cadres)


ARTICLE = [
    # cadre id, name, origin unit, position, an expertise phrase, post id, post unit, post phrase
    ("C001", "王楠楠", "市少体校", "副校长", "赛艇", "P001", "曹桥街道", "赛艇小镇"),
    ("C002", "屠东君", "市经信局", "综合科科长", "健康码", "P002", "数字化改革专班", "数字化改革"),
    (
        "C003",
        "金伟",
        "市农业农村局",
        "农村社会事业促进科科长",
        "美丽乡村",
        "P003",
        "新仓镇",
        "张家浜",
    ),
    ("C004", "孙杰", "市建设局", "办公室主任", "建设工程", "P004", "新仓镇", "美丽城镇"),
    ("C005", "张徐园", "市科技局", "局长办公室主任", "办公室", "P005", "曹桥街道", "科技项目"),
    ("C006", "徐菊", "市机关事务中心", "接待科科长", "公务接待", "P006", "当湖街道", "污水零直排"),
]


@pytest.mark.parametrize(
    ("cadre_id", "name", "origin", "position", "expertise", "post_id", "unit", "task"), ARTICLE
)
def test_the_article_cadres_and_their_posts_are_present(
    program: DemoProgram,
    cadre_id: str,
    name: str,
    origin: str,
    position: str,
    expertise: str,
    post_id: str,
    unit: str,
    task: str,
) -> None:
    cadre = next(c for c in program.cadres if c.id == cadre_id)
    post = next(q for q in program.posts if q.id == post_id)

    assert (cadre.name, cadre.origin_unit, cadre.position) == (name, origin, position)
    assert expertise in cadre.expertise
    assert post.unit == unit
    assert task in post.key_tasks
    # The post asks for something the cadre brings (发挥专长) ...
    assert any(phrase in cadre.expertise for phrase in post.expertise_needed.split("、"))
    # ... and the article's cadres all came without grassroots experience (提升短板).
    assert cadre.grassroots_years == 0


def test_the_article_posts_keep_their_ids_and_units_at_any_size() -> None:
    small = generate(n_cadres=20, n_posts=15, seed=3)

    assert [(c.id, c.name) for c in small.cadres[:2]] == [("C001", "王楠楠"), ("C002", "屠东君")]
    assert [(q.id, q.unit) for q in small.posts[:2]] == [
        ("P001", "曹桥街道"),
        ("P002", "数字化改革专班"),
    ]


def test_sun_jie_is_mentored_by_li_jun_deputy_mayor_of_xincang(program: DemoProgram) -> None:
    post = next(q for q in program.posts if q.id == "P004")

    mentor = next(m for m in program.mentors if m.name == post.mentor)

    assert (mentor.name, mentor.unit, mentor.position) == ("李俊", "新仓镇", "副镇长")


def test_the_shortcomings_of_the_article_cadres_follow_the_article(program: DemoProgram) -> None:
    by_name = {c.name: c for c in program.cadres}

    assert "缺乏基层工作经历" in by_name["孙杰"].shortcomings
    assert "未接触过企业服务" in by_name["张徐园"].shortcomings


def test_negative_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="不能为负数"):
        generate(n_cadres=-1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    n_cadres=st.integers(min_value=0, max_value=60),
    data=st.data(),
)
def test_invariants_hold_for_any_size_and_seed(
    seed: int, n_cadres: int, data: st.DataObject
) -> None:
    n_posts = data.draw(st.integers(min_value=0, max_value=n_cadres))

    p = generate(seed=seed, n_cadres=n_cadres, n_posts=n_posts, year=2023)

    _check_invariants(p, n_cadres, n_posts)


def test_a_province_scale_pool_is_generated() -> None:
    p = generate(n_cadres=10_000, n_posts=2_000, seed=11)

    assert (len(p.cadres), len(p.posts)) == (10_000, 2_000)
    assert len({c.id for c in p.cadres}) == 10_000
    assert len({q.id for q in p.posts}) == 2_000
    assert len({m.id for m in p.mentors}) == len(p.mentors)
    assert p.cadres[0].id == "C00001"
    assert sum(q.seats for q in p.posts) <= 10_000
    assert {u.name for u in p.units} == {u.name for u in generate(n_cadres=0, n_posts=0).units}


# ------------------------------------------------------------------ the earlier program

LOADED_ON = datetime.date(2026, 5, 15)


@pytest.fixture(scope="module")
def pool(program: DemoProgram) -> EarlierPool:
    return earlier_pool(program, seed=2021)


def _placements(program: DemoProgram, pool: EarlierPool) -> list[Placement]:
    """The pool placed in post order (the pins first), as a finalised run would."""
    cadres = {c.id: c for c in program.cadres}
    pinned = {p.cadre_id: p.post_id for p in pool.pins}
    free = [c for c in pool.cadre_ids if c not in pinned]
    posts = {q.id: q for q in pool.posts}
    rest = [q for q in pool.posts if q.id not in pinned.values()]
    pairs = [*pinned.items(), *zip(free, (q.id for q in rest), strict=True)]
    return [Placement(cadres[c], posts[q], posts[q].mentor) for c, q in pairs]


def _period(program: DemoProgram, pool: EarlierPool, today: datetime.date) -> TrainingPeriod:
    return training_draw(
        _placements(program, pool),
        start=earlier_start(today),
        today=today,
        seed=2021,
        featured=FEATURED_TRAINEE,
    )


@pytest.fixture(scope="module")
def period(program: DemoProgram, pool: EarlierPool) -> TrainingPeriod:
    return _period(program, pool, LOADED_ON)


def test_the_earlier_program_starts_four_months_before_and_the_next_in_the_coming_march() -> None:
    assert earlier_start(datetime.date(2026, 5, 15)) == datetime.date(2026, 1, 1)
    assert earlier_start(datetime.date(2026, 2, 28)) == datetime.date(2025, 10, 1)
    assert current_year(datetime.date(2026, 5, 15)) == 2027
    assert current_year(datetime.date(2026, 2, 28)) == 2026
    assert current_year(datetime.date(2026, 3, 1)) == 2027


@given(today=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)))
def test_the_program_being_matched_always_starts_after_the_earlier_one_and_after_today(
    today: datetime.date,
) -> None:
    coming = datetime.date(current_year(today), 3, 1)

    assert earlier_start(today) < today < coming
    assert (today.year * 12 + today.month) - (
        earlier_start(today).year * 12 + earlier_start(today).month
    ) == 4


def test_the_training_banks_load_and_name_the_articles_six() -> None:
    b = training_banks()

    assert set(b.article) == {"王楠楠", "屠东君", "金伟", "孙杰", "张徐园", "徐菊"}
    assert len(b.milestones) == 12
    assert 18 <= sum(n for _, n in b.pool) <= 22


def test_the_articles_six_are_pinned_to_the_articles_posts(
    program: DemoProgram, pool: EarlierPool
) -> None:
    cadres = {c.id: c for c in program.cadres}
    posts = {q.id: q for q in pool.posts}

    pinned = {
        cadres[p.cadre_id].name: (posts[p.post_id].unit, posts[p.post_id].name) for p in pool.pins
    }

    assert pinned == {
        "王楠楠": ("曹桥街道", "文旅发展岗"),
        "屠东君": ("数字化改革专班", "数字化改革岗"),
        "金伟": ("新仓镇", "美丽乡村建设岗"),
        "孙杰": ("新仓镇", "美丽城镇项目建设岗"),
        "张徐园": ("曹桥街道", "科技企业服务岗"),
        "徐菊": ("当湖街道", "治水工作岗"),
    }
    assert all(p.reason for p in pool.pins)
    assert cadres[FEATURED_TRAINEE].name == "孙杰"


def test_the_earlier_pool_has_about_twenty_trainees_each_with_a_mentor_of_their_own(
    program: DemoProgram, pool: EarlierPool
) -> None:
    mentors = {(m.unit, m.name) for m in program.mentors}
    units = dict(training_banks().pool)

    assert len(pool.posts) == len(pool.cadre_ids) == 20
    assert len(set(pool.cadre_ids)) == 20
    assert Counter(q.unit for q in pool.posts) == Counter(units)
    assert all((q.unit, q.mentor) in mentors for q in pool.posts)
    assert len({(q.unit, q.mentor) for q in pool.posts}) == 20
    assert next(q.mentor for q in pool.posts if q.id == "P004") == "李俊"
    assert all(q.seats == 1 and q.duration_months == 12 for q in pool.posts)
    assert earlier_pool(program, seed=2021) == pool


def test_every_record_lies_between_the_start_and_the_load_date(period: TrainingPeriod) -> None:
    start, today = period.start, period.today

    for t in period.trainees:
        days = [log.on for log in t.logs]
        days += [log.comment.on for log in t.logs if log.comment]
        days += [a.on for a in t.assessments]
        for plan in t.plans:
            days += [plan.drafted_on, plan.submitted_on, *(c.on for c in plan.comments)]
            days += [m.done_on for m in plan.milestones if m.done_on]
            days += [m.note_on for m in plan.milestones if m.note_on]
        assert all(start <= d <= today for d in days), t.cadre_id
        # Logs on working days, but for the latest, filed in the last few days.
        assert all(log.on.weekday() < 5 for log in t.logs[:-1]), t.cadre_id


def test_each_trainee_has_an_approved_plan_of_twelve_monthly_milestones(
    period: TrainingPeriod,
) -> None:
    statuses = Counter(p.status for t in period.trainees for p in t.plans)

    assert statuses == {"approved": 20, "returned": 2, "submitted": 1}
    for t in period.trainees:
        plan = next(p for p in t.plans if p.status == "approved")
        assert [m.month for m in plan.milestones] == list(range(1, 13))
        assert all(m.done_on for m in plan.milestones[:3])
        assert not any(m.done_on for m in plan.milestones[4:])
        assert plan.milestones[3].done_on is None if t.late else plan.milestones[3].done_on
        assert len(plan.goals) >= 3
        assert all(g.ability in taxonomy.ABILITY_CODES or g.key_task for g in plan.goals)
        assert all(g.measure for g in plan.goals)
    returned = [p for t in period.trainees for p in t.plans if p.status == "returned"]
    assert all(p.version == 1 and p.return_reason for p in returned)


def test_a_few_are_late_a_few_are_silent_and_the_featured_trainee_neither(
    period: TrainingPeriod,
) -> None:
    today = period.today

    late = [t for t in period.trainees if t.late]
    silent = [t for t in period.trainees if t.silent]

    assert len(late) == 3
    assert len(silent) == 3
    assert all((today - t.logs[-1].on).days >= 17 for t in silent)
    assert all((today - t.logs[-1].on).days <= 4 for t in period.trainees if not t.silent)
    featured = next(t for t in period.trainees if t.cadre_id == FEATURED_TRAINEE)
    assert not featured.late
    assert not featured.silent
    assert [a.month.month for a in featured.assessments] == [1, 2, 3]


def test_logs_come_about_weekly_with_numbers_and_no_placeholder_left(
    period: TrainingPeriod,
) -> None:
    for t in period.trainees:
        gaps = [(b.on - a.on).days for a, b in itertools.pairwise(t.logs)]
        assert len(t.logs) >= 14, t.cadre_id
        assert max(gaps) <= 12, t.cadre_id
        assert all(any(ch.isdigit() for ch in log.results) for log in t.logs)
        texts = [log.work for log in t.logs] + [log.results for log in t.logs]
        texts += [log.comment.text for log in t.logs if log.comment]
        texts += [a.remark for a in t.assessments]
        for plan in t.plans:
            texts += [plan.summary, plan.return_reason]
            texts += [g.goal for g in plan.goals] + [g.measure for g in plan.goals]
            texts += [m.title for m in plan.milestones] + [m.detail for m in plan.milestones]
        assert not any("{" in text or "}" in text for text in texts), t.cadre_id


def test_sun_jies_records_follow_the_article(period: TrainingPeriod) -> None:
    sun = next(t for t in period.trainees if t.cadre_id == FEATURED_TRAINEE)
    plan = next(p for p in sun.plans if p.status == "approved")

    assert "李俊" in plan.milestones[0].title
    assert "新仓老街" in plan.milestones[0].title
    assert any("美丽城镇" in log.work or "项目现场" in log.work for log in sun.logs)


def test_assessments_use_the_programs_scale(program: DemoProgram, pool: EarlierPool) -> None:
    for scale in (5, 10, 100):
        drawn = training_draw(
            _placements(program, pool),
            start=earlier_start(LOADED_ON),
            today=LOADED_ON,
            seed=2021,
            scale=scale,
        )

        scores = [v for t in drawn.trainees for a in t.assessments for _, v in a.scores]
        assert min(scores) >= 1
        assert max(scores) <= scale
        assert len(set(scores)) > 1


def test_the_same_load_date_gives_the_same_records_and_another_date_others(
    program: DemoProgram, pool: EarlierPool, period: TrainingPeriod
) -> None:
    again = _period(program, pool, LOADED_ON)
    later = _period(program, pool, datetime.date(2026, 6, 15))

    assert again == period
    assert later.start == datetime.date(2026, 2, 1)
    assert later != period
