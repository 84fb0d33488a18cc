"""Uploaded workbooks are inspected before any XML in them is parsed."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from lianbing.cli import main
from lianbing.xlsx.problems import SpreadsheetError
from lianbing.xlsx.reader import read_cadres
from lianbing.xlsx.upload_safety import UnsafeUploadError, check_xlsx
from tests.unit.xlsx.workbooks import cadre_row, fill_template, post_row

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def _good(tmp_path: Path) -> Path:
    return fill_template("cadres", tmp_path / "good.xlsx", [cadre_row()])


def _rewrite(
    source: Path, target: Path, replace: dict[str, bytes], extra: dict[str, bytes]
) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, data in extra.items():
            dst.writestr(name, data)
    return target


def _first_sheet(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))


def zip_bomb(tmp_path: Path) -> Path:
    good = _good(tmp_path)
    padding = b"<!-- " + b"0" * (60 * 1024 * 1024) + b" -->"
    return _rewrite(good, tmp_path / "bomb.xlsx", {}, {"xl/media/pad.xml": padding})


def billion_laughs(tmp_path: Path) -> Path:
    good = _good(tmp_path)
    return _rewrite(good, tmp_path / "laughs.xlsx", {_first_sheet(good): BILLION_LAUGHS}, {})


def test_a_workbook_written_by_the_template_passes(tmp_path: Path) -> None:
    check_xlsx(_good(tmp_path))


def test_a_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(UnsafeUploadError, match="解压后过大"):
        check_xlsx(zip_bomb(tmp_path))


def test_a_small_part_with_an_extreme_compression_ratio_is_refused(tmp_path: Path) -> None:
    padding = b"<!-- " + b"0" * (5 * 1024 * 1024) + b" -->"
    path = _rewrite(_good(tmp_path), tmp_path / "ratio.xlsx", {}, {"xl/media/pad.xml": padding})

    with pytest.raises(UnsafeUploadError, match="压缩比"):
        check_xlsx(path)


def test_a_billion_laughs_workbook_is_refused_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(UnsafeUploadError, match="DOCTYPE"):
        check_xlsx(billion_laughs(tmp_path))


def test_a_nested_archive_is_refused(tmp_path: Path) -> None:
    good = _good(tmp_path)
    inner = good.read_bytes()
    path = _rewrite(good, tmp_path / "nested.xlsx", {}, {"xl/embeddings/inner.bin": inner})

    with pytest.raises(UnsafeUploadError, match="压缩包"):
        check_xlsx(path)


def test_more_than_100_entries_are_refused(tmp_path: Path) -> None:
    extra = {f"xl/media/x{i}.xml": b"<x/>" for i in range(100)}
    path = _rewrite(_good(tmp_path), tmp_path / "many.xlsx", {}, extra)

    with pytest.raises(UnsafeUploadError, match="条目过多"):
        check_xlsx(path)


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"<html>not a workbook</html>")

    with pytest.raises(UnsafeUploadError, match=r"不是 \.xlsx"):
        check_xlsx(path)


def test_the_reader_reports_the_refusal_as_a_spreadsheet_error(tmp_path: Path) -> None:
    with pytest.raises(SpreadsheetError, match="DOCTYPE"):
        read_cadres(billion_laughs(tmp_path))


@pytest.mark.parametrize("make", [zip_bomb, billion_laughs])
def test_the_match_command_writes_nothing_for_a_malicious_file(
    tmp_path: Path, make, capsys
) -> None:
    bad = make(tmp_path)
    posts = fill_template("posts", tmp_path / "posts.xlsx", [post_row()])
    out = tmp_path / "out.xlsx"

    code = main(["match", "--cadres", str(bad), "--posts", str(posts), "-o", str(out)])

    assert code != 0
    assert not out.exists()


def test_defusedxml_is_active_for_openpyxl() -> None:
    from lianbing.accounts.checks import check_defusedxml, defusedxml_active

    assert defusedxml_active()
    assert check_defusedxml(None) == []
