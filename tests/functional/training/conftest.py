"""A placed pair for the pages of the training period, and the accounts around it.

``placed`` is a current secondment of cadre 孙杰 on a 新仓镇 post, mentored
(confirmed) by 李俊, with accounts for every role that touches it and for an
outsider of each kind: another mentor with a trainee of their own, another
trainee, the contact of another host unit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from lianbing.accounts.models import Role
from lianbing.matching.models import MatchRun
from lianbing.people import services as people_services
from lianbing.training import secondments
from lianbing.training.models import Secondment
from tests import factories


@dataclass
class Placed:
    run: MatchRun
    secondment: Secondment
    other: Secondment
    staff: User
    mentor: User
    trainee: User
    host: User
    auditor: User
    other_mentor: User
    other_trainee: User
    other_host: User

    def client(self, who: str) -> Client:
        client = Client()
        client.force_login(getattr(self, who))
        return client


def second(
    run: MatchRun,
    *,
    cadre_name: str,
    town: str,
    mentor_name: str | None = None,
    confirmed: bool = True,
    started_on: datetime.date = datetime.date(2026, 3, 1),
) -> Secondment:
    """A secondment of a new cadre on a new post at ``town`` in ``run``'s program.

    With ``mentor_name``, a mentor of ``town`` is named (and confirmed unless
    ``confirmed`` is False); without, the mentor is still to be found (导师待定).
    """
    host = factories.unit(town, kind="town")
    post = factories.post(program_=run.program, host=host)
    mentor = (
        people_services.mentor_create(
            code=f"M-{cadre_name}", name=mentor_name, unit=host, position="副镇长"
        )
        if mentor_name is not None
        else None
    )
    cadre = factories.cadre(name=cadre_name)
    secondment = secondments.secondment_create(
        cadre=cadre,
        post=post,
        source_run_id=run.pk,
        mentor=mentor,
        started_on=started_on,
        duration_months=12,
    )
    if mentor is not None and confirmed:
        Secondment.objects.filter(pk=secondment.pk).update(mentor_confirmed_at=timezone.now())
        secondment.refresh_from_db()
    return secondment


def _second(run: MatchRun, *, cadre_name: str, town: str, mentor_name: str) -> Secondment:
    return second(run, cadre_name=cadre_name, town=town, mentor_name=mentor_name)


@pytest.fixture
def placed(user: User) -> Placed:
    run = factories.match_run(user)
    mine = _second(run, cadre_name="孙杰", town="新仓镇", mentor_name="李俊")
    other = _second(run, cadre_name="王楠楠", town="曹桥街道", mentor_name="张敏")
    assert mine.mentor is not None
    assert other.mentor is not None
    return Placed(
        run=run,
        secondment=mine,
        other=other,
        staff=user,
        mentor=factories.account(Role.MENTOR, username="lijun", mentor=mine.mentor),
        trainee=factories.account(Role.TRAINEE, username="sunjie", cadre_=mine.cadre),
        host=factories.account(Role.HOST_CONTACT, username="xincang", unit_=mine.post.unit),
        auditor=factories.account(Role.AUDITOR, username="shenji"),
        other_mentor=factories.account(Role.MENTOR, username="zhangmin", mentor=other.mentor),
        other_trainee=factories.account(Role.TRAINEE, username="wangnannan", cadre_=other.cadre),
        other_host=factories.account(Role.HOST_CONTACT, username="caoqiao", unit_=other.post.unit),
    )
