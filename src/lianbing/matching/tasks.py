"""Background tasks (Django tasks API): runs, their analyses, re-optimisations and exports.

Each runs the worker side of its use case; the request side queues it on
commit (:func:`lianbing.background.services.job_enqueue`).
"""

from __future__ import annotations

from django_tasks import task

from .services.analysis_jobs import match_analysis_execute
from .services.export_files import match_export_write
from .services.reoptimise_solve import match_reoptimise_execute
from .services.run_compute import match_run_execute


@task()
def match_run_task(run_id: int) -> str:
    """Compute a match run (scoring, assignment, balance table) and store it."""
    return match_run_execute(run_id=run_id)


@task()
def match_export_task(export_id: int) -> str:
    """Write a run's Excel workbook."""
    return match_export_write(export_id=export_id)


@task()
def match_reoptimise_task(reoptimisation_id: int) -> str:
    """Solve a run again around its decisions and store what moved."""
    return match_reoptimise_execute(reoptimisation_id=reoptimisation_id)


#: Below the default: a re-optimisation asked for meanwhile is taken up first.
ANALYSIS_PRIORITY = -10


@task(priority=ANALYSIS_PRIORITY)
def match_analysis_task(job_id: int) -> str:
    """Analyse a run's stored placement (sensitivity, blocking pairs, both totals)."""
    return match_analysis_execute(job_id=job_id)
