"""Background tasks (Django tasks API): match runs and exports leave the request cycle."""

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
