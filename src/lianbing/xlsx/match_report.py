"""The results of a match run as an Excel workbook (the JSON form: :mod:`lianbing.xlsx.match_json`).

The workbook has four sheets, and two more when the caller has them:

* ``干部选配平衡表``: one row per post, its candidates best first (name, id,
  score, reasons) and the recommended cadre(s);
* ``配置方案``: the placement, one row per placed cadre with the total and
  the three component scores and the reasons, and a total row;
* ``评分明细``: the scores of every allowed pair, by post and best first. When
  there are more pairs than an Excel sheet can hold (1,048,576 rows), each post
  keeps its best pairs, the same number for every post, and a note at the top
  of the sheet says so;
* ``未配置``: the cadres and the posts with seats left over, one table, each
  row with the reason;
* ``研判决定`` (when the caller passes the run's decisions): every review
  decision with its reason, who made it and whether it was withdrawn;
* ``练兵安排`` (once the run is finalised): the secondments, with mentor,
  start date and duration.

A pinned post's 说明 on the balance sheet says who was pinned and why, since
the scores alone do not explain that placement.

openpyxl's write-only mode writes the styled parts (notes, header rows, frozen
panes, widths); the data rows are appended by :mod:`bulk_rows`, which is about
twenty times faster.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lianbing.engine import scoring, taxonomy
from lianbing.engine.pipeline import MatchResult
from lianbing.xlsx.bulk_rows import ROW, BulkRows, cells_xml, number_cells, row_xml
from lianbing.xlsx.cell_text import safe_cell
from lianbing.xlsx.printing import print_setup
from lianbing.xlsx.saving import save_workbook
from lianbing.xlsx.templates import header_cells

BALANCE_TITLE: Final[str] = "干部选配平衡表"
PLACEMENT_TITLE: Final[str] = "配置方案"
DETAIL_TITLE: Final[str] = "评分明细"
LEFTOVER_TITLE: Final[str] = "未配置"
DECISIONS_TITLE: Final[str] = "研判决定"
SECONDMENTS_TITLE: Final[str] = "练兵安排"
SHEET_TITLES: Final[tuple[str, ...]] = (
    BALANCE_TITLE,
    PLACEMENT_TITLE,
    DETAIL_TITLE,
    LEFTOVER_TITLE,
)

#: Excel's row limit per sheet.
EXCEL_MAX_ROWS: Final[int] = 1_048_576
#: Rows above the pairs on 评分明细: the note and the header.
DETAIL_HEADER_ROWS: Final[int] = 2

TOTAL: Final[str] = "综合得分"
FIT: Final[str] = "专长匹配"
DEVELOPMENT: Final[str] = "短板提升"
COMPLEMENT: Final[str] = "岗位互补"
REASON_JOINER: Final[str] = "；"

DETAIL_HEADERS: Final[tuple[str, ...]] = (
    "岗位编号",
    "岗位名称",
    "单位",
    "干部编号",
    "姓名",
    "现单位",
    TOTAL,
    FIT,
    DEVELOPMENT,
    COMPLEMENT,
    "是否配置",
)
PLACEMENT_HEADERS: Final[tuple[str, ...]] = (
    "干部编号",
    "姓名",
    "现单位",
    "类别",
    "岗位编号",
    "岗位名称",
    "单位",
    TOTAL,
    FIT,
    DEVELOPMENT,
    COMPLEMENT,
    "配置理由",
)
BALANCE_FIXED_HEADERS: Final[tuple[str, ...]] = ("岗位编号", "岗位名称", "单位", "类别", "名额")
BALANCE_CANDIDATE_FIELDS: Final[tuple[str, ...]] = ("姓名", "编号", "得分", "理由")
BALANCE_TAIL_HEADERS: Final[tuple[str, ...]] = ("推荐人选", "说明")
LEFTOVER_HEADERS: Final[tuple[str, ...]] = (
    "类型",
    "编号",
    "姓名或岗位名称",
    "单位",
    "类别",
    "名额",
    "空缺",
    "原因",
)
DECISION_HEADERS: Final[tuple[str, ...]] = (
    "决定",
    "干部编号",
    "姓名",
    "岗位编号",
    "岗位名称",
    "单位",
    "理由",
    "决定人",
    "决定时间",
    "撤销",
)
SECONDMENT_HEADERS: Final[tuple[str, ...]] = (
    "干部编号",
    "姓名",
    "岗位编号",
    "岗位名称",
    "单位",
    "导师",
    "开始",
    "期限（月）",
)
CADRE_KIND: Final[str] = "干部"
POST_KIND: Final[str] = "岗位"

Progress = Callable[[str], None]


def _silent(_: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class DecisionLine:
    """One review decision as the 研判决定 sheet shows it (the caller formats it)."""

    kind: str
    cadre_id: str
    cadre_name: str
    post_id: str
    post_name: str
    unit: str
    reason: str
    decided_by: str
    decided_at: str
    #: "" while in force, else who withdrew it, when and why.
    withdrawn: str = ""


@dataclass(frozen=True, slots=True)
class SecondmentLine:
    """One secondment (练兵安排) of a finalised run."""

    cadre_id: str
    cadre_name: str
    post_id: str
    post_name: str
    unit: str
    mentor: str
    started_on: datetime.date
    duration_months: int


# ------------------------------------------------------------------- reasons


def reasons(result: MatchResult, cadre: int, post: int) -> tuple[str, ...]:
    """Chinese sentences explaining the score of one pair (:func:`scoring.explain`)."""
    return scoring.explain(result.cadres[cadre], result.posts[post], result.scores, cadre, post)


class _ReasonTexts:
    """Reason cells of one workbook, each pair explained once.

    A placed pair appears on two sheets, and explaining costs about a
    millisecond a pair, so the texts are kept for the duration of one write.
    """

    def __init__(self, result: MatchResult) -> None:
        self.result = result
        self.texts: dict[tuple[int, int], str] = {}

    def __call__(self, cadre: int, post: int) -> str:
        text = self.texts.get((cadre, post))
        if text is None:
            # The scores have their own columns; the cell shows only the other sentences.
            sentences = reasons(self.result, cadre, post)
            text = REASON_JOINER.join(s for s in sentences if not s.startswith(TOTAL))
            self.texts[(cadre, post)] = text
        return text


def _score(value: Any) -> float:
    return round(float(value), 2)


# ------------------------------------------------------------------ workbook


def write_match_workbook(
    result: MatchResult,
    path: Path | str,
    *,
    progress: Progress = _silent,
    private: bool = False,
    decisions: Sequence[DecisionLine] | None = None,
    secondments: Sequence[SecondmentLine] | None = None,
    post_notes: Mapping[str, str] | None = None,
    title: str = "",
) -> Path:
    """Write the result workbook to ``path`` (atomically); return the path.

    ``private`` makes the file owner-only (0600) whatever the umask.
    ``decisions`` adds the 研判决定 sheet, ``secondments`` (a finalised run)
    the 练兵安排 sheet; ``post_notes`` (by post id) go in the balance sheet's 说明.
    ``title`` (the program and the run) heads every printed page with the sheet's name.
    """
    workbook = Workbook(write_only=True)
    reason_text = _ReasonTexts(result)
    bulk: dict[str, BulkRows] = {}
    progress(f"写出：{BALANCE_TITLE}")
    bulk[BALANCE_TITLE] = _balance_sheet(workbook, title, result, reason_text, post_notes or {})
    progress(f"写出：{PLACEMENT_TITLE}")
    bulk[PLACEMENT_TITLE] = _placement_sheet(workbook, title, result, reason_text)
    progress(f"写出：{DETAIL_TITLE}")
    bulk[DETAIL_TITLE] = _detail_sheet(workbook, title, result)
    progress(f"写出：{LEFTOVER_TITLE}")
    bulk[LEFTOVER_TITLE] = _leftover_sheet(workbook, title, result)
    if decisions is not None:
        progress(f"写出：{DECISIONS_TITLE}")
        bulk[DECISIONS_TITLE] = _decisions_sheet(workbook, title, decisions)
    if secondments is not None:
        progress(f"写出：{SECONDMENTS_TITLE}")
        bulk[SECONDMENTS_TITLE] = _secondments_sheet(workbook, title, secondments)
    return save_workbook(workbook, path, bulk=bulk, private=private)


#: The rows each sheet repeats on every printed page: its note (if any) and headings.
_HEADER_ROWS: Final[dict[str, tuple[int, int]]] = {
    DETAIL_TITLE: (1, 2),
    LEFTOVER_TITLE: (1, 2),
}


def _lay_out(sheet: Any, heading: str, widths: Sequence[int]) -> None:
    """Column widths and the print setup, both written before the sheet's first row."""
    print_setup(
        sheet,
        title=f"{heading} · {sheet.title}" if heading else sheet.title,
        columns=len(widths),
        header_rows=_HEADER_ROWS.get(sheet.title, (1, 1)),
    )
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _note(sheet: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=safe_cell(text))
    cell.font = Font(bold=True)
    return cell


