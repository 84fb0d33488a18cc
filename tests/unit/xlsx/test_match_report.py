"""The match result as JSON and as the four-sheet workbook."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from lianbing.demodata.generator import generate
from lianbing.engine.pipeline import MatchResult, run
from lianbing.xlsx import match_report
from lianbing.xlsx.match_json import match_json
from lianbing.xlsx.match_report import (
    DETAIL_HEADERS,
    LEFTOVER_HEADERS,
    PLACEMENT_HEADERS,
    SHEET_TITLES,
    write_match_workbook,
)
from tests.article_cases import article_cadres, article_posts


@pytest.fixture(scope="module")
def result() -> MatchResult:
    program = generate(seed=3, n_cadres=24, n_posts=16)
    return run(program.cadres, program.posts)


@pytest.fixture(scope="module")
def workbook_rows(
    result: MatchResult, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[tuple[object, ...]]]:
    path = write_match_workbook(result, tmp_path_factory.mktemp("out") / "balance.xlsx")
    workbook = load_workbook(path, read_only=True)
    rows = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}
    workbook.close()
    return rows


def test_the_json_has_exactly_the_documented_keys(result: MatchResult) -> None:
    data = match_json(result)

    assert set(data) == {
        "assignments",
        "balance_table",
        "unassigned_cadres",
        "unfilled_posts",
        "total",
        "greedy_total",
        "optimal",
        "objective",
        "optimum_total",
        "effective_weights",
        "sensitivity",
        "blocking_pairs",
    }
    assert set(data["effective_weights"]) == {"fit", "development", "complement"}
    assert set(data["assignments"][0]) == {
        "cadre_id",
        "post_id",
        "score",
        "fit",
        "development",
        "complement",
        "reasons",
    }
    assert set(data["balance_table"][0]) == {"post_id", "candidates"}
    assert set(data["balance_table"][0]["candidates"][0]) == {"cadre_id", "score", "rank"}


def test_json_scores_are_rounded_and_match_the_matrix(result: MatchResult) -> None:
    data = match_json(result)

    ids = {c.id: k for k, c in enumerate(result.cadres)}
    posts = {p.id: k for k, p in enumerate(result.posts)}
    for entry in data["assignments"]:
        i, j = ids[entry["cadre_id"]], posts[entry["post_id"]]
        assert entry["score"] == round(float(result.scores.total[i, j]), 2)
        assert entry["fit"] == round(float(result.scores.fit[i, j]), 2)
    assert data["total"] == pytest.approx(sum(a["score"] for a in data["assignments"]), abs=0.05)


def test_json_ranks_count_from_one_in_score_order(result: MatchResult) -> None:
    data = match_json(result)

    for post in data["balance_table"]:
        ranks = [c["rank"] for c in post["candidates"]]
        scores = [c["score"] for c in post["candidates"]]
        assert ranks == list(range(1, len(ranks) + 1))
        assert scores == sorted(scores, reverse=True)


def test_every_cadre_is_either_assigned_or_listed_as_unassigned(result: MatchResult) -> None:
    data = match_json(result)

    assigned = {a["cadre_id"] for a in data["assignments"]}
    assert assigned.isdisjoint(data["unassigned_cadres"])
    assert assigned | set(data["unassigned_cadres"]) == {c.id for c in result.cadres}


def test_the_workbook_has_the_four_sheets_with_their_headers(
    workbook_rows: dict[str, list[tuple[object, ...]]],
) -> None:
    assert list(workbook_rows) == list(SHEET_TITLES)
    balance = workbook_rows["干部选配平衡表"][0]
    assert balance[:5] == ("岗位编号", "岗位名称", "单位", "类别", "名额")
    assert balance[5:9] == ("候选人1姓名", "候选人1编号", "候选人1得分", "候选人1理由")
    assert balance[-2:] == ("推荐人选", "说明")
    assert workbook_rows["配置方案"][0] == PLACEMENT_HEADERS
    assert workbook_rows["评分明细"][1] == DETAIL_HEADERS
    assert workbook_rows["未配置"][1] == LEFTOVER_HEADERS


def test_the_balance_table_recommends_the_placed_cadre_among_the_candidates(
    result: MatchResult, workbook_rows: dict[str, list[tuple[object, ...]]]
) -> None:
    rows = workbook_rows["干部选配平衡表"][1:]

    assert len(rows) == len(result.posts)
    for j, row in enumerate(rows):
        candidate_ids = row[6:-2:4]
        for i in result.cadres_on(j):
            assert result.cadres[i].id in candidate_ids
            assert f"（{result.cadres[i].id}）" in str(row[-1])


def test_the_placement_sheet_ends_with_a_total_row(
    result: MatchResult, workbook_rows: dict[str, list[tuple[object, ...]]]
) -> None:
    rows = workbook_rows["配置方案"]

    placed = result.placed()
    total_row = rows[1 + len(placed)]
    assert total_row[0] == "合计"
    assert total_row[7] == pytest.approx(sum(r[7] for r in rows[1 : 1 + len(placed)]), abs=0.05)


def test_the_detail_sheet_lists_every_allowed_pair_best_first(
    result: MatchResult, workbook_rows: dict[str, list[tuple[object, ...]]]
) -> None:
    rows = workbook_rows["评分明细"][2:]

    assert len(rows) == int(np.count_nonzero(result.scores.allowed))
    first_post = [r for r in rows if r[0] == result.posts[0].id]
    assert [r[6] for r in first_post] == sorted((r[6] for r in first_post), reverse=True)
    # Read-only rows end at their last filled cell.
    assert sum(1 for r in rows if r[10:] == ("是",)) == len(result.placed())


def test_too_many_pairs_for_a_sheet_keep_each_posts_best_and_say_so(
    result: MatchResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n_posts = len(result.posts)
    monkeypatch.setattr(match_report, "EXCEL_MAX_ROWS", 2 + 3 * n_posts)

    path = write_match_workbook(result, tmp_path / "b.xlsx")

    rows = list(load_workbook(path, read_only=True)["评分明细"].iter_rows(values_only=True))
    assert "只列出每个岗位得分最高的 3 名干部" in str(rows[0][0])
    per_post = {p.id: [r for r in rows[2:] if r[0] == p.id] for p in result.posts}
    for j, post in enumerate(result.posts):
        allowed = np.flatnonzero(result.scores.allowed[:, j])
        best = sorted(result.scores.total[allowed, j], reverse=True)[:3]
        assert [r[6] for r in per_post[post.id]] == pytest.approx(
            [round(float(x), 2) for x in best]
        )


def test_leftover_cadres_and_posts_have_a_reason(tmp_path: Path) -> None:
    posts = article_posts()[:4]
    result = run(article_cadres(), posts)

    path = write_match_workbook(result, tmp_path / "b.xlsx")

    rows = list(load_workbook(path, read_only=True)["未配置"].iter_rows(values_only=True))
    unplaced = result.unplaced_cadres()
    assert str(rows[0][0]).startswith(f"未配置的干部 {unplaced.size} 名")
    assert [r[1] for r in rows[2:] if r[0] == "干部"] == [result.cadres[i].id for i in unplaced]
    assert all(r[7] for r in rows[2:])


def test_text_starting_like_a_formula_stays_text_in_every_sheet(tmp_path: Path) -> None:
    cadres = article_cadres()
    cadres[0] = type(cadres[0])(**{**cadres[0].__dict__, "name": "=cmd|' /C calc'!A0"})
    result = run(cadres, article_posts())

    path = write_match_workbook(result, tmp_path / "b.xlsx")

    workbook = load_workbook(path)
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
