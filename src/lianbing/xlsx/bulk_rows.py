"""Fast rows for large sheets, spliced into a workbook openpyxl has written.

openpyxl's write-only mode costs about 15 µs a cell on this stack (no lxml), so
a detail sheet of a million rows would take minutes. The result writers let
openpyxl write what needs styles (header rows, notes, frozen panes, column
widths) and append the data rows here as ready-made SpreadsheetML: the same
inline-string and number cells openpyxl writes, each with its ``r`` reference.

A row is built once as text with :data:`ROW` standing for its row number
(:func:`row_xml`, or faster, from fragments made with :func:`cells_xml` and
:func:`number_cells` for cells repeated on many rows); :class:`BulkRows` puts
the row numbers in. Cell text goes through :func:`safe_cell` like every other
writer's.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape

from defusedxml import ElementTree
from openpyxl.utils import get_column_letter

from lianbing.xlsx.cell_text import safe_cell

# Characters XML 1.0 forbids; openpyxl refuses them too.
_ILLEGAL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAIN_NS: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_NS: Final = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_BATCH: Final = 20_000
#: Stands for the row number in row XML. Cell text can never contain it:
#: :func:`xml_text` removes every control character XML forbids, this one included.
ROW: Final = "\x01"


def xml_text(value: object) -> str:
    """Cell text made formula-safe and XML-escaped, ready for ``<t>…</t>``."""
    shown = safe_cell("" if value is None else str(value))
    return escape(_ILLEGAL.sub("", str(shown)))


def _ref(column: int) -> str:
    return str(get_column_letter(column)) + ROW


def cells_xml(values: Sequence[object], first_column: int = 1) -> str:
    """Cells for ``values`` from column ``first_column`` on, with :data:`ROW` as the row.

    ``str`` becomes an inline string (formula-safe, escaped), ``int`` and finite
    ``float`` a number; ``None``, ``""`` and non-finite numbers leave the cell
    empty.
    """
    parts = []
    for column, value in enumerate(values, start=first_column):
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, int):
            parts.append(f'<c r="{_ref(column)}"><v>{value}</v></c>')
        elif isinstance(value, float):
            if math.isfinite(value):
                parts.append(f'<c r="{_ref(column)}"><v>{value!r}</v></c>')
        else:
            text = xml_text(value)
            if not text:
                continue
            space = ' xml:space="preserve"' if text != text.strip() else ""
            parts.append(f'<c r="{_ref(column)}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
    return "".join(parts)


def number_cells(first_column: int, count: int) -> str:
    """A %-format for ``count`` numbers with two decimals from ``first_column`` on."""
    return "".join(
        f'<c r="{_ref(column)}"><v>%.2f</v></c>'
        for column in range(first_column, first_column + count)
    )


def row_xml(cells: str) -> str:
    """A row of ready-made cells."""
    return f'<row r="{ROW}">{cells}</row>'


@dataclass(frozen=True)
class BulkRows:
    """Rows to append to one sheet below the rows openpyxl wrote.

    ``rows`` are row XML with :data:`ROW` for the row number (:func:`row_xml`);
    ``first_row`` is the Excel row number of the first of them.
    """

    rows: Iterable[str]
    first_row: int

    def chunks(self) -> Iterable[str]:
        """The XML of the rows with their numbers, a batch of rows per string."""
        batch: list[str] = []
        for number, row in enumerate(self.rows, start=self.first_row):
            batch.append(row.replace(ROW, str(number)))
            if len(batch) >= _BATCH:
                yield "".join(batch)
                batch.clear()
        if batch:
            yield "".join(batch)


def append_bulk_rows(path: Path, bulk: Mapping[str, BulkRows]) -> None:
    """Append ``bulk`` rows to the named sheets of the xlsx at ``path``, in place (atomically)."""
    with zipfile.ZipFile(path) as source:
        targets = {_sheet_part(source, title): rows for title, rows in bulk.items()}
        handle, temporary = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=path.parent)
        os.close(handle)
        try:
            with zipfile.ZipFile(
                temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
            ) as result:
                for info in source.infolist():
                    rows = targets.get(info.filename)
                    if rows is None:
                        with source.open(info) as src, result.open(info.filename, "w") as dst:
                            shutil.copyfileobj(src, dst)
                        continue
                    xml = source.read(info).decode("utf-8")
                    head, tail = _split_sheet_data(xml)
                    with result.open(info.filename, "w", force_zip64=True) as dst:
                        dst.write(head.encode("utf-8"))
                        for chunk in rows.chunks():
                            dst.write(chunk.encode("utf-8"))
                        dst.write(tail.encode("utf-8"))
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _split_sheet_data(xml: str) -> tuple[str, str]:
    end = xml.find("</sheetData>")
    if end >= 0:
        return xml[:end], xml[end:]
    empty = xml.find("<sheetData />")
    if empty < 0:
        empty = xml.find("<sheetData/>")
    if empty < 0:
        raise ValueError("worksheet without sheetData")
    close = xml.index(">", empty) + 1
    return xml[:empty] + "<sheetData>", "</sheetData>" + xml[close:]


def _sheet_part(archive: zipfile.ZipFile, title: str) -> str:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        if sheet.get("name") != title:
            continue
        rel_id = sheet.get(f"{_REL_NS}id")
        for rel in rels.iter(f"{_PKG_NS}Relationship"):
            if rel.get("Id") == rel_id:
                target = str(rel.get("Target"))
                return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise KeyError(title)
