"""``lianbing template`` and ``lianbing match``: spreadsheets in, spreadsheets or JSON out.

Neither needs a database or Django settings. Exit status: 0 on success, 2 on
any input problem (unreadable or invalid spreadsheets, bad options), in which
case every problem is printed to stderr in Chinese, nothing is printed to
stdout and no output file is written. Progress lines (读取… 评分… 配置…
写出…) go to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

from lianbing.engine import pipeline, scoring
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.xlsx.problems import SpreadsheetError
from lianbing.xlsx.reader import ReadResult, read_cadres, read_posts
from lianbing.xlsx.templates import write_template

P = TypeVar("P", CadreProfile, PostProfile)

EXIT_OK = 0
EXIT_INPUT = 2
XLSX_SUFFIX = ".xlsx"


def run_template(kind: str, output: Path) -> int:
    """Write the blank template for ``kind`` (cadres|posts|mentors) to ``output``; return the exit code."""
    if output.suffix.lower() != XLSX_SUFFIX:
        _error(f"输出文件“{output}”应以 {XLSX_SUFFIX} 结尾")
        return EXIT_INPUT
    try:
        written = write_template(kind, output)
    except ValueError as error:
        _error(str(error))
        return EXIT_INPUT
    except OSError as error:
        _error(f"无法写出文件“{output}”：{error.strerror or error}")
        return EXIT_INPUT
    print(f"已生成模板：{written}")
    return EXIT_OK


def run_match(
    *,
    cadres: Path,
    posts: Path,
    output: Path | None,
    as_json: bool,
    per_post: int = 2,
    weights: str | None = None,
    max_per_cadre: int | None = None,
    objective: str = "total",
) -> int:
    """Run the whole matching pipeline on two spreadsheets; return the exit status.

    ``per_post`` candidates per post in the balance table; ``weights`` as
    ``fit=0.5,development=0.3,complement=0.2`` (default: scoring's);
    ``max_per_cadre`` caps a cadre's appearances in the balance table (``None``
    = the pipeline default, :data:`pipeline.DEFAULT_MAX_PER_CADRE`);
    ``objective`` ``"total"`` (总分最优) or ``"stable"`` (稳定优先). With
    ``as_json`` the result is printed to stdout as JSON; with ``output`` it is
    written as the four-sheet workbook; with neither a short summary is
    printed.
    """
    problems: list[str] = []
    params = _params(per_post, weights, max_per_cadre, objective, problems)
    if output is not None and output.suffix.lower() != XLSX_SUFFIX:
        problems.append(f"输出文件“{output}”应以 {XLSX_SUFFIX} 结尾")
    if problems:
        _errors(problems)
        return EXIT_INPUT

    _progress(f"读取：干部表 {cadres.name}")
    cadre_rows = _read(read_cadres, cadres, problems)
    _progress(f"读取：岗位表 {posts.name}")
    post_rows = _read(read_posts, posts, problems)
    if problems or cadre_rows is None or post_rows is None or params is None:
        _errors(problems)
        return EXIT_INPUT
    for warning in [
        *cadre_rows.warnings,
        *post_rows.warnings,
        *_cross_check(cadre_rows.rows, post_rows.rows),
    ]:
        _progress(f"提示：{warning}")

    result = pipeline.run(cadre_rows.rows, post_rows.rows, params, progress=_progress)
    if not result.feasible:
        _errors([f"无法得出配置方案：{result.assignment.reason}"])
        return EXIT_INPUT

    if output is not None:
        from lianbing.xlsx.match_report import write_match_workbook

        try:
            write_match_workbook(result, output, progress=_progress)
        except OSError as error:
            _errors([f"无法写出文件“{output}”：{error.strerror or error}"])
            return EXIT_INPUT
        _progress(f"完成：已写出 {output}")
    if as_json:
        from lianbing.xlsx.match_json import match_json

        json.dump(match_json(result), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif output is None:
        _summary(result, sys.stdout)
    return EXIT_OK


def _params(
    per_post: int,
    weights: str | None,
    max_per_cadre: int | None,
    objective: str,
    problems: list[str],
) -> pipeline.MatchParams | None:
    try:
        parsed = scoring.Weights.parse(weights) if weights is not None else scoring.Weights()
    except ValueError as error:
        problems.append(f"--weights：{error}")
        return None
    cap = pipeline.DEFAULT_MAX_PER_CADRE if max_per_cadre is None else max_per_cadre
    try:
        return pipeline.MatchParams(
            weights=parsed, per_post=per_post, max_per_cadre=cap, objective=objective
        )
    except ValueError as error:
        problems.append(str(error))
        return None


def _read(
    reader: Callable[[Path], ReadResult[P]], path: Path, problems: list[str]
) -> ReadResult[P] | None:
    try:
        return reader(path)
    except SpreadsheetError as error:
        problems.append(error.render())
        return None


def _cross_check(cadres: list[CadreProfile], posts: list[PostProfile]) -> list[str]:
    """Warnings about references between the two sheets (志愿岗位 naming no post)."""
    post_ids = {p.id for p in posts}
    warnings = []
    for cadre in cadres:
        unknown = [pid for pid in cadre.preferred_posts if pid not in post_ids]
        if unknown:
            warnings.append(
                f"干部“{cadre.name}”（{cadre.id}）的志愿岗位 {'、'.join(unknown)} "
                "不在岗位表中，已忽略"
            )
    return warnings


def _summary(result: pipeline.MatchResult, out: TextIO) -> None:
    scores = result.scores
    for i, j in result.placed():
        cadre, post = result.cadres[i], result.posts[j]
        out.write(
            f"{post.id} {post.name}（{post.unit}） ← {cadre.id} {cadre.name}"
            f"（{cadre.origin_unit}） {float(scores.total[i, j]):.2f}\n"
        )
    placed = len(result.placed())
    state = "最优" if result.assignment.optimal else "未证明最优"
    out.write(
        f"共配置 {placed} 名干部，名额 {int(result.seats.sum())} 个；"
        f"总分 {result.assignment.total:.2f}（{state}），"
        f"逐岗择优（不统筹）的总分 {result.assignment.greedy_total:.2f}。"
        "用 -o 输出平衡表，或用 --json 输出完整结果。\n"
    )


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _error(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _errors(messages: list[str]) -> None:
    for message in messages:
        _error(message)
