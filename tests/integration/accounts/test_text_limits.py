"""Free-text fields have a length limit, refused with a Chinese message."""

from __future__ import annotations

import pytest
from django import forms

from lianbing.accounts.text_limits import REASON_MAX, TEXT_MAX
from lianbing.matching.forms import DecisionForm, DecisionWithdrawForm
from lianbing.survey.forms import DemandForm, ReturnForm

pytestmark = pytest.mark.django_db

CASES = [
    (DecisionForm, {"kind": "pin", "cadre": "1"}, "reason", REASON_MAX),
    (DecisionWithdrawForm, {}, "reason", REASON_MAX),
    (ReturnForm, {}, "comment", REASON_MAX),
    (DemandForm, {}, "key_task", TEXT_MAX),
    (DemandForm, {}, "duties", TEXT_MAX),
    (DemandForm, {}, "expertise_needed", REASON_MAX),
]


@pytest.mark.parametrize(("form_class", "base", "field", "limit"), CASES)
def test_a_200000_character_text_is_refused_in_chinese(
    form_class: type[forms.Form], base: dict[str, str], field: str, limit: int
) -> None:
    form = form_class({**base, field: "字" * 200_000})

    assert not form.is_valid()
    assert form.errors[field] == [f"最多 {limit} 个字（现有 200000 个），请精简后再提交。"]


@pytest.mark.parametrize(("form_class", "base", "field", "limit"), CASES)
def test_a_text_at_the_limit_passes_the_length_check(
    form_class: type[forms.Form], base: dict[str, str], field: str, limit: int
) -> None:
    form = form_class({**base, field: "字" * limit})

    form.is_valid()

    assert field not in form.errors
