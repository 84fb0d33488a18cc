"""What a run shows about its pair scores: shares, sensitivity, blocking pairs, points, runner-up."""

from __future__ import annotations

import io
import re
from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing.demand.models import Post
from lianbing.demodata.loader import demo_program_load
from lianbing.engine import scoring, stability
from lianbing.matching import adapters
from lianbing.matching.models import MatchRun, RunSnapshot
from lianbing.matching.services.decisions import decision_record
from lianbing.matching.services.reoptimisation import match_run_reoptimise_request
from lianbing.matching.services.run_compute import match_run_execute
from lianbing.matching.services.runs import RunSettings, match_run_create
from lianbing.matching.services.snapshots import load_snapshot
from lianbing.people.models import Cadre
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def run(user: User) -> MatchRun:
    return factories.match_run(user, cadres=6)


@pytest.fixture
def demo_run(user: User) -> MatchRun:
    return match_run_create(program=demo_program_load().program, created_by=user)


def _form(program_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "program": program_id,
        "post_scope": "all",
        "cadre_scope": "all",
        "per_post": 2,
        "max_per_cadre": 3,
        "weight_fit": 0.5,
        "weight_development": 0.3,
        "weight_complement": 0.2,
        "fit_floor": 20,
        "preference_bonus": 5,
        **extra,
    }


def _as_stored_before_footing(run: MatchRun) -> None:
    """Rewrite the run as it was stored before tiers, footing and analysis were kept."""
    row = RunSnapshot.objects.get(run=run)
    matrix = adapters.matrices_from_bytes(row.matrices)
    arrays = {
        name: getattr(matrix, name)
        for name in ("fit", "development", "complement", "total", "forbidden_reason")
    }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    RunSnapshot.objects.filter(run=run).update(matrices=buffer.getvalue())
    MatchRun.objects.filter(pk=run.pk).update(analysis={})


def _pair_url(run: MatchRun, cadre_pk: int, post_pk: int) -> str:
    return reverse("matching:pair", args=[run.pk, cadre_pk, post_pk])


def _placed_on(run: MatchRun, post_pk: int) -> int:
    placement = run.placements.get(post_id=post_pk)
    return int(placement.cadre_id)


# ------------------------------------------------------------------ 1. stored


def test_a_run_keeps_the_tiers_and_footing_that_reproduce_its_totals(run: MatchRun) -> None:
    snap = load_snapshot(run)
    m = snap.matrix

    assert m.tier is not None
    assert m.footing is not None
    bonus = scoring.preference_bonus(snap.cadres, snap.posts, run.preference_bonus)
    again = scoring.retotal(m, scoring.Weights(), bonus)
    assert np.allclose(again[m.allowed], m.total[m.allowed], atol=1e-4)


def test_a_run_stored_before_the_footing_still_opens_everywhere(
    staff: Client, run: MatchRun
) -> None:
    _as_stored_before_footing(run)
    run.refresh_from_db()
    cadre_pk, post_pk = run.placements.values_list("cadre_id", "post_id")[0]

    detail = staff.get(run.get_absolute_url())
    balance = staff.get(reverse("matching:balance", args=[run.pk]))
    pair = staff.get(_pair_url(run, cadre_pk, post_pk), **HTMX)

    assert detail.status_code == balance.status_code == pair.status_code == 200
    assert 'data-testid="analysis-missing"' in detail.content.decode()
    assert 'data-testid="run-analysis"' not in detail.content.decode()
    page = pair.content.decode()
    assert "综合得分" in page.split('data-testid="explanation"')[1]
    assert "按原始得分与默认权重估算" in page
    assert load_snapshot(run).matrix.footing is None


def test_a_run_stored_before_the_footing_can_still_be_reoptimised(user: Any, run: MatchRun) -> None:
    _as_stored_before_footing(run)
    run.refresh_from_db()

    done = match_run_reoptimise_request(run=run, requested_by=user)
    run.refresh_from_db()

    assert done.status == "done"
    assert run.analysis == {}
    assert run.placements.count() == 3


# ------------------------------------------------------------------ 2. objective


def test_the_run_form_offers_both_objectives_and_defaults_to_the_total(staff: Client) -> None:
    page = staff.get(reverse("matching:run_create")).content.decode()

    choice = page.split('data-testid="objective-choice"')[1].split("</div></div>")[0]
    assert "总分最优" in choice
    assert "稳定优先" in choice
    assert re.search(r'<input[^>]*name="objective" value="total"[^>]*checked', choice)
    assert not re.search(r'<input[^>]*name="objective" value="stable"[^>]*checked', choice)


