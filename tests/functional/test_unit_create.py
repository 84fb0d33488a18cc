"""The department adds a unit by hand: a host unit before its mentors are imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing.accounts.models import AuditAction, AuditEvent, Role
from lianbing.imports.services import import_workbook
from lianbing.people.models import Mentor, Unit
from tests import factories
from tests.integration.imports.books import mentor_row, mentors_book

pytestmark = pytest.mark.django_db

URL = reverse("web:unit_create")


def test_staff_add_a_town_and_its_mentors_then_import(
    staff: Client, user: User, tmp_path: Path
) -> None:
    response = staff.post(URL, {"name": " 新仓镇 ", "short_name": "新仓", "kind": "town"})

    assert response.status_code == 302
    assert response["Location"] == reverse("web:unit_list")
    unit = Unit.objects.get(name="新仓镇")
    assert (unit.kind, unit.short_name) == ("town", "新仓")
    event = AuditEvent.objects.get(object_type="people.Unit", action=AuditAction.CREATE)
    assert (event.username, event.object_id) == (user.username, str(unit.pk))
    page = staff.get(reverse("web:unit_list")).content.decode()
    assert "已新增单位“新仓镇”（镇街道）。" in page

    import_workbook(
        path=mentors_book(tmp_path / "m.xlsx", [mentor_row(导师编号="M1", 单位="新仓镇")])
    )
    assert Mentor.objects.get(code="M1").unit == unit


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "新仓镇", "kind": "town"}, "单位“新仓镇”已存在。"),
        ({"name": "", "kind": "town"}, "这个字段是必填项。"),
        ({"name": "乍浦镇", "kind": "village"}, "选择一个有效的选项"),
    ],
)
def test_a_bad_unit_is_refused_with_the_form_kept_and_nothing_added(
    staff: Client, data: dict[str, str], message: str
) -> None:
    factories.unit("新仓镇", kind="town")

    response = staff.post(URL, data)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'data-testid="unit-create" open' in page
    assert Unit.objects.count() == 1


def test_only_the_department_adds_units() -> None:
    contact = Client()
    contact.force_login(factories.account(Role.HOST_CONTACT, unit_=factories.unit("曹桥街道")))

    assert contact.post(URL, {"name": "新仓镇", "kind": "town"}).status_code == 403
    assert not Unit.objects.filter(name="新仓镇").exists()
