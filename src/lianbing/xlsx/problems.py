"""Problems found in a spreadsheet, reported all at once in Chinese.

A reader never stops at the first bad cell: it collects every problem of the
file into a :class:`SpreadsheetError`, so the department can fix the whole
sheet in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CellProblem:
    """One problem, located as precisely as it can be.

    ``sheet``, ``row`` (1-based, as Excel numbers rows), ``column`` (the header)
    and ``value`` are ``None`` when the problem is not about one of them (a file
    that is not an xlsx has none; a missing column has no row). ``expected`` is
    the Chinese clause that says what is wrong and what is expected, e.g.
    ``超出范围，应为 0–100 的数字``.
    """

    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = ""
        if self.sheet is not None:
            where += f"工作表“{self.sheet}”"
        if self.row is not None:
            where += f"第 {self.row} 行"
        if self.column is not None:
            where += f"“{self.column}”列"
        what = f"值“{self.value}”{self.expected}" if self.value is not None else self.expected
        return f"{where}：{what}" if where else what


class SpreadsheetError(ValueError):
    """A spreadsheet that cannot be used; ``problems`` lists every problem found.

    ``str(error)`` is a Chinese summary followed by one line per problem.
    """

    def __init__(
        self, problems: Iterable[CellProblem], *, source: str = "", partial: Any = None
    ) -> None:
        self.problems: tuple[CellProblem, ...] = tuple(problems)
        self.source = source
        #: What could still be read (the rows without a problem), so a caller can
        #: check them further and list every problem at once; None when nothing could.
        self.partial = partial
        super().__init__(self.render())

    def lines(self) -> list[str]:
        """Each problem as one Chinese sentence, in the order found."""
        return [str(p) for p in self.problems]

    def render(self) -> str:
        """A heading naming the file and the count, then one problem a line."""
        head = f"文件“{self.source}”" if self.source else "表格"
        heading = f"{head}有 {len(self.problems)} 处问题，请修改后重试："
        return "\n".join([heading, *(f"  {line}" for line in self.lines())])
