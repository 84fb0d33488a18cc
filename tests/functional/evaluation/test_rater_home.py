"""A rater's home page says which trainees are still waiting for their rating."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lianbing.evaluation.models import Rating

from .conftest import Inspected

pytestmark = pytest.mark.django_db


def test_the_inspectors_home_page_lists_the_trainees_to_rate_until_rated(
    inspected: Inspected,
) -> None:
    client = inspected.client("inspector")
    rate_url = reverse("evaluation:rate", args=[inspected.round.pk])

    page = client.get(reverse("web:dashboard")).content.decode()
    assert "中期考察：待评价的练兵干部" in page
    assert "孙杰" in page
    assert rate_url in page

    Rating.objects.create(
        round=inspected.round,
        secondment=inspected.placed.secondment,
        member=inspected.host_member,
        scores={"performance": 4},
    )
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "待评价的练兵干部" not in page


def test_the_sidebar_leads_raters_and_the_department_to_the_rounds(inspected: Inspected) -> None:
    for who in ("inspector", "staff"):
        page = inspected.client(who).get(reverse("web:dashboard")).content.decode()
        assert reverse("evaluation:round_list") in page
    page = inspected.client("trainee").get(reverse("web:dashboard")).content.decode()
    assert reverse("evaluation:round_list") not in page


def test_once_released_the_trainee_and_the_host_contact_find_the_record_on_their_home_page(
    inspected: Inspected,
) -> None:
    record = reverse("evaluation:record", args=[inspected.round.pk, inspected.placed.secondment.pk])
    for who in ("trainee", "host"):
        assert record not in inspected.client(who).get(reverse("web:dashboard")).content.decode()

    type(inspected.round).objects.filter(pk=inspected.round.pk).update(status="released")

    for who in ("trainee", "host"):
        page = inspected.client(who).get(reverse("web:dashboard")).content.decode()
        assert record in page
        assert "中期考察 · 孙杰" in page
    other = inspected.client("other_trainee").get(reverse("web:dashboard")).content.decode()
    assert record not in other


def test_the_round_page_leads_to_the_qr_sheets_the_index_and_the_records(
    inspected: Inspected,
) -> None:
    page = (
        inspected.client("staff")
        .get(reverse("evaluation:round_detail", args=[inspected.round.pk]))
        .content.decode()
    )
    mine = inspected.placed.secondment.pk
    assert reverse("evaluation:qr_sheet", args=[inspected.round.pk, mine]) in page
    assert reverse("evaluation:record", args=[inspected.round.pk, mine]) in page
    assert reverse("evaluation:index", args=[inspected.round.pk]) in page