def test_a_run_asked_for_stable_first_is_stored_and_placed_without_blocking_pairs(
    staff: Client,
) -> None:
    program = factories.matching_program(cadres=8, posts=4)

    response = staff.post(reverse("matching:run_create"), _form(program.pk, objective="stable"))

    run = MatchRun.objects.get(program=program)
    assert response.status_code == 302
    assert run.objective == "stable"
    assert run.analysis["objective"] == "stable"
    assert run.analysis["blocking_count"] == 0
    assert run.total == pytest.approx(run.analysis["stable_total"], abs=0.05)
    snap = load_snapshot(run)
    expected = stability.stable_placement(snap.matrix.total, snap.seats, snap.matrix.allowed)
    assert list(expected) == snap.state["post_of"]
    page = staff.get(run.get_absolute_url()).content.decode()
    assert 'data-testid="run-objective">稳定优先' in page


def test_stable_first_with_a_limit_per_origin_unit_is_refused_in_chinese(staff: Client) -> None:
    program = factories.matching_program()

    response = staff.post(
        reverse("matching:run_create"),
        _form(program.pk, objective="stable", max_per_origin_unit=1),
    )

    assert response.status_code == 200
    assert "“稳定优先”不能同时限制同一派出单位最多选派人数" in response.content.decode()
    assert not MatchRun.objects.filter(program=program).exists()


def test_a_reoptimisation_keeps_the_stable_objective(user: Any) -> None:
    program = factories.matching_program(cadres=8, posts=4)
    run = match_run_create(
        program=program, created_by=user, run_settings=RunSettings(objective="stable")
    )
    cadre = Cadre.objects.get(pk=run.placements.order_by("cadre__code").first().cadre_id)  # type: ignore[union-attr]
    decision_record(
        run=run, kind="exclude", cadre_id=cadre.pk, post_id=None, reason="借调", created_by=user
    )

    match_run_reoptimise_request(run=run, requested_by=user)
    run.refresh_from_db()

    snap = load_snapshot(run)
    allowed = snap.matrix.allowed.copy()
    allowed[snap.cadre_index(cadre.pk), :] = False
    expected = stability.stable_placement(snap.matrix.total, snap.seats, allowed)
    assert snap.state["post_of"] == list(expected)
    assert run.objective == "stable"
    assert run.analysis["objective"] == "stable"


# ------------------------------------------------------------------ 3. run page


def test_the_run_page_shows_the_effective_shares_and_the_sensitivity(
    staff: Client, run: MatchRun
) -> None:
    shares = run.analysis["effective_weights"]
    expected = " / ".join(f"{100 * shares[k]:.0f}%" for k in ("fit", "development", "complement"))

    page = staff.get(run.get_absolute_url()).content.decode()

    assert f"实际占比 {expected}" in page
    assert "专长匹配 / 短板提升 / 岗位互补" in page
    assert set(run.analysis["sensitivity"]) == {
        "fit-20%",
        "fit+20%",
        "development-20%",
        "development+20%",
        "complement-20%",
        "complement+20%",
        "fit_only",
    }
    assert "调低 20%" in page
    assert (
        f"只看专长匹配（不计短板提升和岗位互补）：{run.analysis['sensitivity']['fit_only']} 人变动"
        in page
    )


def test_the_demo_run_page_lists_the_pairs_both_sides_prefer_with_names_scores_and_costs(
    staff: Client, demo_run: MatchRun
) -> None:
    analysis = demo_run.analysis

    page = staff.get(demo_run.get_absolute_url()).content.decode()

    assert analysis["blocking_count"] > 0
    first = analysis["blocking_pairs"][0]
    assert first["cost"] is not None
    assert first["cost"] >= 0
    assert f"互为首选却未配在一起的人岗（{analysis['blocking_count']} 对）" in page
    row = page.split(f'data-cadre="{first["cadre_pk"]}" data-post="{first["post_pk"]}"')[1]
    row = row.split("</tr>")[0]
    assert first["cadre"] in row
    assert first["post"] in row
    assert f"{first['score']:.1f}" in row
    assert f"{first['cadre_now_score']:.1f}" in row
    assert f"{first['cost']:.1f}" in row
    # Both totals: the optimum is the run's, the stable one lower.
    assert analysis["optimum_total"] == pytest.approx(demo_run.total, abs=0.05)
    assert analysis["stable_total"] < analysis["optimum_total"]
    assert f'data-testid="stable-total">{analysis["stable_total"]:.1f}' in page
    assert f'data-testid="optimum-total">{analysis["optimum_total"]:.1f}' in page
    # Each listed pair is one both sides prefer to what the placement gives them.
    snap = load_snapshot(demo_run)
    m = snap.matrix
    post_of = snap.state["post_of"]
    for pair in analysis["blocking_pairs"]:
        i, j = snap.cadre_index(pair["cadre_pk"]), snap.post_index(pair["post_pk"])
        assert i is not None
        assert j is not None
        holders = [k for k, p in enumerate(post_of) if p == j]
        assert post_of[i] != j
        assert m.total[i, j] > (m.total[i, post_of[i]] if post_of[i] >= 0 else -1)
        assert m.total[i, j] > min(m.total[k, j] for k in holders)


