"""Id filters in the query string: anything but a positive id in range is ignored."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lianbing.accounts.query_params import positive_id
from lianbing.matching.models import MatchRun
from lianbing.matching.services.runs import match_run_create
from tests import factories

pytestmark = pytest.mark.django_db

AWKWARD = ["²", "１２", "9" * 23, str(2**63), "0", "-3", " 4"]


@pytest.mark.parametrize("value", AWKWARD)
def test_only_a_positive_ascii_id_in_the_databases_range_is_read(value: str) -> None:
    assert positive_id(value) is None
    assert positive_id("12") == 12
    assert positive_id(str(2**63 - 1)) == 2**63 - 1


@pytest.fixture
def staff() -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(factories.staff_user())  # type: ignore[arg-type]
    return client


@pytest.fixture
def run() -> MatchRun:
    user = factories.staff_user("zuzhibu")
    return match_run_create(program=factories.matching_program(), created_by=user)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", AWKWARD)
def test_an_awkward_id_filter_shows_the_unfiltered_page(
    staff: Client, run: MatchRun, value: str
) -> None:
    survey_round = factories.survey_round()
    pages = [
        (reverse("web:cadre_list"), "unit"),
        (reverse("web:post_list"), "unit"),
        (reverse("matching:balance", args=[run.pk]), "unit"),
        (reverse("matching:compare", args=[run.pk]), "other"),
        (reverse("survey:gap_overview"), "round"),
        (reverse("survey:round_detail", args=[survey_round.pk]), "unit"),
    ]

    codes = {url: staff.get(url, {param: value}).status_code for url, param in pages}

    # compare without another run to compare with goes back to the run (302)
    assert codes == {url: 302 if "compare" in url else 200 for url, _ in pages}


def test_a_huge_candidate_limit_on_the_run_form_is_a_form_error(staff: Client) -> None:
    program = factories.matching_program()
    form = {
        "program": program.pk,
        "post_scope": "all",
        "cadre_scope": "all",
        "per_post": 2,
        "max_per_cadre": 10**9,
        "weight_fit": 0.5,
        "weight_development": 0.3,
        "weight_complement": 0.2,
        "fit_floor": 20,
        "preference_bonus": 5,
    }

    response = staff.post(reverse("matching:run_create"), form)

    assert response.status_code == 200
    assert "32767" in response.content.decode()
    assert not MatchRun.objects.filter(program=program).exists()
