"""Excel templates, readers and writers: the department's main interface.

Nothing here imports Django or an application (an import-linter contract in
pyproject.toml and ``tests/unit/engine/test_purity.py`` check it), so
``lianbing match`` and ``lianbing template`` run without a database or settings;
the import jobs that write to the database are :mod:`lianbing.imports`. The modules:

* :mod:`.columns`: the sheet layouts (干部, 岗位, 导师), declared once;
* :mod:`.templates`: blank templates and filled sheets in that layout;
* :mod:`.reader`: reading with full validation (:class:`.problems.SpreadsheetError`
  lists every problem of a file);
* :mod:`.match_report`: the result of a match run as JSON or a workbook;
* :mod:`.commands`: ``lianbing template`` and ``lianbing match``.

Every text cell written goes through :func:`.cell_text.safe_cell` (formula
injection).
"""

from lianbing.xlsx.problems import CellProblem, SpreadsheetError
from lianbing.xlsx.reader import ReadResult, read_cadres, read_mentors, read_posts
from lianbing.xlsx.templates import write_cadres, write_mentors, write_posts, write_template

__all__ = [
    "CellProblem",
    "ReadResult",
    "SpreadsheetError",
    "read_cadres",
    "read_mentors",
    "read_posts",
    "write_cadres",
    "write_mentors",
    "write_posts",
    "write_template",
]
