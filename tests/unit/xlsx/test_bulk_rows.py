"""Bulk rows spliced into a workbook read back as ordinary cells."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from lianbing.xlsx.bulk_rows import BulkRows, cells_xml, number_cells, row_xml
from lianbing.xlsx.saving import save_workbook


def _write(path: Path, rows: list[tuple[str, float]]) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("明细")
    sheet.append(["名称", "得分"])
    bulk = BulkRows(rows=(row_xml(cells_xml(row)) for row in rows), first_row=2)
    workbook.create_sheet("其他").append(["后面的表"])
    return save_workbook(workbook, path, bulk={"明细": bulk})


def test_bulk_rows_follow_the_rows_openpyxl_wrote(tmp_path: Path) -> None:
    path = _write(tmp_path / "b.xlsx", [("甲", 1.0), ("<乙&丙>", 2.345)])

    workbook = load_workbook(path)

    sheet = workbook["明细"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["名称", "得分"],
        ["甲", 1.0],
        ["<乙&丙>", 2.345],
    ]
    assert sheet["A3"].value == "<乙&丙>"
    assert workbook["其他"]["A1"].value == "后面的表"


def test_control_characters_are_dropped_and_formulas_neutralised(tmp_path: Path) -> None:
    path = _write(tmp_path / "b.xlsx", [("a\x01b\x0bc", 0.0), ("=SUM(A1)", 0.0)])

    sheet = load_workbook(path)["明细"]

    assert sheet["A2"].value == "abc"
    assert sheet["A3"].value == "'=SUM(A1)"
    assert sheet["A3"].data_type == "s"


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(
        st.text(alphabet=st.characters(categories=("L", "N", "P", "S", "Zs")), max_size=10),
        min_size=1,
        max_size=8,
    )
)
def test_any_printable_text_reads_back_unchanged(tmp_path: Path, names: list[str]) -> None:
    rows = [(name, float(k)) for k, name in enumerate(names)]

    path = _write(tmp_path / "b.xlsx", rows)

    sheet = load_workbook(path, read_only=True)["明细"]
    read = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    expected = [(_as_written(n) or None, float(k)) for k, n in enumerate(names)]
    assert read == expected


def _as_written(name: str) -> str:
    return "'" + name if name.startswith(("=", "+", "-", "@")) else name


def test_number_cells_round_to_two_decimals(tmp_path: Path) -> None:
    workbook = Workbook(write_only=True)
    workbook.create_sheet("明细").append(["得分"])
    row = row_xml(number_cells(1, 2) % (1.005, 99.999))

    path = save_workbook(workbook, tmp_path / "n.xlsx", bulk={"明细": BulkRows([row], 2)})

    sheet = load_workbook(path)["明细"]
    assert (sheet["A2"].value, sheet["B2"].value) == (1.0, 100.0)
