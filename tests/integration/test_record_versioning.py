"""Optimistic locking: of two saves loaded at the same version, the second is refused."""

from __future__ import annotations

import pytest

from lianbing.demand import services as demand_services
from lianbing.demand.models import Post
from lianbing.people import services as people_services
from lianbing.people import versioning
from lianbing.people.models import Cadre
from lianbing.survey import selectors as survey_selectors
from lianbing.survey import services as survey_services
from lianbing.survey.models import Demand
from tests import factories

pytestmark = pytest.mark.django_db

CADRE_FIELDS = ("name", "position", "phone")


def _cadre_values(cadre: Cadre) -> versioning.Values:
    return versioning.model_values(cadre, CADRE_FIELDS)


def test_a_second_save_of_a_cadre_loaded_at_the_same_version_is_refused_and_the_first_kept() -> (
    None
):
    cadre = factories.cadre(name="王楠楠")
    loaded = cadre.version
    token = versioning.fingerprint(_cadre_values(cadre))
    first, second = Cadre.objects.get(pk=cadre.pk), Cadre.objects.get(pk=cadre.pk)
    first.position = "副镇长"
    second.name = "王楠"

    people_services.cadre_save(cadre=first, version=loaded, token=token, values_of=_cadre_values)
    with pytest.raises(versioning.RecordChangedError) as refused:
        people_services.cadre_save(
            cadre=second, version=loaded, token=token, values_of=_cadre_values
        )

    stored = Cadre.objects.get(pk=cadre.pk)
    assert (stored.name, stored.position, stored.version) == ("王楠楠", "副镇长", loaded + 1)
    assert [(c.label, c.value) for c in refused.value.changes] == [("现职务", "副镇长")]
    assert refused.value.version == loaded + 1


def test_a_changed_phone_is_named_but_its_value_is_not_shown() -> None:
    cadre = factories.cadre()
    token = versioning.fingerprint(_cadre_values(cadre))
    first = Cadre.objects.get(pk=cadre.pk)
    first.phone = "13812345678"
    people_services.cadre_save(
        cadre=first, version=cadre.version, token=token, values_of=_cadre_values
    )

    with pytest.raises(versioning.RecordChangedError) as refused:
        people_services.cadre_save(
            cadre=cadre, version=cadre.version, token=token, values_of=_cadre_values
        )

    assert [c.label for c in refused.value.changes] == ["联系电话"]
    assert "13812345678" not in refused.value.changes[0].value
    assert "13812345678" not in token


def test_a_second_save_of_a_post_loaded_at_the_same_version_is_refused() -> None:
    post = factories.post(seats=1)

    def values_of(p: Post) -> versioning.Values:
        return versioning.model_values(p, ("name", "seats"))

    token = versioning.fingerprint(values_of(post))
    first, second = Post.objects.get(pk=post.pk), Post.objects.get(pk=post.pk)
    first.seats, second.seats = 2, 3

    demand_services.post_save(post=first, version=1, token=token, values_of=values_of)
    with pytest.raises(versioning.RecordChangedError):
        demand_services.post_save(post=second, version=1, token=token, values_of=values_of)

    assert Post.objects.get(pk=post.pk).seats == 2


def test_a_second_edit_of_a_demand_loaded_at_the_same_version_is_refused_and_the_first_kept() -> (
    None
):
    host = factories.unit("曹桥街道", kind="town")
    demand = factories.demand(round_=factories.survey_round(), host=host, submit=False)
    token = versioning.fingerprint(survey_selectors.demand_edit_values(demand))
    base = survey_services.DemandInput(
        title=demand.title, key_task=demand.key_task, category="social", seats=1,
        duration_months=12, abilities=(("mass_work", 3.0),),
    )  # fmt: skip

    survey_services.demand_update(
        demand=demand, data=base.__class__(**{**base.__dict__, "seats": 4}), version=1, token=token
    )
    with pytest.raises(versioning.RecordChangedError) as refused:
        survey_services.demand_update(
            demand=demand,
            data=base.__class__(**{**base.__dict__, "title": "另一个名称"}),
            version=1,
            token=token,
        )

    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.title, stored.seats, stored.version) == (demand.title, 4, 2)
    assert [(c.label, c.value) for c in refused.value.changes] == [("名额", "4")]


def test_reviewing_a_demand_takes_a_new_version_so_an_edit_loaded_before_is_refused() -> None:
    host = factories.unit("曹桥街道", kind="town")
    demand = factories.demand(round_=factories.survey_round(), host=host, submit=True)
    token = versioning.fingerprint(survey_selectors.demand_edit_values(demand))
    survey_services.demand_return(demand=demand, comment="请补充重点任务")

    with pytest.raises(versioning.RecordChangedError) as refused:
        survey_services.demand_update(
            demand=demand,
            data=survey_services.DemandInput(
                title="x", key_task="y", category="social", seats=1, duration_months=12
            ),
            version=demand.version,
            token=token,
        )

    assert [c.label for c in refused.value.changes] == ["状态"]
