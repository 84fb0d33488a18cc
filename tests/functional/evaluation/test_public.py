"""Public representatives rate through a one-time link, without an account."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lianbing.accounts.models import AuditEvent
from lianbing.evaluation.models import (
    Conflict,
    ConflictKind,
    InspectionTeam,
    Rating,
    RatingToken,
    RoundStatus,
)
from lianbing.evaluation.services import public as services
from lianbing.evaluation.tokens import token_digest

from ._public import form_data, issue, scores
from .conftest import Inspected

pytestmark = pytest.mark.django_db

SESSION_PAGE = "/evaluation/r/"
CLIENT_IP = "203.0.113.77"
BROWSER = "Mozilla/5.0 (Linux; Android 14) TestPhone"


def _phone() -> Client:
    return Client(REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=BROWSER)


def _link(token: str) -> str:
    return reverse("evaluation:public_rate", args=[token])


# --------------------------------------------------------------------------- issuing


def test_issuing_makes_one_link_per_public_member_and_keeps_only_its_digest(
    inspected: Inspected,
) -> None:
    issued = issue(inspected)

    assert {i.member for i in issued} == set(inspected.public_members)
    assert {i.secondment for i in issued} == {inspected.placed.secondment}
    rows = list(RatingToken.objects.all())
    assert len(rows) == 2
    assert {r.token_hash for r in rows} == {token_digest(i.token) for i in issued}
    clear = {i.token for i in issued}
    for row in RatingToken.objects.values():
        assert not clear & {str(v) for v in row.values()}
    expected = timezone.now() + datetime.timedelta(days=inspected.round.token_days)
    assert all(abs(r.expires_at - expected) < datetime.timedelta(minutes=1) for r in rows)


def test_issuing_again_replaces_an_unused_link_and_keeps_a_used_one(
    inspected: Inspected,
) -> None:
    first = issue(inspected)
    used, unused = first
    services.public_rating_submit(
        token_digest=token_digest(used.token), scores=scores(inspected.round)
    )

    second = issue(inspected)

    assert [i.member for i in second] == [unused.member]
    assert RatingToken.objects.count() == 2
    response = _phone().get(_link(unused.token))
    assert response.status_code == 404
    assert _phone().get(_link(second[0].token)).status_code == 302


def test_only_department_staff_issue_links(inspected: Inspected) -> None:
    with pytest.raises(PermissionDenied):
        services.tokens_issue(
            round_=inspected.round, team=inspected.team, by=inspected.placed.mentor
        )

    assert not RatingToken.objects.exists()


def test_a_member_with_a_declared_conflict_gets_no_link(inspected: Inspected) -> None:
    Conflict.objects.create(
        member=inspected.public_members[0],
        secondment=inspected.placed.secondment,
        kind=ConflictKind.RELATIVE,
    )

    issued = issue(inspected)

    assert [i.member for i in issued] == [inspected.public_members[1]]


# --------------------------------------------------------------------------- the flow


def test_the_whole_flow_leaves_one_rating_and_the_token_leaves_the_address(
    inspected: Inspected,
) -> None:
    issued = issue(inspected)[0]
    phone = _phone()

    first = phone.get(_link(issued.token))
    page = phone.get(first["Location"])
    sent = phone.post(SESSION_PAGE, form_data(inspected.round, 5, "工作扎实，群众认可"))
    thanks = phone.get(sent["Location"])

    assert first.status_code == 302
    assert first["Location"] == SESSION_PAGE
    assert first["Referrer-Policy"] == "no-referrer"
    assert page.status_code == 200
    assert issued.token not in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    assert sent.status_code == 302
    assert sent["Location"] == reverse("evaluation:public_thanks")
    assert thanks.status_code == 200
    assert "感谢您的评价" in thanks.content.decode()
    rating = Rating.objects.get()
    assert rating.member == issued.member
    assert rating.secondment == inspected.placed.secondment
    assert rating.token is not None
    assert rating.token.token_hash == token_digest(issued.token)
    assert rating.scores == scores(inspected.round, 5)
    assert rating.comment == "工作扎实，群众认可"


def test_the_form_shows_the_trainee_name_post_and_unit_and_nothing_else(
    inspected: Inspected,
) -> None:
    secondment = inspected.placed.secondment
    issued = issue(inspected)
    Rating.objects.create(
        round=inspected.round,
        secondment=secondment,
        member=inspected.host_member,
        scores=scores(inspected.round, 2),
        comment="另一位评价人的评语",
    )
    phone = _phone()
    phone.get(_link(issued[0].token))

    html = phone.get(SESSION_PAGE).content.decode()

    assert secondment.cadre.name in html
    assert secondment.post.name in html
    assert secondment.post.unit.name in html
    assert "另一位评价人的评语" not in html
    assert secondment.cadre.origin_unit.name not in html
    assert "lb-sidebar" not in html
    assert html.count('type="radio"') == 9 * 5
    assert "突出，可为表率" in html


def test_a_missing_score_is_asked_for_and_nothing_is_stored(inspected: Inspected) -> None:
    issued = issue(inspected)[0]
    phone = _phone()
    phone.get(_link(issued.token))
    data = form_data(inspected.round)
    data.pop("s_performance")
    data["s_adaptation"] = "9"

    response = phone.post(SESSION_PAGE, data)

    assert response.status_code == 400
    text = response.content.decode()
    assert "请为“现实表现”打分" in text
    assert "“岗位适应”的分值应在 1 到 5 之间" in text
    assert not Rating.objects.exists()


def test_a_link_used_once_is_refused_the_second_time(inspected: Inspected) -> None:
    issued = issue(inspected)[0]
    phone = _phone()
    phone.get(_link(issued.token))
    phone.post(SESSION_PAGE, form_data(inspected.round))

    again = _phone().get(_link(issued.token))
    resend = phone.post(SESSION_PAGE, form_data(inspected.round, 1))

    assert again.status_code == 410
    assert "此链接已使用" in again.content.decode()
    assert resend.status_code == 404
    assert Rating.objects.count() == 1
    with pytest.raises(services.LinkUsed):
        services.public_rating_submit(
            token_digest=token_digest(issued.token), scores=scores(inspected.round)
        )


def test_a_form_opened_twice_counts_only_once(inspected: Inspected) -> None:
    issued = issue(inspected)[0]
    a, b = _phone(), _phone()
    a.get(_link(issued.token))
    b.get(_link(issued.token))

    first = a.post(SESSION_PAGE, form_data(inspected.round))
    second = b.post(SESSION_PAGE, form_data(inspected.round, 1))

    assert first.status_code == 302
    assert second.status_code == 410
    assert Rating.objects.get().scores == scores(inspected.round, 4)


def test_an_expired_link_is_refused(inspected: Inspected) -> None:
    issued = issue(inspected)[0]
    RatingToken.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    response = _phone().get(_link(issued.token))

    assert response.status_code == 410
    assert "已过有效期" in response.content.decode()
    with pytest.raises(services.LinkExpired):
        services.public_rating_submit(
            token_digest=token_digest(issued.token), scores=scores(inspected.round)
        )
    assert not Rating.objects.exists()


def test_a_link_expiring_while_the_form_is_open_is_refused_on_submit(
    inspected: Inspected,
) -> None:
    issued = issue(inspected)[0]
    phone = _phone()
    phone.get(_link(issued.token))
    RatingToken.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    response = phone.post(SESSION_PAGE, form_data(inspected.round))

    assert response.status_code == 410
    assert not Rating.objects.exists()


def test_a_round_no_longer_open_refuses_the_link(inspected: Inspected) -> None:
    issued = issue(inspected)[0]
    type(inspected.round).objects.filter(pk=inspected.round.pk).update(status=RoundStatus.CLOSED)

    response = _phone().get(_link(issued.token))

    assert response.status_code == 410
    assert "不在评价期" in response.content.decode()


def test_a_conflict_declared_after_issuing_refuses_the_link(inspected: Inspected) -> None:
    issued = issue(inspected)[0]
    phone = _phone()
    phone.get(_link(issued.token))
    Conflict.objects.create(
        member=issued.member, secondment=issued.secondment, kind=ConflictKind.RELATIVE
    )

    response = phone.post(SESSION_PAGE, form_data(inspected.round))

    assert response.status_code == 410
    assert "回避" in response.content.decode()
    assert not Rating.objects.exists()


def test_an_unknown_link_says_so_without_telling_whether_it_exists(inspected: Inspected) -> None:
    issue(inspected)

    made_up = _phone().get(_link("x" * 43))
    no_session = _phone().get(SESSION_PAGE)

    assert made_up.status_code == 404
    assert no_session.status_code == 404
    assert made_up.content == no_session.content
    assert "此链接无效" in made_up.content.decode()


def test_nothing_about_the_client_is_kept(inspected: Inspected) -> None:
    issued = issue(inspected)[0]
    phone = _phone()
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    phone.get(_link(issued.token))
    phone.post(SESSION_PAGE, form_data(inspected.round))

    rating = Rating.objects.values().get()
    stored = " ".join(str(v) for v in rating.values())
    assert CLIENT_IP not in stored
    assert BROWSER not in stored
    new = AuditEvent.objects.exclude(pk__in=before)
    assert new.filter(object_type="evaluation.Rating").count() == 1
    for event in new.values():
        text = " ".join(str(v) for v in event.values())
        assert CLIENT_IP not in text
        assert BROWSER not in text
        assert issued.token not in text
        assert event["address"] is None


# --------------------------------------------------------------------------- the QR sheet


def test_the_qr_sheet_asks_before_issuing_then_prints_one_code_per_representative(
    inspected: Inspected,
) -> None:
    staff = inspected.client("staff")
    url = reverse(
        "evaluation:qr_sheet",
        kwargs={"round_id": inspected.round.pk, "secondment_id": inspected.placed.secondment.pk},
    )

    asked = staff.get(url)
    issued_on_asking = RatingToken.objects.count()
    printed = staff.post(url, {"confirm": "yes"})

    assert asked.status_code == 200
    assert "村民代表甲" in asked.content.decode()
    assert issued_on_asking == 0
    html = printed.content.decode()
    assert printed.status_code == 200
    assert html.count('data-testid="qr-card"') == 2
    assert html.count('src="data:image/svg+xml') == 2
    assert "村民代表甲" in html
    assert "村民代表乙" in html
    assert inspected.placed.secondment.cadre.name in html
    assert "<script>" not in html
    assert "no-store" in printed["Cache-Control"]
    assert RatingToken.objects.count() == 2


def test_the_qr_sheet_of_a_trainee_outside_the_round_is_missing(inspected: Inspected) -> None:
    InspectionTeam.objects.filter(pk=inspected.other_team.pk).delete()
    url = reverse(
        "evaluation:qr_sheet",
        kwargs={"round_id": inspected.round.pk, "secondment_id": inspected.placed.other.pk},
    )

    response = inspected.client("staff").post(url, {"confirm": "yes"})

    assert response.status_code == 404
    assert not RatingToken.objects.exists()


def test_only_staff_open_the_qr_sheet(inspected: Inspected) -> None:
    url = reverse(
        "evaluation:qr_sheet",
        kwargs={"round_id": inspected.round.pk, "secondment_id": inspected.placed.secondment.pk},
    )

    for who in ("mentor", "inspector", "trainee", "auditor"):
        assert inspected.client(who).post(url, {"confirm": "yes"}).status_code == 403

    assert not RatingToken.objects.exists()


def test_no_links_are_issued_once_the_round_has_ended(inspected: Inspected) -> None:
    type(inspected.round).objects.filter(pk=inspected.round.pk).update(status=RoundStatus.CLOSED)
    url = reverse(
        "evaluation:qr_sheet",
        kwargs={"round_id": inspected.round.pk, "secondment_id": inspected.placed.secondment.pk},
    )

    response = inspected.client("staff").post(url, {"confirm": "yes"})

    assert response.status_code == 403
    assert not RatingToken.objects.exists()
