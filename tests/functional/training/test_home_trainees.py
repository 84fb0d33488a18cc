"""A mentor's and a host-unit contact's home page list their trainees, with links to the records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import Placed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["mentor", "host"])
def test_the_home_page_lists_the_own_trainees_with_their_records(placed: Placed, who: str) -> None:
    page = placed.client(who).get(reverse("web:dashboard")).content.decode()

    assert 'data-testid="trainees-card"' in page
    assert "孙杰" in page
    assert "王楠楠" not in page  # another mentor's trainee at another unit
    assert reverse("training:secondment_detail", args=[placed.secondment.pk]) in page
    assert reverse("training:plan_current", args=[placed.secondment.pk]) in page


def test_an_unconfirmed_pair_is_not_yet_on_the_mentors_home_page(placed: Placed) -> None:
    type(placed.secondment).objects.filter(pk=placed.secondment.pk).update(mentor_confirmed_at=None)
    page = placed.client("mentor").get(reverse("web:dashboard")).content.decode()

    assert 'data-testid="trainees-card"' not in page


@pytest.mark.parametrize("who", ["staff", "trainee", "auditor"])
def test_other_roles_have_no_trainee_list_on_the_home_page(placed: Placed, who: str) -> None:
    response = placed.client(who).get(reverse("web:dashboard"))

    assert 'data-testid="trainees-card"' not in response.content.decode()


def test_the_trainee_reaches_the_own_post_from_the_home_page(placed: Placed) -> None:
    client = placed.client("trainee")
    page = client.get(reverse("web:dashboard")).content.decode()
    post_url = reverse("web:post_detail", args=[placed.secondment.post_id])

    assert post_url in page
    assert client.get(post_url).status_code == 200
