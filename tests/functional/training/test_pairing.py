"""导师结对: the proposal, confirming or changing a pair (with a reason), capacity, denials."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lianbing.accounts.models import AuditAction, AuditEvent
from lianbing.demand.models import Post
from lianbing.engine import pairing as engine_pairing
from lianbing.people import services as people_services
from lianbing.people.models import Mentor
from lianbing.training import adapters, clock
from lianbing.training.models import Secondment
from lianbing.training.services import pairing as services

from .conftest import Placed, second

pytestmark = pytest.mark.django_db

PAGE = reverse("training:pairing")
PROPOSE = reverse("training:pairing_propose")
CONFIRM_ALL = reverse("training:pairing_confirm_all")


def _confirm_url(secondment: Secondment) -> str:
    return reverse("training:pairing_confirm", args=[secondment.pk])


def _mentor(code: str, name: str, unit, **kwargs) -> Mentor:
    return people_services.mentor_create(code=code, name=name, unit=unit, **kwargs)


@pytest.fixture
def open_pairs(placed: Placed) -> list[Secondment]:
    """Three trainees without a mentor at two towns; the towns have three free mentors.

    新仓镇 (where 孙杰 is placed, with 李俊 confirmed) gets 金伟 and 陆洁 and two
    more mentors; 曹桥街道 (王楠楠 with 张敏) gets 沈红 and one more mentor.
    """
    xincang = placed.secondment.post.unit
    caoqiao = placed.other.post.unit
    _mentor("M-X1", "周强", xincang, expertise="招商引资 项目推进", strengths=["mass_work"])
    _mentor("M-X2", "吴芳", xincang, expertise="防汛抢险", strengths=["emergency"])
    _mentor("M-C1", "郑涛", caoqiao, expertise="社区治理")
    return [
        second(placed.run, cadre_name="金伟", town="新仓镇"),
        second(placed.run, cadre_name="陆洁", town="新仓镇"),
        second(placed.run, cadre_name="沈红", town="曹桥街道"),
    ]


def _fresh(secondments: list[Secondment]) -> list[Secondment]:
    return [Secondment.objects.select_related("mentor").get(pk=s.pk) for s in secondments]


# --------------------------------------------------------------------------- the proposal


def test_the_proposal_gives_every_trainee_a_mentor_of_their_own_unit_one_to_one(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    response = placed.client("staff").post(PROPOSE, {"program": placed.run.program_id})

    pairs = _fresh(open_pairs)
    assert response.status_code == 302
    assert all(s.mentor is not None for s in pairs)
    assert len({s.mentor_id for s in pairs}) == 3
    for s in pairs:
        assert s.mentor.unit_id == s.post.unit_id
        assert s.proposed_mentor_id == s.mentor_id
        assert s.mentor_confirmed_at is None
        assert "同一用人单位" in s.proposal_reasons
        assert 0 <= s.proposal_score <= 100
    assert {s.mentor.name for s in pairs} == {"周强", "吴芳", "郑涛"}


def test_the_proposal_keeps_the_confirmed_pairs_and_their_mentors_places(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    def state() -> list[tuple[object, ...]]:
        return [
            (s.mentor_id, s.mentor_confirmed_at, s.proposed_mentor_id, s.proposal_reasons)
            for s in _fresh([placed.secondment, placed.other])
        ]

    before = state()
    services.pairing_propose(program=placed.run.program, by=placed.staff)

    assert state() == before
    taken = {placed.secondment.mentor_id, placed.other.mentor_id}
    assert not taken & {s.mentor_id for s in _fresh(open_pairs)}


def test_the_proposal_is_the_best_one_to_one_pairing_a_brute_force_finds(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    services.pairing_propose(program=placed.run.program, by=placed.staff)
    data = adapters.pairing_input(placed.run.program, today=clock.today())
    scores = engine_pairing.score(data.mentor_sides, data.trainee_sides).total
    pinned = dict(data.pinned)
    chosen = {s.pk: s.mentor_id for s in Secondment.objects.filter(program=placed.run.program)}
    index = {m.pk: j for j, m in enumerate(data.mentors)}
    proposal_total = sum(scores[i, index[chosen[s.pk]]] for i, s in enumerate(data.secondments))

    free = [i for i in range(len(data.secondments)) if i not in pinned]
    others = [j for j in range(len(data.mentors)) if j not in pinned.values()]
    best = max(
        sum(scores[i, j] for i, j in zip(free, perm, strict=True))
        for perm in itertools.permutations(others, len(free))
    ) + sum(scores[i, j] for i, j in pinned.items())

    assert proposal_total == pytest.approx(best)


def test_a_post_s_named_mentor_is_proposed_first(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    wu = Mentor.objects.get(code="M-X2")
    Post.objects.filter(pk=open_pairs[0].post_id).update(mentor=wu)

    services.pairing_propose(program=placed.run.program, by=placed.staff)

    jinwei = _fresh(open_pairs)[0]
    assert jinwei.mentor == wu
    assert jinwei.proposal_reasons[0] == "岗位指定导师"


def test_a_trainee_beyond_every_mentor_s_capacity_is_left_to_be_decided(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    extra = second(placed.run, cadre_name="许诺", town="新仓镇")

    result = services.pairing_propose(program=placed.run.program, by=placed.staff)

    pairs = _fresh([*open_pairs, extra])
    assert result.proposed == 3
    assert result.without_mentor == 1
    lonely = [s for s in pairs if s.mentor_id is None]
    assert len(lonely) == 1
    assert "导师名额已满" in lonely[0].proposal_reasons[0]


def test_a_mentor_busy_in_a_running_program_has_no_place_in_the_next(
    placed: Placed, open_pairs: list[Secondment], settings
) -> None:
    from tests import factories

    settings.LIANBING_TODAY = "2026-06-01"
    later = factories.match_run(placed.staff)
    newcomer = second(later, cadre_name="许诺", town="新仓镇")
    li_jun = placed.secondment.mentor

    data = adapters.pairing_input(later.program, today=clock.today())

    assert li_jun not in data.mentors  # 李俊's one place is taken until 2027-02-28
    settings.LIANBING_TODAY = "2027-03-01"
    data = adapters.pairing_input(later.program, today=clock.today())
    assert li_jun in data.mentors
    assert [s.pk for s in data.secondments] == [newcomer.pk]


def test_without_mentors_the_proposal_says_what_to_do(placed: Placed) -> None:
    from tests import factories

    lonely_run = factories.match_run(placed.staff)
    second(lonely_run, cadre_name="许诺", town="澉浦镇")

    response = placed.client("staff").post(PROPOSE, {"program": lonely_run.program_id}, follow=True)

    assert "还没有可带学员的导师" in response.content.decode()


# --------------------------------------------------------------------------- confirming


def test_confirming_the_proposal_needs_no_reason_and_is_audited(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    services.pairing_propose(program=placed.run.program, by=placed.staff)
    jinwei = _fresh(open_pairs)[0]

    response = placed.client("staff").post(_confirm_url(jinwei), {"mentor": "", "reason": ""})

    jinwei.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#s-{jinwei.pk}")
    assert jinwei.mentor_confirmed_at is not None
    assert jinwei.mentor_confirmed_by == placed.staff
    assert jinwei.mentor_reason == ""
    event = AuditEvent.objects.get(
        action=AuditAction.UPDATE,
        object_type="training.Secondment",
        object_id=str(jinwei.pk),
        detail__contains="导师确认时间",
    )
    assert event.username == placed.staff.username
    assert event.path == _confirm_url(jinwei)


def test_choosing_another_mentor_than_the_proposal_needs_a_reason(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    services.pairing_propose(program=placed.run.program, by=placed.staff)
    jinwei = _fresh(open_pairs)[0]
    other = Mentor.objects.get(code="M-X2" if jinwei.mentor.code == "M-X1" else "M-X1")
    staff = placed.client("staff")

    refused = staff.post(_confirm_url(jinwei), {"mentor": other.pk, "reason": " "}, follow=True)
    jinwei.refresh_from_db()
    unconfirmed = jinwei.mentor_confirmed_at
    staff.post(_confirm_url(jinwei), {"mentor": other.pk, "reason": "熟悉园区招商"})
    jinwei.refresh_from_db()

    assert "请写明理由" in refused.content.decode()
    assert unconfirmed is None
    assert jinwei.mentor == other
    assert jinwei.mentor_confirmed_at is not None
    assert jinwei.mentor_reason == "熟悉园区招商"
    assert jinwei.proposed_mentor != other  # the proposal stays on record


def test_changing_a_confirmed_pair_later_needs_a_reason(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    zhou = Mentor.objects.get(code="M-X1")
    sunjie = placed.secondment

    with pytest.raises(services.PairingError, match="请写明理由"):
        services.pairing_confirm(secondment=sunjie, mentor=zhou, reason="", by=placed.staff)
    with pytest.raises(services.PairingError, match="无需重复确认"):
        services.pairing_confirm(secondment=sunjie, mentor=None, reason="", by=placed.staff)
    services.pairing_confirm(secondment=sunjie, mentor=zhou, reason="李俊调任", by=placed.staff)

    sunjie.refresh_from_db()
    assert sunjie.mentor == zhou
    assert sunjie.mentor_reason == "李俊调任"


def test_a_mentor_is_never_confirmed_beyond_their_capacity(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    li_jun = placed.secondment.mentor
    jinwei = open_pairs[0]

    response = placed.client("staff").post(
        _confirm_url(jinwei), {"mentor": li_jun.pk, "reason": "经验丰富"}, follow=True
    )

    jinwei.refresh_from_db()
    assert "导师李俊可带 1 名学员，已确认 1 名" in response.content.decode()
    assert jinwei.mentor_confirmed_at is None
    Mentor.objects.filter(pk=li_jun.pk).update(capacity=2)
    services.pairing_confirm(secondment=jinwei, mentor=li_jun, reason="经验丰富", by=placed.staff)
    jinwei.refresh_from_db()
    assert jinwei.mentor == li_jun


def test_a_trainee_without_a_proposal_gets_a_clear_message(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    with pytest.raises(services.PairingError, match="尚无建议导师"):
        services.pairing_confirm(secondment=open_pairs[0], mentor=None, reason="", by=placed.staff)


def test_confirming_all_asks_first_then_confirms_every_proposal(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    services.pairing_propose(program=placed.run.program, by=placed.staff)
    staff = placed.client("staff")

    asked = staff.post(CONFIRM_ALL, {"program": placed.run.program_id})
    still_open = [s.mentor_confirmed_at for s in _fresh(open_pairs)]
    done = staff.post(CONFIRM_ALL, {"program": placed.run.program_id, "confirm": "1"}, follow=True)

    assert asked.status_code == 200
    assert asked.content.decode().count('data-testid="pair"') == 3
    assert still_open == [None, None, None]
    assert all(s.mentor_confirmed_at is not None for s in _fresh(open_pairs))
    assert "已确认 3 对导师结对" in done.content.decode()


def test_confirming_all_skips_a_pair_whose_mentor_is_full(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    li_jun = placed.secondment.mentor
    Secondment.objects.filter(pk=open_pairs[0].pk).update(mentor=li_jun)

    result = services.pairing_confirm_all_proposed(program=placed.run.program, by=placed.staff)

    assert result.confirmed == 0
    assert len(result.skipped) == 1
    assert "李俊" in result.skipped[0]


# --------------------------------------------------------------------------- the page


def test_the_page_shows_the_proposal_its_reasons_and_the_mentors_of_the_unit_first(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    services.pairing_propose(program=placed.run.program, by=placed.staff)

    response = placed.client("staff").get(PAGE)

    page = response.content.decode()
    data = response.context["data"]
    row = next(r for r in data.rows if r.secondment.pk == open_pairs[0].pk)
    assert response.status_code == 200
    assert "生成导师建议" in page
    assert "同一用人单位" in page
    assert "契合度" in page
    assert {o.mentor.name for o in row.same_unit} == {"李俊", "周强", "吴芳"}
    assert {o.mentor.name for o in row.others} == {"张敏", "郑涛"}
    assert page.index("本单位导师") < page.index("其他单位导师")
    assert "全部确认建议（3 对）" in page


def test_the_page_makes_a_constant_number_of_queries_for_more_trainees_and_mentors(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = placed.client("staff")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(PAGE).status_code == 200
        return len(ctx.captured_queries)

    services.pairing_propose(program=placed.run.program, by=placed.staff)
    before = queries()
    for k in range(6):
        second(placed.run, cadre_name=f"学员{k}", town=f"测试镇{k % 2}", mentor_name=f"导师{k}")
    services.pairing_propose(program=placed.run.program, by=placed.staff)
    after = queries()

    assert after == before


def test_the_page_lists_a_program_without_secondments(staff) -> None:
    response = staff.get(PAGE)

    assert response.status_code == 200
    assert "还没有练兵批次" in response.content.decode()


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize(
    "who", ["auditor", "mentor", "trainee", "host", "other_mentor", "other_trainee"]
)
def test_only_the_department_opens_the_pairing_or_confirms(
    placed: Placed, open_pairs: list[Secondment], who: str
) -> None:
    client = placed.client(who)

    assert client.get(PAGE).status_code == 403
    assert client.post(PROPOSE, {"program": placed.run.program_id}).status_code == 403
    assert client.post(_confirm_url(open_pairs[0]), {"mentor": ""}).status_code == 403
    assert client.post(CONFIRM_ALL, {"program": placed.run.program_id}).status_code == 403
    assert Secondment.objects.filter(mentor_confirmed_at__isnull=False).count() == 2


def test_the_services_refuse_anyone_but_the_department(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    with pytest.raises(PermissionDenied):
        services.pairing_propose(program=placed.run.program, by=placed.mentor)
    with pytest.raises(PermissionDenied):
        services.pairing_confirm(
            secondment=placed.secondment, mentor=None, reason="", by=placed.trainee
        )


def test_a_confirmed_mentor_then_sees_the_trainee(
    placed: Placed, open_pairs: list[Secondment]
) -> None:
    from lianbing.training import access

    services.pairing_propose(program=placed.run.program, by=placed.staff)
    jinwei = _fresh(open_pairs)[0]
    mentor_account = placed.mentor
    mentor_account.profile.mentor = jinwei.mentor
    mentor_account.profile.save()

    before = access.visible_secondments(mentor_account).filter(pk=jinwei.pk).exists()
    services.pairing_confirm(secondment=jinwei, mentor=None, reason="", by=placed.staff)
    after = access.visible_secondments(mentor_account).filter(pk=jinwei.pk).exists()

    assert (before, after) == (False, True)
