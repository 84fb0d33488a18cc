"""The department's review is in the audit trail: decisions, re-optimising, finalising, demands."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lianbing.accounts.models import AuditAction, AuditEvent
from lianbing.matching.models import MatchRun
from lianbing.training.models import Secondment

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _events(object_type: str, action: str = AuditAction.CREATE) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=object_type, action=action))


def test_a_decision_is_recorded_with_who_made_it(staff: Client, run: MatchRun) -> None:
    cadre_id, post_id = run.placements.values_list("cadre_id", "post_id").first()  # type: ignore[misc]

    staff.post(
        reverse("matching:decision_create", args=[run.pk]),
        {"kind": "forbid", "cadre": cadre_id, "post": post_id, "reason": "需回避"},
        **HTMX,
    )

    [event] = _events("matching.Decision")
    assert event.username == "ganbuke"
    assert event.address == "127.0.0.1"


def test_re_optimising_and_finalising_are_recorded(staff: Client, run: MatchRun) -> None:
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    updates_before = len(_events("matching.MatchRun", AuditAction.UPDATE))
    staff.post(reverse("matching:finalise", args=[run.pk]), {"confirm": "on"})
    updates = _events("matching.MatchRun", AuditAction.UPDATE)

    assert [e.username for e in _events("matching.Reoptimisation")] == ["ganbuke"]
    assert len(updates) == updates_before + 1
    assert updates[0].username == "ganbuke"  # newest first: the finalisation
    assert len(_events("training.Secondment")) == Secondment.objects.count() == 3
