"""ID numbers and phones: encrypted in the database, masked for display."""

from __future__ import annotations

import pytest
from django.db import connection

from lianbing.people.crypto import mask_id_number, mask_phone
from lianbing.people.models import Cadre
from tests import factories

pytestmark = pytest.mark.django_db


def _raw(cadre: Cadre, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM people_cadre WHERE id = %s", [cadre.pk])
        return str(cursor.fetchone()[0])


def test_the_id_number_and_phone_are_stored_encrypted() -> None:
    cadre = factories.cadre()
    cadre.id_number = "330482199001011234"
    cadre.phone = "13812345678"
    cadre.full_clean()
    cadre.save()

    stored_id, stored_phone = _raw(cadre, "id_number"), _raw(cadre, "phone")

    assert "330482199001011234" not in stored_id
    assert "13812345678" not in stored_phone
    assert stored_id.startswith("fernet:")


def test_the_clear_values_read_back_through_the_model() -> None:
    cadre = factories.cadre()
    cadre.id_number = "330482199001011234"
    cadre.phone = "13812345678"
    cadre.save()

    again = Cadre.objects.get(pk=cadre.pk)

    assert again.id_number == "330482199001011234"
    assert again.phone == "13812345678"


def test_the_masked_forms_keep_the_first_and_last_digits() -> None:
    cadre = factories.cadre()
    cadre.id_number = "330482199001011234"
    cadre.phone = "13812345678"

    assert cadre.id_number_masked == "3304**********1234"
    assert cadre.phone_masked == "138****5678"


def test_masking_never_reveals_a_short_value() -> None:
    assert mask_id_number("1234") == "****"
    assert mask_phone("") == ""


def test_a_malformed_id_number_is_refused() -> None:
    from django.core.exceptions import ValidationError

    cadre = factories.cadre()
    cadre.id_number = "12345"

    with pytest.raises(ValidationError):
        cadre.full_clean()
