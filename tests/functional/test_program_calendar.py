"""The program calendar (全年日程): the year of one program in date order, each item linking to its page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing.accounts.models import Role
from lianbing.demand.models import Program
from lianbing.matching.services.finalising import match_run_finalise
from lianbing.training.models import Secondment
from tests import factories

pytestmark = pytest.mark.django_db

_ITEM = re.compile(
    r'data-testid="calendar-item" data-step="(?P<step>[a-z]+)" data-on="(?P<on>[0-9-]+)">'
    r"(?P<body>.*?)</li>",
    re.S,
)
_LINK = re.compile(r'<a href="([^"]+)">([^<]+)</a>')


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _items(html: str) -> list[tuple[str, str, str]]:
    """(step, date, body) of each item, in page order."""
    return [(m["step"], m["on"], m["body"]) for m in _ITEM.finditer(html)]


@pytest.fixture
def year(user: User) -> Program:
    """A program with a survey, a finalised run (two placed), all through the services."""
    program = factories.matching_program(cadres=3, posts=2)
    Program.objects.filter(pk=program.pk).update(
        started_on=datetime.date(2026, 8, 1), ended_on=datetime.date(2027, 7, 31)
    )
    program.refresh_from_db()
    factories.survey_round("2026年人才缺口调研", program_=program)
    run = factories.match_run(user, program=program, title="2026年配置方案")
    match_run_finalise(run=run, finalised_by=user)
    return program


def test_the_calendar_lists_the_year_in_date_order_with_working_links(
    user: User, year: Program
) -> None:
    client = _client(user)

    html = client.get(reverse("web:program_calendar", args=[year.pk])).content.decode()

    items = _items(html)
    dates = [on for _step, on, _body in items]
    assert dates == sorted(dates)
    steps = {step for step, _on, _body in items}
    assert {"program", "survey", "match", "training"} <= steps
    bodies = " ".join(body for _s, _o, body in items)
    assert "需求调研“2026年人才缺口调研”填报截止" in bodies
    assert "匹配方案“2026年配置方案”定案" in bodies
    placed = Secondment.objects.filter(program=year).count()
    assert f"{placed} 名干部到岗开始练兵" in bodies
    assert ("program", "2026-08-01") in [(s, o) for s, o, _b in items]
    links = [url for _s, _o, body in items for url, _label in _LINK.findall(body)]
    assert len(links) >= 4
    for url in set(links):
        assert client.get(url).status_code == 200, url


def test_the_sidebar_calendar_opens_the_current_program(user: User, year: Program) -> None:
    response = _client(user).get(reverse("web:calendar"))

    assert response.status_code == 302
    assert response["Location"] == reverse("web:program_calendar", args=[year.pk])


def test_without_a_program_the_calendar_says_how_to_start(user: User) -> None:
    html = _client(user).get(reverse("web:calendar")).content.decode()

    assert 'data-testid="calendar-empty"' in html


def test_the_auditor_reads_the_calendar_without_links_to_pages_it_may_not_open(
    year: Program,
) -> None:
    auditor = _client(factories.account(Role.AUDITOR))

    html = auditor.get(reverse("web:program_calendar", args=[year.pk])).content.decode()

    survey = [b for s, _o, b in _items(html) if s == "survey"]
    assert survey
    assert "<a " not in survey[0]
    for url, _label in _LINK.findall(html.split('data-testid="calendar"', 1)[1]):
        assert auditor.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "role", [Role.HOST_CONTACT, Role.MENTOR, Role.TRAINEE, Role.INSPECTOR, Role.SYSTEM_ADMIN]
)
def test_other_roles_may_not_open_the_calendar(role: str, year: Program) -> None:
    extra: dict[str, object] = {}
    if role == Role.HOST_CONTACT:
        extra["unit_"] = factories.unit("当湖街道", kind="town")
    if role == Role.MENTOR:
        from lianbing.people.models import Mentor

        extra["mentor"] = Mentor.objects.create(
            code="M-CAL", name="李俊", unit=factories.unit("新仓镇")
        )
    if role == Role.TRAINEE:
        extra["cadre_"] = year.cadres.first()
    client = _client(factories.account(role, **extra))

    response = client.get(reverse("web:program_calendar", args=[year.pk]))

    assert response.status_code == 403


def test_the_calendar_makes_the_same_queries_for_a_bigger_program(
    user: User, year: Program
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(user)
    url = reverse("web:program_calendar", args=[year.pk])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for k in range(4):
        factories.post(program_=year, code=f"CP{k:02d}")
    Secondment.objects.filter(program=year).update(started_on=datetime.date(2026, 8, 3))

    assert count() == small