def test_the_rowing_posts_panel_says_when_the_runner_up_is_not_on_its_list(
    staff: Client, demo_run: MatchRun
) -> None:
    post = Post.objects.get(program=demo_run.program, name="文旅发展岗", unit__name="曹桥街道")
    placed = _placed_on(demo_run, post.pk)
    snap = load_snapshot(demo_run)
    i, j = snap.cadre_index(placed), snap.post_index(post.pk)
    assert i is not None
    assert j is not None
    column = np.where(snap.matrix.allowed[:, j], snap.matrix.total[:, j], -np.inf)
    column[i] = -np.inf
    runner_up = int(np.argmax(column))

    page = staff.get(_pair_url(demo_run, placed, post.pk), **HTMX).content.decode()

    assert f"而不是次优人选{snap.cadres[runner_up].name}" in page
    listed = runner_up in snap.state["candidates"][j]
    assert ('data-testid="runner-up-unlisted"' in page) is not listed


# ------------------------------------------------------------------ 4, 5. pair panel


def test_the_pair_panel_names_each_components_contribution_in_points(
    staff: Client, run: MatchRun
) -> None:
    cadre_pk, post_pk = run.placements.values_list("cadre_id", "post_id")[0]
    snap = load_snapshot(run)
    i, j = snap.cadre_index(cadre_pk), snap.post_index(post_pk)
    assert i is not None
    assert j is not None
    points = scoring.contributions(snap.matrix, i, j)

    page = staff.get(_pair_url(run, cadre_pk, post_pk), **HTMX).content.decode()

    line = page.split('data-testid="explanation"')[1].split("</li>")[0]
    assert f"综合得分 {points.total:.1f}" in line
    assert f"专长匹配 {points.fit:+.1f}" in line
    assert f"短板提升 {points.development:+.1f}" in line
    assert f"岗位互补 {points.complement:+.1f}" in line
    assert "它在综合得分中占的分数" in page


def test_the_recommended_cadres_panel_compares_them_with_the_runner_up(
    staff: Client, run: MatchRun
) -> None:
    post = Post.objects.filter(program=run.program).order_by("code").first()
    assert post is not None
    placed = _placed_on(run, post.pk)
    snap = load_snapshot(run)
    i, j = snap.cadre_index(placed), snap.post_index(post.pk)
    assert i is not None
    assert j is not None
    pair = scoring.runner_up(snap.matrix, j, i)
    assert pair is not None
    mine, theirs = pair
    column = np.where(snap.matrix.allowed[:, j], snap.matrix.total[:, j], -np.inf)
    column[i] = -np.inf
    other = snap.cadres[int(np.argmax(column))].name

    page = staff.get(_pair_url(run, placed, post.pk), **HTMX).content.decode()

    block = page.split('data-testid="runner-up"')[1].split("</table>")[0]
    assert f"为什么推荐{snap.cadres[i].name}，而不是次优人选{other}" in block
    assert f"{mine.fit:+.1f}" in block
    assert f"{theirs.fit:+.1f}" in block
    assert f"{mine.total:.1f}" in block
    assert f"{theirs.total:.1f}" in block


def test_another_candidates_panel_compares_them_with_the_recommended_cadre(
    staff: Client, run: MatchRun
) -> None:
    post = Post.objects.filter(program=run.program).order_by("code").first()
    assert post is not None
    placed = _placed_on(run, post.pk)
    other = run.candidates.filter(post=post).exclude(cadre_id=placed).first()
    assert other is not None
    names = dict(Cadre.objects.values_list("pk", "name"))

    page = staff.get(_pair_url(run, other.cadre_id, post.pk), **HTMX).content.decode()

    assert f"为什么推荐{names[placed]}，而不是{names[other.cadre_id]}" in page


# ------------------------------------------------------------------ 6. the demo


def test_the_demo_places_wang_nannan_on_the_rowing_post_through_the_worker(
    settings: Any, user: Any
) -> None:
    demo = demo_program_load().program
    # Queued in the database as in production; the worker's function computes it.
    settings.TASKS = DATABASE_TASKS
    run = match_run_create(program=demo, created_by=user)
    assert run.status == "queued"

    assert match_run_execute(run_id=run.pk) == "done"

    run.refresh_from_db()
    wang = Cadre.objects.get(name="王楠楠")
    placement = run.placements.select_related("post__unit").get(cadre=wang)
    assert (placement.post.unit.name, placement.post.name) == ("曹桥街道", "文旅发展岗")
    first = run.candidates.filter(post=placement.post).order_by("rank").first()
    assert first is not None
    assert first.cadre_id == wang.pk
