"""Text going into and coming out of a cell, made safe against formula injection.

A text cell that begins with ``=``, ``+``, ``-`` or ``@`` can be taken for a
formula by Excel (and openpyxl writes a string starting with ``=`` as a formula
outright), so a cadre named ``=HYPERLINK(...)`` would run on the department's
machine. Every writer in this package passes text through :func:`safe_cell`;
every reader passes it back through :func:`restore_text`, so a written sheet
reads back to the same values.
"""

from __future__ import annotations

from typing import Final

FORMULA_TRIGGERS: Final[tuple[str, ...]] = ("=", "+", "-", "@")
QUOTE: Final[str] = "'"


def safe_cell(value: object) -> object:
    """The value to put in a cell: text that could be read as a formula gets a leading ``'``.

    Numbers, dates and ``None`` pass unchanged; only ``str`` is ever altered.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return QUOTE + value
    return value


def restore_text(value: str) -> str:
    """Undo :func:`safe_cell` on text read from a cell (``'=x`` becomes ``=x``).

    Text that really begins with an apostrophe followed by ``=``, ``+``, ``-`` or
    ``@`` loses the apostrophe; no field of the layout has a use for such text.
    """
    if value.startswith(QUOTE) and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value
