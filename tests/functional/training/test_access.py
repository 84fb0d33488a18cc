"""Who reads which secondment: the scope every page of the training period starts from."""

from __future__ import annotations

import pytest

from lianbing.training import access

from .conftest import Placed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "sees_mine", "sees_other"),
    [
        ("staff", True, True),
        ("auditor", True, True),
        ("mentor", True, False),
        ("trainee", True, False),
        ("host", True, False),
        ("other_mentor", False, True),
        ("other_trainee", False, True),
        ("other_host", False, True),
    ],
)
def test_each_role_reads_its_own_secondments(
    placed: Placed, who: str, sees_mine: bool, sees_other: bool
) -> None:
    visible = set(access.visible_secondments(getattr(placed, who)).values_list("pk", flat=True))
    assert (placed.secondment.pk in visible) is sees_mine
    assert (placed.other.pk in visible) is sees_other


def test_an_unconfirmed_mentor_does_not_see_the_trainee_yet(placed: Placed) -> None:
    type(placed.secondment).objects.filter(pk=placed.secondment.pk).update(mentor_confirmed_at=None)
    assert not access.visible_secondments(placed.mentor).filter(pk=placed.secondment.pk).exists()
    assert access.visible_secondments(placed.trainee).filter(pk=placed.secondment.pk).exists()
