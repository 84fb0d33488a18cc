"""Writes of match runs, one use case a module.

Request side (each queues its background work through
:func:`lianbing.background.services.job_enqueue`, on commit):
:mod:`.runs` (create, cancel), :mod:`.decisions` (record, withdraw),
:mod:`.reoptimisation` (request, cancel), :mod:`.finalising`, :mod:`.exports`.

Worker side (what ``lianbing.matching.tasks`` runs; none imports the tasks):
:mod:`.run_compute`, :mod:`.reoptimise_solve`, :mod:`.export_files`.

Shared by both: :mod:`.guards` (the rules every use case checks, and the
errors they raise) and :mod:`.snapshots` (a run's stored outcome).

Every function refuses bad input with a domain exception carrying a Chinese
message that says what to do next, and then changes nothing.

This module imports no use case, so the tasks can import the worker side
without importing the request side back.
"""

from __future__ import annotations

# The prune_files command imports it from here.
from .export_files import match_exports_prune

__all__ = ["match_exports_prune"]
