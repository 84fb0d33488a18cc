"""Background tasks (Django tasks API): match runs, re-optimisations and exports leave the request."""

from __future__ import annotations

from django_tasks import task


@task()
def match_run_task(run_id: int) -> str:
    """Compute a match run (scoring, assignment, balance table) and store it."""
    from . import services

    return services.match_run_execute(run_id=run_id)


@task()
def match_export_task(export_id: int) -> str:
    """Write a run's Excel workbook."""
    from . import services

    return services.match_export_write(export_id=export_id)


@task()
def match_reoptimise_task(reoptimisation_id: int) -> str:
    """Solve a run again around its review decisions and store what moved."""
    from . import services

    return services.match_reoptimise_execute(reoptimisation_id=reoptimisation_id)
