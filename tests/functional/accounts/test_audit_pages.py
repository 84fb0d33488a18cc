"""Audit rows for profile views and exports; the auditor's page; object-level access."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lianbing.accounts import audit
from lianbing.accounts.models import AuditAction, AuditEvent, AuditResult, Role
from tests import factories

pytestmark = pytest.mark.django_db


def _as(role: str, **kwargs: object) -> Client:
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(factories.account(role, **kwargs))
    return client


def test_viewing_a_cadre_profile_writes_an_audit_row() -> None:
    cadre = factories.cadre(name="王楠楠")
    client = _as(Role.STAFF, username="ganbuke")

    response = client.get(reverse("web:cadre_detail", args=[cadre.pk]))

    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert response.status_code == 200
    assert (event.username, event.object_type, event.object_id) == (
        "ganbuke",
        "people.Cadre",
        str(cadre.pk),
    )
    assert "王楠楠" in event.object_repr
    assert event.result == AuditResult.SUCCESS
    assert event.address == "10.1.2.3"


def test_a_refused_profile_view_is_audited_as_denied() -> None:
    cadre = factories.cadre()
    client = _as(Role.HOST_CONTACT, unit_=factories.unit(kind="town"))

    response = client.get(reverse("web:cadre_detail", args=[cadre.pk]))

    assert response.status_code == 404
    assert (
        AuditEvent.objects.filter(action=AuditAction.VIEW, result=AuditResult.DENIED).count() == 1
    )


def test_an_export_writes_an_audit_row() -> None:
    audit.record(action=AuditAction.LOGIN, object_repr="x")
    client = _as(Role.AUDITOR, username="shenji")

    response = client.get(reverse("accounts:audit_export"))

    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).get()
    assert response.status_code == 200
    assert event.username == "shenji"
    assert event.object_type == "accounts:audit_export"
    assert event.object_repr.endswith(".xlsx")


def test_the_auditor_filters_by_action_user_and_date() -> None:
    audit.record(action=AuditAction.LOGIN, object_repr="a")
    audit.record(action=AuditAction.EXPORT, object_repr="b")
    client = _as(Role.AUDITOR)
    today = timezone.localdate().isoformat()

    response = client.get(
        reverse("accounts:audit_list"), {"action": "export", "date_from": today, "date_to": today}
    )

    rows = list(response.context["page_obj"])
    assert [e.action for e in rows] == ["export"]


def test_the_audit_list_makes_the_same_number_of_queries_for_more_rows() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _as(Role.AUDITOR)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("accounts:audit_list")).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(20):
        audit.record(action=AuditAction.EXPORT, object_repr=f"f{i}")
    after = count()

    assert after == before


def test_the_audit_export_neutralises_formula_injection() -> None:
    audit.record(action=AuditAction.EXPORT, object_repr='=HYPERLINK("http://evil","x")')
    client = _as(Role.AUDITOR)

    response = client.get(reverse("accounts:audit_export"))

    sheet = load_workbook(io.BytesIO(response.content))["审计日志"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://evil","x")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_staff_cannot_read_the_audit_trail() -> None:
    client = _as(Role.STAFF)

    assert client.get(reverse("accounts:audit_list")).status_code == 403


def test_a_host_contact_and_a_mentor_see_only_their_own_trainees() -> None:
    from lianbing.demand import services as demand_services
    from lianbing.matching.services import runs as matching_runs
    from lianbing.people import services as people_services
    from lianbing.training import services as training_services

    town = factories.unit("曹桥街道", kind="town")
    program = factories.program()
    post = factories.post(program_=program, host=town)
    mine = factories.cadre(name="王楠楠")
    other = factories.cadre(name="屠东君")
    demand_services.program_add_cadres(program=program, cadres=[mine, other])
    mentor = people_services.mentor_create(code="M-T", name="李俊", unit=town)
    run = matching_runs.match_run_create(
        program=program, created_by=factories.account(Role.STAFF), posts=[post]
    )
    training_services.secondment_create(
        cadre=mine,
        post=post,
        source_run_id=run.pk,
        mentor=mentor,
        started_on=datetime.date(2026, 3, 1),
        duration_months=6,
    )
    contact = _as(Role.HOST_CONTACT, unit_=town)
    mentor_client = _as(Role.MENTOR, mentor=mentor)

    for client in (contact, mentor_client):
        listed = client.get(reverse("web:cadre_list")).content.decode()
        assert "王楠楠" in listed
        assert "屠东君" not in listed
        assert client.get(reverse("web:cadre_detail", args=[mine.pk])).status_code == 200
        assert client.get(reverse("web:cadre_detail", args=[other.pk])).status_code == 404


def test_a_trainee_reads_only_their_own_profile() -> None:
    own = factories.cadre(name="孙杰")
    other = factories.cadre(name="金伟")
    client = _as(Role.TRAINEE, cadre_=own)

    assert client.get(reverse("web:cadre_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("web:cadre_detail", args=[other.pk])).status_code == 404


def test_a_host_contact_sees_only_their_units_posts() -> None:
    town = factories.unit(kind="town")
    other_town = factories.unit(kind="town")
    program = factories.program()
    mine = factories.post(program_=program, host=town, code="P-MINE")
    other = factories.post(program_=program, host=other_town, code="P-OTHER")
    client = _as(Role.HOST_CONTACT, unit_=town)

    listed = client.get(reverse("web:post_list")).content.decode()

    assert "P-MINE" in listed
    assert "P-OTHER" not in listed
    assert client.get(reverse("web:post_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("web:post_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("web:unit_detail", args=[other_town.pk])).status_code == 404


def test_the_auditor_reads_objects_and_pages_by_name_not_by_code() -> None:
    cadre = factories.cadre(name="王楠楠")
    _as(Role.STAFF).get(reverse("web:cadre_detail", args=[cadre.pk]))
    _as(Role.INSPECTOR).get(reverse("web:unit_list"))
    auditor = _as(Role.AUDITOR)

    page = auditor.get(reverse("accounts:audit_list")).content.decode()

    assert '">干部</span> 王楠楠' in page
    assert '">单位列表</span>' in page
    assert '<option value="people.Cadre">干部</option>' in page
    assert '<option value="web:unit_list">单位列表</option>' in page
    assert ">people.Cadre" not in page
    assert ">web:unit_list" not in page
