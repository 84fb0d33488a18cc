"""ID numbers and phones reach the screen and the workbooks only masked."""

from __future__ import annotations

import html
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing.demand import services as demand_services
from lianbing.people.models import Cadre
from tests import factories

pytestmark = pytest.mark.django_db

ID_NUMBER = "330482199001011234"
PHONE = "13812345678"


@pytest.fixture
def cadre() -> Cadre:
    program = factories.program("2026年度百岗大练兵")
    cadre = factories.cadre(code="C001", name="王楠楠", origin=factories.unit("市经信局"))
    cadre.id_number = ID_NUMBER
    cadre.phone = PHONE
    cadre.full_clean()
    cadre.save()
    demand_services.program_add_cadres(program=program, cadres=[cadre])
    return cadre


@pytest.fixture
def user() -> User:
    """The staff account of the foundation: ``is_staff`` without a role profile acts as staff."""
    return User.objects.create_user(username="ganbuke", password="Lianbing-2026", is_staff=True)


def test_the_cadre_list_shows_the_phone_masked(staff: Client, cadre: Cadre) -> None:
    page = staff.get(reverse("web:cadre_list")).content.decode()

    assert "138****5678" in page
    assert PHONE not in page
    assert ID_NUMBER not in page


def test_the_cadre_page_shows_id_number_and_phone_masked(staff: Client, cadre: Cadre) -> None:
    page = staff.get(cadre.get_absolute_url()).content.decode()

    assert "3304**********1234" in page
    assert "138****5678" in page
    assert ID_NUMBER not in page
    assert PHONE not in page


def test_a_cadre_without_phone_shows_a_dash_not_an_empty_mask(staff: Client) -> None:
    plain = factories.cadre(code="C002", name="屠东君")

    page = staff.get(plain.get_absolute_url()).content.decode()

    assert "****" not in page


def test_the_cadre_export_never_carries_the_clear_values(
    staff: Client, cadre: Cadre, tmp_path: Path
) -> None:
    response = staff.get(reverse("web:cadre_export"))
    path = tmp_path / "cadres.xlsx"
    path.write_bytes(b"".join(response.streaming_content))

    with zipfile.ZipFile(path) as book:
        # XML character references (lxml writes non-ASCII text as &#NNNN;) read as text.
        text = html.unescape(
            "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
        )
    assert "王楠楠" in text  # the workbook does hold the cadre
    assert ID_NUMBER not in text
    assert PHONE not in text


def test_the_admin_list_shows_the_phone_masked(client: Client, cadre: Cadre) -> None:
    client.force_login(User.objects.create_superuser(username="root", password="Lianbing-2026"))

    page = client.get(reverse("admin:people_cadre_changelist")).content.decode()

    assert "138****5678" in page
    assert PHONE not in page
