"""The page side of the background-job protocol: the polled progress and the cancel button.

A kind's views check access, then hand over: :func:`job_status_response`
renders the progress partial the page polls (failing first a job whose worker
died), and :func:`job_cancel_response`
runs the kind's cancel service, says what happened and goes back to ``back``
(a URL, usually the job's page).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .models import BackgroundWork, JobStatus
from .services import job_check_worker


def job_status_response(
    request: HttpRequest, *, job: BackgroundWork, template: str, context: Mapping[str, Any]
) -> HttpResponse:
    """The progress partial; once the job has ended under a polling page, that page reloads.

    A running job whose worker died on this machine is failed first
    (:func:`job_check_worker`), so the page shows it within a poll.
    """
    job_check_worker(job=job)
    response = render(request, template, context)
    if not job.is_active and request.GET.get("polling"):
        # The job ended while the page was polling: reload it with the outcome.
        response["HX-Refresh"] = "true"
    return response


def job_cancel_response(
    request: HttpRequest,
    *,
    cancel: Callable[[], BackgroundWork],
    refused: type[Exception],
    asked_message: str,
    back: str,
) -> HttpResponse:
    """Cancel through the kind's service, say what happened and go ``back``.

    ``refused`` is the kind's error for a job that cannot be cancelled (its
    message is shown). A stale job is stopped at once (it is failed, and its
    error says so); any other is asked to stop (``asked_message``).
    """
    try:
        job = cancel()
    except refused as exc:
        messages.error(request, str(exc))
    else:
        if job.status == JobStatus.FAILED:  # a stale job is stopped at once
            messages.warning(request, job.error)
        else:
            messages.info(request, asked_message)
    return redirect(back)
