"""Filing, reviewing and converting demands; bad input changes nothing."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.utils import timezone

from lianbing.demand.models import Post
from lianbing.survey import services
from lianbing.survey.models import Demand, DemandStatus
from tests import factories

pytestmark = pytest.mark.django_db

GOOD = services.DemandInput(
    title="文旅发展岗",
    key_task="推动赛艇小镇提升发展，承办赛艇赛事",
    category="民生事业",
    seats=1,
    duration_months=12,
    tags="赛艇、文旅融合",
    abilities=(("群众工作能力", 3.0), ("reform", 2.0)),
)


@pytest.fixture
def town() -> factories.Unit:
    return factories.unit("曹桥街道", kind="town")


def test_a_contact_files_a_draft_and_then_submits_it(town: factories.Unit) -> None:
    survey_round = factories.survey_round()

    draft = services.demand_create(survey_round=survey_round, unit=town, filed_by=None, data=GOOD)
    submitted = services.demand_submit(demand=draft)

    assert draft.status == DemandStatus.DRAFT
    assert submitted.status == DemandStatus.SUBMITTED
    assert submitted.submitted_at is not None
    assert submitted.category == "livelihood"
    assert submitted.tags == "赛艇、文旅融合"
    assert {(a.ability, float(a.weight)) for a in submitted.abilities.all()} == {
        ("mass_work", 3.0),
        ("reform", 2.0),
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key_task": "  "}, "请填写重点任务"),
        ({"category": "外事管理"}, "不是五大类别之一"),
        ({"seats": 0}, "名额至少为 1 人"),
        ({"duration_months": 5}, "练兵期限须在 6 到 12 个月之间"),
        ({"duration_months": 13}, "练兵期限须在 6 到 12 个月之间"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_nothing_is_saved(
    town: factories.Unit, change: dict[str, object], message: str
) -> None:
    survey_round = factories.survey_round()

    with pytest.raises(services.DemandError, match=message):
        services.demand_create(
            survey_round=survey_round,
            unit=town,
            filed_by=None,
            data=dataclasses.replace(GOOD, **change),  # type: ignore[arg-type]
        )

    assert Demand.objects.count() == 0


def test_bad_input_on_an_update_leaves_the_demand_as_it_was(town: factories.Unit) -> None:
    survey_round = factories.survey_round()
    demand = factories.demand(round_=survey_round, host=town, seats=2, submit=False)

    with pytest.raises(services.DemandError):
        services.demand_update(demand=demand, data=dataclasses.replace(GOOD, seats=0))

    demand.refresh_from_db()
    assert demand.seats == 2
    assert demand.title == "基层治理岗"


def test_filing_after_the_deadline_is_refused_and_names_the_deadline(
    town: factories.Unit,
) -> None:
    deadline = timezone.make_aware(datetime.datetime(2026, 3, 31, 17, 0))
    survey_round = factories.survey_round(deadline_at=deadline)

    with pytest.raises(services.DemandError, match="2026年3月31日 17:00"):
        services.demand_create(
            survey_round=survey_round,
            unit=town,
            filed_by=None,
            data=GOOD,
            now=deadline + datetime.timedelta(minutes=1),
        )

    assert Demand.objects.count() == 0


def test_a_submitted_demand_is_final_until_the_department_returns_it(
    town: factories.Unit,
) -> None:
    survey_round = factories.survey_round()
    demand = factories.demand(round_=survey_round, host=town)

    with pytest.raises(services.DemandError, match="不能再修改"):
        services.demand_update(demand=demand, data=GOOD)
    returned = services.demand_return(demand=demand, comment="请写明名额用途")
    changed = services.demand_update(demand=returned, data=GOOD, submit=True)

    assert returned.return_comment == "请写明名额用途"
    assert changed.status == DemandStatus.SUBMITTED
    assert changed.title == "文旅发展岗"


def test_returning_needs_a_comment(town: factories.Unit) -> None:
    demand = factories.demand(round_=factories.survey_round(), host=town)

    with pytest.raises(services.DemandError, match="请填写退回意见"):
        services.demand_return(demand=demand, comment=" ")

    demand.refresh_from_db()
    assert demand.status == DemandStatus.SUBMITTED


def test_an_accepted_demand_becomes_a_post_that_names_its_demand(town: factories.Unit) -> None:
    program = factories.program()
    survey_round = factories.survey_round(program_=program)
    demand = services.demand_create(
        survey_round=survey_round, unit=town, filed_by=None, data=GOOD, submit=True
    )
    services.demand_accept(demand=demand)

    post = services.demand_convert(demand=demand)

    demand.refresh_from_db()
    assert demand.status == DemandStatus.CONVERTED
    assert demand.post == post
    assert post.source_demand == demand
    assert (post.program, post.unit, post.name, post.category) == (
        program,
        town,
        "文旅发展岗",
        "livelihood",
    )
    assert post.key_tasks == GOOD.key_task
    assert {a.ability for a in post.core_abilities.all()} == {"mass_work", "reform"}


def test_converting_the_same_demand_twice_is_refused_and_creates_no_second_post(
    town: factories.Unit,
) -> None:
    survey_round = factories.survey_round(program_=factories.program())
    demand = factories.demand(round_=survey_round, host=town)
    services.demand_accept(demand=demand)
    services.demand_convert(demand=demand)

    with pytest.raises(services.DemandError, match=r"已转为岗位.*不能重复转换"):
        services.demand_convert(demand=demand)

    assert Post.objects.count() == 1


def test_a_demand_not_yet_accepted_cannot_become_a_post(town: factories.Unit) -> None:
    survey_round = factories.survey_round(program_=factories.program())
    demand = factories.demand(round_=survey_round, host=town)

    with pytest.raises(services.DemandError, match="只有已采纳的需求才能转为岗位"):
        services.demand_convert(demand=demand)

    assert Post.objects.count() == 0


def test_bulk_conversion_turns_every_accepted_demand_into_a_post(town: factories.Unit) -> None:
    survey_round = factories.survey_round(program_=factories.program())
    demands = [factories.demand(round_=survey_round, host=town, title=f"岗{k}") for k in range(3)]
    for demand in demands:
        services.demand_accept(demand=demand)

    posts = services.demands_convert(survey_round=survey_round, demand_ids=[d.pk for d in demands])

    assert len(posts) == 3
    assert set(Demand.objects.values_list("status", flat=True)) == {DemandStatus.CONVERTED}


def test_bulk_conversion_is_all_or_nothing(town: factories.Unit) -> None:
    survey_round = factories.survey_round(program_=factories.program())
    accepted = factories.demand(round_=survey_round, host=town, title="甲")
    services.demand_accept(demand=accepted)
    converted = factories.demand(round_=survey_round, host=town, title="乙")
    services.demand_accept(demand=converted)
    services.demand_convert(demand=converted)

    with pytest.raises(services.DemandError, match="“乙”已转为岗位"):
        services.demands_convert(survey_round=survey_round, demand_ids=[accepted.pk, converted.pk])

    accepted.refresh_from_db()
    assert accepted.status == DemandStatus.ACCEPTED
    assert Post.objects.count() == 1


def test_conversion_needs_a_program(town: factories.Unit) -> None:
    demand = factories.demand(round_=factories.survey_round(), host=town)
    services.demand_accept(demand=demand)

    with pytest.raises(services.DemandError, match="请先选择要转入的练兵批次"):
        services.demand_convert(demand=demand)


def test_an_origin_department_cannot_file_demands() -> None:
    department = factories.unit("市经信局")

    with pytest.raises(services.DemandError, match="只有镇街道和市级平台"):
        services.demand_create(
            survey_round=factories.survey_round(), unit=department, filed_by=None, data=GOOD
        )


def test_an_accepted_demand_can_be_met_by_a_post_that_already_exists(
    town: factories.Unit,
) -> None:
    program = factories.program()
    post = factories.post(program_=program, host=town)
    demand = services.demand_create(
        survey_round=factories.survey_round(program_=program),
        unit=town,
        filed_by=None,
        data=GOOD,
        submit=True,
    )
    services.demand_accept(demand=demand)

    services.demand_link_post(demand=demand, post=post)

    demand.refresh_from_db()
    assert demand.status == DemandStatus.CONVERTED
    assert post.source_demand == demand
    with pytest.raises(services.DemandError, match="不能重复转换"):
        services.demand_convert(demand=demand)


def test_a_demand_cannot_be_met_by_a_post_of_another_unit_or_one_already_linked(
    town: factories.Unit,
) -> None:
    program = factories.program()
    survey_round = factories.survey_round(program_=program)
    elsewhere = factories.post(program_=program, host=factories.unit(kind="town"))
    mine = factories.post(program_=program, host=town)
    first, second = (
        services.demand_accept(
            demand=services.demand_create(
                survey_round=survey_round, unit=town, filed_by=None, data=GOOD, submit=True
            )
        )
        for _ in range(2)
    )
    services.demand_link_post(demand=first, post=mine)

    with pytest.raises(services.DemandError, match="不属于同一单位"):
        services.demand_link_post(demand=second, post=elsewhere)
    with pytest.raises(services.DemandError, match="已关联其他需求"):
        services.demand_link_post(demand=second, post=mine)

    second.refresh_from_db()
    assert second.status == DemandStatus.ACCEPTED
    assert second.post is None


def test_converted_demands_continue_the_programs_post_codes(town: factories.Unit) -> None:
    program = factories.program()
    factories.post(program_=program, code="P001")
    factories.post(program_=program, code="P100")
    survey_round = factories.survey_round(program_=program)
    demands = [factories.demand(round_=survey_round, host=town, title=f"岗{k}") for k in range(2)]
    for demand in demands:
        services.demand_accept(demand=demand)

    posts = services.demands_convert(survey_round=survey_round, demand_ids=[d.pk for d in demands])

    assert sorted(p.code for p in posts) == ["P101", "P102"]
