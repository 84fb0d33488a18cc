"""A task that only notes which worker process ran it, for the tests of two workers side by side."""

from __future__ import annotations

import os
import time

from django_tasks import task


@task()
def note_worker(number: int, path: str) -> None:
    """Append "<number> <pid>" to ``path``; one short write in append mode, so lines never mix."""
    with open(path, "a", encoding="ascii") as notes:
        notes.write(f"{number} {os.getpid()}\n")
    # Long enough that both workers are busy at once.
    time.sleep(0.05)
