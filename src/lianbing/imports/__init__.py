"""Import jobs: the department's workbooks read, checked against the database and written.

:mod:`.read` reads the sheets once (through :mod:`lianbing.xlsx`), :mod:`.check`
checks every row against the database, :mod:`.write` writes them in one
transaction, :mod:`.services` chains the three, :mod:`.job` runs them in the
background for the import page, and :mod:`.problems` turns a rejected job into
a workbook.
"""