def _plain_rows(rows: Iterable[Sequence[object]], first_row: int) -> BulkRows:
    return BulkRows(rows=(row_xml(cells_xml(row)) for row in rows), first_row=first_row)


def _category_label(code: str) -> str:
    return taxonomy.category(code).label


def _who(result: MatchResult, cadre: int) -> str:
    profile = result.cadres[cadre]
    return f"{profile.name}（{profile.id}）"


def _balance_sheet(
    workbook: Workbook,
    heading: str,
    result: MatchResult,
    reason_text: _ReasonTexts,
    post_notes: Mapping[str, str],
) -> BulkRows:
    sheet = workbook.create_sheet(BALANCE_TITLE)
    candidates = result.shortlist.candidates
    width = max([result.params.per_post, *(len(c) for c in candidates)])
    headers = list(BALANCE_FIXED_HEADERS)
    for k in range(1, width + 1):
        headers += [f"候选人{k}{field}" for field in BALANCE_CANDIDATE_FIELDS]
    headers += BALANCE_TAIL_HEADERS
    _lay_out(sheet, heading, [10, 18, 14, 10, 6, *([8, 9, 7, 40] * width), 20, 30])
    sheet.freeze_panes = "C2"
    sheet.append(header_cells(sheet, headers))
    total = result.scores.total
    shortfall = result.shortlist.shortfall

    def rows() -> Iterator[list[object]]:
        for j, post in enumerate(result.posts):
            row: list[object] = [
                post.id,
                post.name,
                post.unit,
                _category_label(post.category),
                post.seats,
            ]
            for k in range(width):
                if k < len(candidates[j]):
                    i = candidates[j][k]
                    cadre = result.cadres[i]
                    row += [cadre.name, cadre.id, _score(total[i, j]), reason_text(i, j)]
                else:
                    row += [None, None, None, None]
            row.append("、".join(_who(result, i) for i in result.cadres_on(j)) or None)
            notes = [text for text in (post_notes.get(post.id), shortfall.get(j)) if text]
            row.append(REASON_JOINER.join(notes) or None)
            yield row

    return _plain_rows(rows(), first_row=2)


