"""Writes of secondments: created and superseded by finalising a match run."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from lianbing.demand.models import Post
from lianbing.people.models import Cadre, Mentor

from .models import Secondment


@transaction.atomic
def secondment_create(
    *,
    cadre: Cadre,
    post: Post,
    source_run_id: int,
    mentor: Mentor | None,
    started_on: datetime.date,
    duration_months: int,
) -> Secondment:
    """Second a cadre to a post of the post's program (the mentor may be named later)."""
    secondment = Secondment(
        program_id=post.program_id,
        cadre=cadre,
        post=post,
        source_run_id=source_run_id,
        mentor=mentor,
        started_on=started_on,
        duration_months=duration_months,
    )
    secondment.full_clean()
    secondment.save()
    return secondment


@transaction.atomic
def secondments_supersede(*, source_run_id: int, reason: str) -> int:
    """Mark the current secondments of a run as superseded; return how many."""
    return Secondment.objects.filter(
        source_run_id=source_run_id, superseded_at__isnull=True
    ).update(superseded_at=timezone.now(), supersede_reason=reason)
