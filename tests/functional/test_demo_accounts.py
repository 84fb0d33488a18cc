"""The demo's role accounts: one per role, each signing in to what that role sees."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lianbing.accounts.models import Profile, Role
from lianbing.accounts.roles import roles_of
from lianbing.demodata.accounts import demo_accounts_ensure
from lianbing.survey.models import Demand, DemandStatus, SurveyRound

# The demo is loaded once for the module (``module_demo``); each test adds the accounts.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_demo")]


def _sign_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post(
        reverse("login"), {"username": username, "password": password}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated, username
    return client


def test_every_role_gets_one_account_acting_for_a_record_of_the_demo() -> None:
    demo = demo_accounts_ensure()

    assert demo.password
    assert {a.role for a in demo.accounts} == set(Role.values)
    assert all(a.created for a in demo.accounts)
    contact = next(a for a in demo.accounts if a.role == Role.HOST_CONTACT)
    assert contact.acts_for == "曹桥街道"
    profiles = Profile.objects.select_related("user")
    assert {frozenset(roles_of(p.user)) for p in profiles} == {
        frozenset({role}) for role in Role.values
    }
    assert not profiles.filter(must_change_password=True).exists()
    contact_user = profiles.get(user__username="caoqiao").user
    assert contact_user.get_full_name() == "曹桥街道用人单位联系人"


def test_running_it_again_creates_nothing_and_reveals_no_password() -> None:
    first = demo_accounts_ensure()

    again = demo_accounts_ensure()

    assert again.password is None
    assert [a.username for a in again.accounts] == [a.username for a in first.accounts]
    assert not any(a.created for a in again.accounts)
    assert Profile.objects.count() == len(Role.values)


def test_the_host_contact_signs_in_and_sees_only_the_own_units_demands() -> None:
    demo = demo_accounts_ensure()
    assert demo.password is not None
    client = _sign_in("caoqiao", demo.password)

    own = Demand.objects.filter(unit__name="曹桥街道").first()
    other = Demand.objects.exclude(unit__name="曹桥街道").first()
    assert own is not None
    assert other is not None

    assert client.get(reverse("survey:demand_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("survey:demand_detail", args=[other.pk])).status_code in (403, 404)
    assert client.get(reverse("matching:run_list")).status_code == 403


def test_the_auditor_signs_in_to_the_audit_trail() -> None:
    demo = demo_accounts_ensure()
    assert demo.password is not None
    client = _sign_in("shenji", demo.password)

    assert client.get(reverse("accounts:audit_list")).status_code == 200
    assert client.get(reverse("web:cadre_list")).status_code == 403


def test_the_host_contact_can_file_a_demand_in_the_demos_open_round() -> None:
    demo = demo_accounts_ensure()
    assert demo.password is not None
    client = _sign_in("caoqiao", demo.password)
    open_round = SurveyRound.objects.get(name__contains="补充")

    response = client.post(
        reverse("survey:demand_new", args=[open_round.pk]),
        {
            "title": "古镇保护岗",
            "key_task": "推进历史文化街区保护与活化利用",
            "category": "livelihood",
            "seats": 1,
            "duration_months": 12,
            "priority": 2,
            "current_staffing": 0,
            "submit": "1",
        },
        follow=True,
    )

    demand = Demand.objects.get(survey_round=open_round)
    assert response.status_code == 200
    assert demand.unit.name == "曹桥街道"
    assert demand.status == DemandStatus.SUBMITTED