def _placement_sheet(
    workbook: Workbook, heading: str, result: MatchResult, reason_text: _ReasonTexts
) -> BulkRows:
    sheet = workbook.create_sheet(PLACEMENT_TITLE)
    _lay_out(sheet, heading, [10, 10, 16, 10, 10, 18, 14, 9, 9, 9, 9, 60])
    sheet.freeze_panes = "C2"
    sheet.append(header_cells(sheet, PLACEMENT_HEADERS))
    m = result.scores
    placed = result.placed()
    assignment = result.assignment
    status = "已证明为总体最优" if assignment.optimal else "未能证明为最优"

    def rows() -> Iterator[list[object]]:
        for i, j in placed:
            cadre, post = result.cadres[i], result.posts[j]
            yield [
                cadre.id,
                cadre.name,
                cadre.origin_unit,
                _category_label(result.categories[i]),
                post.id,
                post.name,
                post.unit,
                _score(m.total[i, j]),
                _score(m.fit[i, j]),
                _score(m.development[i, j]),
                _score(m.complement[i, j]),
                reason_text(i, j),
            ]
        total = _score(sum(float(m.total[i, j]) for i, j in placed))
        seats = f"名额 {int(result.seats.sum())}"
        yield ["合计", f"{len(placed)} 人", None, None, None, seats, None, total]
        yield [
            f"求解状态：{status}。总分 {_score(assignment.total)}，"
            f"逐岗择优（不统筹）的总分 {_score(assignment.greedy_total)}。"
        ]
        if assignment.reason:
            yield [assignment.reason]

    return _plain_rows(rows(), first_row=2)


