"""Page setup for every exported sheet the department prints.

Printed on A4 as it is, a wide sheet loses its right-hand columns to a second
page and every page after the first has no column headings or title. Each
writer calls :func:`print_setup` on its sheets: A4, landscape when the sheet has
more columns than fit upright, scaled to one page wide (as many pages tall as
needed), the header rows repeated on every page, a title (what, which program
or run, the date) in the page header and the page number in the footer.

Works on ordinary and write-only worksheets alike (both carry the page setup,
the print titles and the header and footer).
"""

from __future__ import annotations

import datetime
from typing import Any, Final

from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

#: Columns that still read well on an upright A4 page; wider sheets go landscape.
PORTRAIT_MAX_COLUMNS: Final[int] = 6
#: Excel's page-number fields in a header or footer: this page, all pages.
PAGE_FOOTER: Final[str] = "第 &P 页，共 &N 页"


def _header_text(text: str) -> str:
    # "&" starts a field code in Excel's header and footer; a literal one is doubled.
    return text.replace("&", "&&")


def print_setup(
    sheet: Any,
    *,
    title: str,
    columns: int,
    header_rows: tuple[int, int] = (1, 1),
    landscape: bool | None = None,
    on: datetime.date | None = None,
) -> None:
    """Set up ``sheet`` for printing.

    ``title`` is printed at the top of every page with the date ``on`` (today
    by default); ``columns`` is how many columns the sheet has, which decides
    the orientation unless ``landscape`` says (a few very wide columns); ``header_rows`` the first and last row repeated on every
    page (the column headings, with any note above them).
    """
    setup = sheet.page_setup
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.orientation = (
        Worksheet.ORIENTATION_LANDSCAPE
        if (columns > PORTRAIT_MAX_COLUMNS if landscape is None else landscape)
        else Worksheet.ORIENTATION_PORTRAIT
    )
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages tall as the rows need
    properties = sheet.sheet_properties
    if properties.pageSetUpPr is None:
        properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        properties.pageSetUpPr.fitToPage = True
    first, last = header_rows
    sheet.print_title_rows = f"{first}:{last}"
    day = (on or datetime.date.today()).isoformat()
    header_footer = sheet.HeaderFooter
    header_footer.oddHeader.center.text = _header_text(title)
    header_footer.oddHeader.right.text = day
    header_footer.oddFooter.center.text = PAGE_FOOTER
    sheet.print_options.horizontalCentered = True
