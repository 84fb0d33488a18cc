"""Import jobs: the department's workbooks read, checked against the database and written.

:mod:`.read` reads the sheets once (through :mod:`lianbing.xlsx`), :mod:`.check`
checks every row against the database, :mod:`.write` writes them in one
transaction, :mod:`.services` chains the three; for the import page,
:mod:`.submit` queues a job (and cancels it) and :mod:`.job` runs it in the
background worker; :mod:`.problems` turns a rejected job into a workbook.
"""
