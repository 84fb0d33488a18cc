"""Who rates and reads whom in a round: the scope every inspection page starts from."""

from __future__ import annotations

import pytest
from django.http import Http404

from lianbing.evaluation import access
from lianbing.evaluation.models import Conflict, ConflictKind, RoundStatus

from .conftest import Inspected

pytestmark = pytest.mark.django_db


def test_raters_rate_only_the_trainees_their_team_covers(inspected: Inspected) -> None:
    mine = inspected.placed.secondment
    assert list(access.rateable_secondments(inspected.inspector, inspected.round)) == [mine]
    assert list(access.rateable_secondments(inspected.placed.mentor, inspected.round)) == [mine]
    assert mine not in access.rateable_secondments(inspected.other_inspector, inspected.round)


def test_a_declared_conflict_keeps_the_rater_away(inspected: Inspected) -> None:
    Conflict.objects.create(
        member=inspected.host_member,
        secondment=inspected.placed.secondment,
        kind=ConflictKind.SAME_OFFICE,
    )
    assert not access.rateable_secondments(inspected.inspector, inspected.round).exists()
    assert access.rateable_secondments(inspected.placed.mentor, inspected.round).exists()


def test_nobody_rates_in_a_round_that_is_not_open(inspected: Inspected) -> None:
    type(inspected.round).objects.filter(pk=inspected.round.pk).update(status=RoundStatus.CLOSED)
    inspected.round.refresh_from_db()
    assert not access.rateable_secondments(inspected.inspector, inspected.round).exists()


def test_trainees_and_host_contacts_read_records_only_once_released(inspected: Inspected) -> None:
    round_ = inspected.round
    mine = inspected.placed.secondment
    with pytest.raises(Http404):
        access.access_record(inspected.placed.trainee, round_.pk, mine.pk)
    type(round_).objects.filter(pk=round_.pk).update(status=RoundStatus.RELEASED)
    round_.refresh_from_db()
    assert access.access_record(inspected.placed.trainee, round_.pk, mine.pk)[1] == mine
    assert access.access_record(inspected.placed.host, round_.pk, mine.pk)[1] == mine
    with pytest.raises(Http404):
        access.access_record(inspected.placed.other_trainee, round_.pk, mine.pk)
    with pytest.raises(Http404):
        access.access_record(inspected.placed.other_host, round_.pk, mine.pk)


def test_the_department_and_the_auditor_read_every_record(inspected: Inspected) -> None:
    for who in (inspected.placed.staff, inspected.placed.auditor):
        assert access.access_record(who, inspected.round.pk, inspected.placed.other.pk)
