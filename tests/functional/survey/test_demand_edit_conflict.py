"""Two contacts edit one demand: the second sees what the first changed and keeps their input."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing.people.models import Cadre
from lianbing.survey.models import Demand
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Lianbing-2026!"


def _contact(town: factories.Unit) -> Client:
    client = Client()
    client.force_login(factories.account("host_contact", password=PASSWORD, unit_=town))
    return client


def _loaded_form(client: Client, demand: Demand) -> dict[str, object]:
    """The edit form's values as the page rendered them (the hidden version included)."""
    response = client.get(reverse("survey:demand_edit", args=[demand.pk]))
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}


def test_the_second_saver_sees_the_changed_fields_and_keeps_the_input_to_save_again() -> None:
    town = factories.unit("曹桥街道", kind="town")
    demand = factories.demand(round_=factories.survey_round(), host=town, seats=1, submit=False)
    first, second = _contact(town), _contact(town)
    first_form, second_form = _loaded_form(first, demand), _loaded_form(second, demand)

    saved = first.post(
        reverse("survey:demand_edit", args=[demand.pk]),
        {**first_form, "seats": 3, "draft": "1"},
    )
    refused = second.post(
        reverse("survey:demand_edit", args=[demand.pk]),
        {**second_form, "title": "乡村振兴岗", "draft": "1"},
    )

    assert saved.status_code == 302
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "该记录已被他人修改并保存，您的修改没有保存" in page
    assert "名额：现为“3”" in page
    assert 'value="乡村振兴岗"' in page  # the second contact's input is still in the form
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.title, stored.seats) == (demand.title, 3)

    again = second.post(
        reverse("survey:demand_edit", args=[demand.pk]),
        {**refused.context["form"].data.dict(), "draft": "1"},
    )

    assert again.status_code == 302
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.title, stored.seats, stored.version) == ("乡村振兴岗", 1, 3)


def test_a_form_without_its_version_is_refused_rather_than_overwriting() -> None:
    town = factories.unit("曹桥街道", kind="town")
    demand = factories.demand(round_=factories.survey_round(), host=town, submit=False)
    client = _contact(town)
    form = _loaded_form(client, demand)
    del form["version"]

    response = client.post(
        reverse("survey:demand_edit", args=[demand.pk]), {**form, "title": "改名"}
    )

    assert response.status_code == 409
    assert Demand.objects.get(pk=demand.pk).title == demand.title


def test_two_administrators_editing_one_cadre_the_second_sees_what_changed() -> None:
    cadre = factories.cadre(name="王楠楠")
    url = reverse("admin:people_cadre_change", args=[cadre.pk])
    first, second = Client(), Client()
    first.force_login(User.objects.create_superuser(username="root1", password=PASSWORD))
    second.force_login(User.objects.create_superuser(username="root2", password=PASSWORD))

    def loaded(client: Client) -> dict[str, object]:
        response = client.get(url)
        adminform = response.context["adminform"].form
        data: dict[str, object] = {}
        for name in adminform.fields:
            value = adminform[name].value()
            if value is not None:
                data[name] = value
        for formset in response.context["inline_admin_formsets"]:
            management = formset.formset.management_form
            for name in management.fields:
                data[management.add_prefix(name)] = management[name].value()
            for form in formset.formset.forms:
                for name in form.fields:
                    value = form[name].value()
                    if value is not None and value is not False:
                        data[form.add_prefix(name)] = value
        return data

    first_form, second_form = loaded(first), loaded(second)

    saved = first.post(url, {**first_form, "position": "副镇长"})
    refused = second.post(url, {**second_form, "major": "城市规划"})

    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "该记录已被他人修改并保存" in page
    assert "现职务：现为“副镇长”" in page
    assert 'value="城市规划"' in page
    stored = Cadre.objects.get(pk=cadre.pk)
    assert (stored.position, stored.major) == ("副镇长", "")