def _detail_selection(result: MatchResult) -> tuple[NDArray[np.int64], NDArray[np.int64], int]:
    """Pairs for 评分明细, by post then best first, and the per-post cap (0 = no cap)."""
    m = result.scores
    n, n_posts = m.total.shape
    room = EXCEL_MAX_ROWS - DETAIL_HEADER_ROWS
    n_allowed = int(np.count_nonzero(m.allowed))
    cap = 0
    k = n
    if n_allowed > room:
        cap = room // max(n_posts, 1)
        k = cap
    if n == 0 or n_posts == 0 or k == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, cap
    masked = np.where(m.allowed, m.total, np.float32(-np.inf)).T
    if k < n:
        top = np.argpartition(-masked, k - 1, axis=1)[:, :k]
    else:
        top = np.broadcast_to(np.arange(n), (n_posts, n))
    values = np.take_along_axis(masked, top, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    values = np.take_along_axis(values, order, axis=1)
    posts, rank = np.nonzero(np.isfinite(values))
    cadres = top[posts, rank]
    return cadres.astype(np.int64), posts.astype(np.int64), cap


def _detail_sheet(workbook: Workbook, heading: str, result: MatchResult) -> BulkRows:
    sheet = workbook.create_sheet(DETAIL_TITLE)
    _lay_out(sheet, heading, [10, 18, 14, 10, 10, 16, 9, 9, 9, 9, 8])
    sheet.freeze_panes = "A3"
    cadre_idx, post_idx, cap = _detail_selection(result)
    n_allowed = int(np.count_nonzero(result.scores.allowed))
    if cap:
        note = (
            f"可选派的人岗配对共 {n_allowed:,} 个，"
            f"超过 Excel 单个工作表 {EXCEL_MAX_ROWS:,} 行的上限，"
            f"本表只列出每个岗位得分最高的 {cap:,} 名干部（共 {cadre_idx.size:,} 行）。"
        )
    else:
        note = f"可选派的人岗配对共 {n_allowed:,} 个，全部列出（按岗位、得分从高到低）。"
    sheet.append([_note(sheet, note)])
    sheet.append(header_cells(sheet, DETAIL_HEADERS))

    # Each row repeats its post's and its cadre's cells; render those once.
    post_cells = [cells_xml((p.id, p.name, p.unit), 1) for p in result.posts]
    cadre_cells = [cells_xml((c.id, c.name, c.origin_unit), 4) for c in result.cadres]
    numbers = number_cells(7, 4)
    chosen_cell = cells_xml(("是",), 11)
    m = result.scores
    placed = (result.assignment.post_of[cadre_idx] == post_idx).tolist()
    columns = (
        cadre_idx.tolist(),
        post_idx.tolist(),
        m.total[cadre_idx, post_idx].tolist(),
        m.fit[cadre_idx, post_idx].tolist(),
        m.development[cadre_idx, post_idx].tolist(),
        m.complement[cadre_idx, post_idx].tolist(),
        placed,
    )

    def rows() -> Iterator[str]:
        for i, j, total, fit, development, complement, chosen in zip(*columns, strict=True):
            yield (
                f'<row r="{ROW}">{post_cells[j]}{cadre_cells[i]}'
                f"{numbers % (total, fit, development, complement)}"
                f"{chosen_cell if chosen else ''}</row>"
            )

    return BulkRows(rows=rows(), first_row=DETAIL_HEADER_ROWS + 1)


def _cadre_leftover_reasons(result: MatchResult, cadres: NDArray[np.int64]) -> list[str]:
    m = result.scores
    if cadres.size == 0:
        return []
    allowed_any: NDArray[np.bool_] = np.asarray(m.allowed[cadres].any(axis=1))
    codes = sorted(scoring.FORBIDDEN_REASON_TEXT)
    counts = np.stack([(m.forbidden_reason[cadres] == code).sum(axis=1) for code in codes], axis=1)
    seats = int(result.seats.sum())
    n = len(result.cadres)
    texts = []
    for row in range(cadres.size):
        if not allowed_any[row]:
            blocking = [
                scoring.FORBIDDEN_REASON_TEXT[code]
                for code, count in zip(codes, counts[row], strict=True)
                if count and code != scoring.ALLOWED
            ]
            texts.append("没有可选派的岗位：" + "、".join(blocking))
        elif not result.feasible:
            texts.append(result.assignment.reason or "未找到可行的配置方案")
        elif seats < n:
            texts.append(f"名额共 {seats} 个、干部 {n} 名，按总体最优方案未选派")
        else:
            texts.append("其可选岗位已由更合适的干部填补")
    return texts


def _leftover_sheet(workbook: Workbook, heading: str, result: MatchResult) -> BulkRows:
    sheet = workbook.create_sheet(LEFTOVER_TITLE)
    _lay_out(sheet, heading, [6, 10, 18, 16, 10, 6, 6, 50])
    sheet.freeze_panes = "A3"
    unplaced = result.unplaced_cadres()
    open_seats = result.open_seats()
    posts = np.flatnonzero(open_seats > 0)
    note = (
        f"未配置的干部 {unplaced.size} 名；未满额的岗位 {posts.size} 个，"
        f"空缺 {int(open_seats.sum())} 个名额。"
    )
    sheet.append([_note(sheet, note)])
    sheet.append(header_cells(sheet, LEFTOVER_HEADERS))
    cadre_reasons = _cadre_leftover_reasons(result, unplaced)
    allowed_any: NDArray[np.bool_] = np.asarray(result.scores.allowed.any(axis=0))

    def rows() -> Iterator[list[object]]:
        for i, why in zip(unplaced.tolist(), cadre_reasons, strict=True):
            cadre = result.cadres[i]
            category = _category_label(result.categories[i])
            yield [CADRE_KIND, cadre.id, cadre.name, cadre.origin_unit, category, None, None, why]
        for j in posts.tolist():
            post = result.posts[j]
            if not allowed_any[j]:
                why = "没有符合条件的干部（均为原单位、回避单位或专长匹配度低于下限）"
            elif not result.feasible:
                why = result.assignment.reason or "未找到可行的配置方案"
            else:
                why = "可选派的干部已配置到更合适的岗位"
            category = _category_label(post.category)
            yield [
                POST_KIND,
                post.id,
                post.name,
                post.unit,
                category,
                post.seats,
                int(open_seats[j]),
                why,
            ]

    return _plain_rows(rows(), first_row=3)


def _decisions_sheet(
    workbook: Workbook, heading: str, decisions: Sequence[DecisionLine]
) -> BulkRows:
    sheet = workbook.create_sheet(DECISIONS_TITLE)
    _lay_out(sheet, heading, [10, 10, 10, 10, 18, 14, 40, 10, 16, 40])
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, DECISION_HEADERS))
    rows = (
        [
            d.kind,
            d.cadre_id,
            d.cadre_name,
            d.post_id or None,
            d.post_name or None,
            d.unit or None,
            d.reason,
            d.decided_by,
            d.decided_at,
            d.withdrawn or None,
        ]
        for d in decisions
    )
    return _plain_rows(rows, first_row=2)


def _secondments_sheet(
    workbook: Workbook, heading: str, secondments: Sequence[SecondmentLine]
) -> BulkRows:
    sheet = workbook.create_sheet(SECONDMENTS_TITLE)
    _lay_out(sheet, heading, [10, 10, 10, 18, 14, 10, 12, 10])
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, SECONDMENT_HEADERS))
    rows = (
        [
            s.cadre_id,
            s.cadre_name,
            s.post_id,
            s.post_name,
            s.unit,
            s.mentor,
            s.started_on.isoformat(),
            s.duration_months,
        ]
        for s in secondments
    )
    return _plain_rows(rows, first_row=2)
