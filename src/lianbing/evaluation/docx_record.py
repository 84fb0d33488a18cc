"""The growth record (青年干部成长档案) as a Word document.

A pure function of a :class:`~.record_types.GrowthRecord`: no database, no
request. The department files it with the 考察材料, so the layout follows the
printed page: title, header table, index with its confidence, abilities
before and now, trend, indicator contributions, empowerment activities,
comments.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table

from .record_types import GrowthRecord

#: The body font for Chinese text (Word falls back to it for East Asian characters).
BODY_FONT = "宋体"
TITLE_FONT = "黑体"


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _set_east_asian_font(run_or_style: object, name: str) -> None:
    element = run_or_style.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _table(document: WordDocument, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table: Table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    return table


def record_docx(record: GrowthRecord) -> bytes:
    """The growth record as the bytes of a .docx file."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(10.5)
    _set_east_asian_font(normal, BODY_FONT)

    h = record.header
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_("青年干部成长档案"))
    run.bold = True
    run.font.size = Pt(18)
    _set_east_asian_font(run, TITLE_FONT)
    subtitle = document.add_paragraph(f"{h.program} · {h.round_name}")
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER

    period = f"{h.started_on:%Y年%m月%d日} 至 {h.ends_on:%Y年%m月%d日}"
    info = document.add_table(rows=3, cols=4)
    info.style = "Table Grid"
    pairs = [
        (_("练兵干部"), h.name, _("原单位"), h.origin_unit),
        (_("练兵单位"), h.host_unit, _("练兵岗位"), h.post),
        (_("练兵导师"), h.mentor, _("练兵期限"), period),
    ]
    for row, values in zip(info.rows, pairs, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text

    document.add_heading(_("一、成长指数"), level=2)
    index = record.index
    if index is None:
        document.add_paragraph(
            _("本轮尚未计算成长指数。已收到评价 %(n)d 份。") % {"n": record.ratings_count}
        )
    else:
        lines = [
            _("成长指数：%(index)s（第 %(rank)d 名 / 共 %(of)d 人，百分位 %(pct)s）")
            % {
                "index": _number(index.index),
                "rank": index.rank,
                "of": index.of,
                "pct": _number(index.percentile, 0),
            },
            _("名次区间：第 %(best)d–%(worst)d 名%(flag)s")
            % {
                "best": index.rank_min,
                "worst": index.rank_max,
                "flag": _("（不稳定）") if index.unstable else "",
            },
            _("置信度：%(form)s = %(value)s（%(label)s），评价人数 %(raters)d 人")
            % {
                "form": index.confidence_form or "ICC",
                "value": _number(index.confidence, 2),
                "label": index.confidence_label,
                "raters": index.raters,
            },
            _("指标覆盖率：%(coverage)s%%；赋权方法：%(method)s")
            % {"coverage": _number(index.coverage * 100, 0), "method": index.method},
        ]
        for line in lines:
            document.add_paragraph(line)

    document.add_heading(_("二、能力对比（0–100）"), level=2)
    baseline_on = (
        f"{record.baseline_on:%Y年%m月%d日}" if record.baseline_on is not None else _("无")
    )
    document.add_paragraph(
        _("基线：练兵前能力评定（%(on)s）；本轮：考察评分折算。") % {"on": baseline_on}
    )
    _table(
        document,
        [_("能力"), _("练兵前基线"), _("本轮考察"), _("变化")],
        [
            [r.label, _number(r.baseline), _number(r.now), _number(r.change)]
            for r in record.abilities
        ],
    )

    document.add_heading(_("三、历次考察成长指数"), level=2)
    if record.trend:
        _table(
            document,
            [_("考察轮次"), _("成长指数"), _("名次")],
            [[p.round_name, _number(p.index), f"{p.rank}/{p.of}"] for p in record.trend],
        )
    else:
        document.add_paragraph(_("暂无。"))

    document.add_heading(_("四、指标贡献"), level=2)
    if record.contributions:
        _table(
            document,
            [_("指标"), _("权重"), _("指标值"), _("贡献分")],
            [
                [c.label, _number(c.weight, 3), _number(c.value), _number(c.points)]
                for c in record.contributions
            ],
        )
    else:
        document.add_paragraph(_("暂无。"))

    document.add_heading(_("五、赋能活动成绩"), level=2)
    if record.activities:
        _table(
            document,
            [_("活动"), _("类型"), _("日期"), _("平均得分"), _("折算（0–100）"), _("计入本轮")],
            [
                [
                    a.title,
                    a.kind,
                    f"{a.held_on:%Y年%m月%d日}",
                    _("%(score)s（%(low)d–%(high)d 分）")
                    % {"score": _number(a.score, 2), "low": a.scale_min, "high": a.scale_max},
                    _number(a.percent),
                    _("是") if a.counted else _("否"),
                ]
                for a in record.activities
            ],
        )
    else:
        document.add_paragraph(_("暂无已结束的赋能活动。"))

    document.add_heading(_("六、考察组评语"), level=2)
    if record.comments:
        for comment in record.comments:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{comment.author}：").bold = True
            paragraph.add_run(comment.text)
    else:
        document.add_paragraph(_("暂无评语。"))

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
